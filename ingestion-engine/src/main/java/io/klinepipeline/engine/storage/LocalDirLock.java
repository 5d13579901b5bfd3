package io.klinepipeline.engine.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One engine per local directory. The upload queue treats every data file it finds at start-up as
 * finished; that is only true when no other engine is writing there, which this lock guarantees.
 * The lock file's name is not a data file name, so readers and the uploader ignore it.
 */
public final class LocalDirLock implements AutoCloseable {
    public static final String FILE_NAME = ".engine.lock";

    /**
     * The lock files this JVM holds, by file key (device and inode). The operating system's lock
     * belongs to the process, and closing any channel to the file releases it (POSIX record locks;
     * see {@link FileLock}): a second engine in this JVM must be refused before it opens the file,
     * or closing its channel after the failed try would free the directory for another process.
     * Process-wide state, because the lock it guards is process-wide.
     */
    private static final Set<Object> HELD_BY_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Object key;
    private final FileChannel channel;
    private final FileLock lock;

    private LocalDirLock(Object key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or throws IllegalStateException when another engine, in this process or another, holds it. */
    public static LocalDirLock acquire(Path localDir) throws IOException {
        Files.createDirectories(localDir);
        Path file = localDir.resolve(FILE_NAME);
        Object key = fileKey(file);
        if (!HELD_BY_THIS_PROCESS.add(key)) {
            throw held(localDir, "an engine in this process holds " + file);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw held(localDir, "it holds " + file);
            }
            return new LocalDirLock(key, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                // Safe: no LocalDirLock of this process holds the file (the key was free).
                channel.close();
            }
            HELD_BY_THIS_PROCESS.remove(key);
            if (e instanceof OverlappingFileLockException) {
                throw new IllegalStateException("something else in this process locks " + file + ", not an engine", e);
            }
            throw e;
        }
    }

    /**
     * Creates the file if it is missing and names it as the operating system does. Creating closes
     * no channel of an existing file: a lock file that exists is only looked at.
     */
    private static Object fileKey(Path file) throws IOException {
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            // Another run's, or held now: either way, never opened here.
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return attributes.fileKey() != null ? attributes.fileKey() : file.toRealPath();
    }

    private static IllegalStateException held(Path localDir, String holder) {
        return new IllegalStateException("another engine is already writing to " + localDir + " (" + holder + ")");
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                HELD_BY_THIS_PROCESS.remove(key);
            }
        }
    }
}
