package io.klinepipeline.engine.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One engine per local directory. The upload queue treats every data file it finds at start-up as
 * finished; that is only true when no other engine is writing there, which this lock guarantees.
 * The lock file's name is not a data file name, so readers and the uploader ignore it.
 */
public final class LocalDirLock implements AutoCloseable {
    public static final String FILE_NAME = ".engine.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private LocalDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or throws IllegalStateException when another engine holds it. */
    public static LocalDirLock acquire(Path localDir) throws IOException {
        Files.createDirectories(localDir);
        Path file = localDir.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another engine is already writing to " + localDir + " (it holds " + file + ")");
        }
        return new LocalDirLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
