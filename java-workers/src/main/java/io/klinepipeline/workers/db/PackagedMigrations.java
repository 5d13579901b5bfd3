package io.klinepipeline.workers.db;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The versions of the migration scripts on the class path (db/migration/V&lt;version&gt;__&lt;name&gt;.sql,
 * from sql/), as Flyway records them in its history: read from the jar's directory, without Flyway.
 */
final class PackagedMigrations {
    static final String LOCATION = "db/migration";
    private static final Pattern VERSIONED = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__.+\\.sql");

    private PackagedMigrations() {}

    /**
     * Every packaged version; empty when they cannot be listed or a script is not a plain versioned
     * one (a repeatable or callback script), so that the caller leaves the decision to Flyway.
     */
    static Optional<Set<String>> versions() {
        URL location = PackagedMigrations.class.getClassLoader().getResource(LOCATION);
        if (location == null) {
            return Optional.empty();
        }
        try {
            List<String> names;
            if ("jar".equals(location.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) location.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    names = jar.stream().map(e -> e.getName()).filter(n -> n.startsWith(LOCATION + "/") && !n.endsWith("/"))
                            .map(n -> n.substring(LOCATION.length() + 1)).toList();
                }
            } else if ("file".equals(location.getProtocol())) {
                try (Stream<Path> files = Files.list(Path.of(location.toURI()))) {
                    names = files.map(p -> p.getFileName().toString()).toList();
                }
            } else {
                return Optional.empty();
            }
            Set<String> versions = new HashSet<>();
            for (String name : names) {
                Matcher m = VERSIONED.matcher(name);
                if (!m.matches()) {
                    return Optional.empty();
                }
                versions.add(m.group(1).replace('_', '.'));
            }
            return versions.isEmpty() ? Optional.empty() : Optional.of(versions);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
