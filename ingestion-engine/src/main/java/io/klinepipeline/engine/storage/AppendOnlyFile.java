package io.klinepipeline.engine.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A new file the engine only appends to, whose name is made durable with its bytes: the first
 * {@link #force()} also fsyncs the folders that gained an entry when it was created (its own
 * folder and any folder created for it), so a file with durable bytes is also reachable after a
 * power loss. Shared by the JSONL and the dead-letter writers, which make the same promise.
 */
final class AppendOnlyFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    /** Folders whose entries (this file, folders created for it) are not yet fsynced. */
    private List<Path> unsyncedDirs;

    private AppendOnlyFile(Path path, FileChannel channel, List<Path> unsyncedDirs) {
        this.path = path;
        this.channel = channel;
        this.unsyncedDirs = unsyncedDirs;
    }

    /** Creates {@code dir} (and its parents) if missing and a new file {@code name} in it; fails if the file exists. */
    static AppendOnlyFile create(Path dir, String name) throws IOException {
        List<Path> changedDirs = new ArrayList<>();
        changedDirs.add(dir);
        changedDirs.addAll(DurableDirectories.create(dir));
        Path path = dir.resolve(name);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        return new AppendOnlyFile(path, channel, changedDirs);
    }

    Path path() {
        return path;
    }

    /** Writes all of {@code buffer}; on failure some of it may be in the file (see {@link #truncate}). */
    void write(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** fdatasync of the file, then (once) of the folders holding its new entries. */
    void force() throws IOException {
        channel.force(false);
        if (!unsyncedDirs.isEmpty()) {
            for (Path dir : unsyncedDirs) {
                DurableDirectories.sync(dir);
            }
            unsyncedDirs = List.of();
        }
    }

    /** Cuts the file back to {@code size} bytes. */
    void truncate(long size) throws IOException {
        channel.truncate(size);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
