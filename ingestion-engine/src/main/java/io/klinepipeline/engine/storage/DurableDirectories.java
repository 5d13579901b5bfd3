package io.klinepipeline.engine.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Directory entries that survive a power loss. Forcing a file makes its bytes durable, not its
 * name: on Linux a new file, or a folder just created, is only reachable after a crash once the
 * folder holding its entry has been fsynced too.
 */
public final class DurableDirectories {

    private DurableDirectories() {}

    /**
     * Creates {@code dir} and its missing parents; returns the folders whose entries changed (the
     * parent of each folder created), which the caller must {@link #sync} before relying on them.
     */
    public static List<Path> create(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(p);
        }
        Files.createDirectories(dir);
        List<Path> changed = new ArrayList<>(missing.size());
        for (Path created : missing) {
            if (created.getParent() != null) {
                changed.add(created.getParent());
            }
        }
        return changed;
    }

    /** fsyncs a folder, so the entries created or removed in it so far survive a crash of the machine. */
    public static void sync(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
