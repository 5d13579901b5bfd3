package io.klinepipeline.pipes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Asset keys as Pipes messages carry them: Dagster's escaped user string. Parts are joined by
 * {@code /}; inside a part a backslash is written {@code \\} and a slash {@code \/}
 * ({@code AssetKey.to_escaped_user_string} in Dagster 1.13).
 */
public final class AssetKeys {

    private AssetKeys() {
    }

    /** Joins key parts into the escaped string Dagster expects, e.g. {@code ["silver", "a/b"]} to {@code silver/a\/b}. */
    public static String fromParts(List<String> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("An asset key needs at least one part");
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part == null) {
                throw new IllegalArgumentException("Asset key part " + i + " is null in " + parts);
            }
            if (i > 0) {
                key.append('/');
            }
            key.append(part.replace("\\", "\\\\").replace("/", "\\/"));
        }
        return key.toString();
    }

    /** Varargs form of {@link #fromParts(List)}. */
    public static String fromParts(String... parts) {
        return fromParts(Arrays.asList(parts));
    }

    /** Splits an escaped key into its parts, the inverse of {@link #fromParts(List)} ({@code to_asset_key_path} in Python). */
    public static List<String> toParts(String escapedKey) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean escapeNext = false;
        for (int i = 0; i < escapedKey.length(); i++) {
            char c = escapedKey.charAt(i);
            if (escapeNext) {
                current.append(c);
                escapeNext = false;
            } else if (c == '\\') {
                escapeNext = true;
            } else if (c == '/') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            parts.add(current.toString());
        }
        return List.copyOf(parts);
    }
}
