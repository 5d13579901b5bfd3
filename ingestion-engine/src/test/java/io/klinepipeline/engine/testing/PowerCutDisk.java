package io.klinepipeline.engine.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A small ext4 file system on a loop device, whose state after a power cut a test can look at
 * while the writer keeps running. The loop device hands what the file system writes to its image
 * file; what the file system has not yet written (dirty pages: a write without fsync) stays in
 * its own page cache, which the kernel writes back only after {@code vm.dirty_expire_centisecs}
 * (30 s by default). So a copy of the image, mounted (which replays the journal, as the next boot
 * would), holds exactly what a machine that lost power at that moment would find on its disk.
 *
 * <p>Needs root (loop devices, mount) on Linux; {@link #mount} says why when it cannot, for the
 * test to skip with that reason.
 */
public final class PowerCutDisk implements AutoCloseable {
    private final Path dir;
    private final Path image;
    private final Path root;
    private final List<Path> mounted = new ArrayList<>();
    private int cuts;

    private PowerCutDisk(Path dir) {
        this.dir = dir;
        this.image = dir.resolve("disk.img");
        this.root = dir.resolve("disk");
    }

    /** Makes an ext4 file system of {@code sizeMiB} in {@code dir} and mounts it, or explains why it cannot. */
    public static Mounted mount(Path dir, int sizeMiB) throws IOException, InterruptedException {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return new Mounted(Optional.empty(), "needs Linux to mount a loop device (running on " + System.getProperty("os.name") + ")");
        }
        PowerCutDisk disk = new PowerCutDisk(dir);
        Files.createDirectories(disk.root);
        try (RandomAccessFile file = new RandomAccessFile(disk.image.toFile(), "rw")) {
            file.setLength(sizeMiB * 1024L * 1024L);
        }
        SystemCommand mkfs = SystemCommand.run(List.of("mkfs.ext4", "-q", "-F", disk.image.toString()));
        if (!mkfs.ok()) {
            return new Mounted(Optional.empty(), "cannot make an ext4 file system (mkfs.ext4): " + mkfs.output().strip());
        }
        String whyNot = disk.mountImage(disk.image, disk.root);
        return whyNot.isEmpty() ? new Mounted(Optional.of(disk), "") : new Mounted(Optional.empty(), whyNot);
    }

    /** The mounted disk, or why there is none. */
    public record Mounted(Optional<PowerCutDisk> disk, String whyNot) {}

    /** The mounted file system, for the writer under test. */
    public Path root() {
        return root;
    }

    /**
     * What the disk would hold after a power cut now, mounted at a folder of its own until the
     * {@link PowerCut} is closed (which also deletes the copy). {@link PowerCut#canTell()} is false
     * when this machine wrote back even a file not fsynced (then a missing fsync cannot be seen and
     * the test should skip).
     */
    public PowerCut cutPower() throws IOException, InterruptedException {
        int cut = ++cuts;
        // A canary written without fsync just before the cut: it must not survive it.
        Path canary = root.resolve("canary-" + cut);
        Files.writeString(canary, "not fsynced\n");
        Path copy = dir.resolve("after-cut-" + cut + ".img");
        Files.copy(image, copy, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(canary);
        Path at = dir.resolve("after-cut-" + cut);
        Files.createDirectories(at);
        String whyNot = mountImage(copy, at);
        if (!whyNot.isEmpty()) {
            throw new IOException(whyNot);
        }
        Path canaryAfter = at.resolve(canary.getFileName());
        boolean canTell = !Files.exists(canaryAfter) || Files.size(canaryAfter) == 0;
        return new PowerCut(at, canTell, copy);
    }

    /** What a power cut left: {@code root} holds the file system as the next boot would find it. */
    public final class PowerCut implements AutoCloseable {
        private final Path root;
        private final boolean canTell;
        private final Path image;

        private PowerCut(Path root, boolean canTell, Path image) {
            this.root = root;
            this.canTell = canTell;
            this.image = image;
        }

        public Path root() {
            return root;
        }

        public boolean canTell() {
            return canTell;
        }

        /** Unmounts the copy and deletes it: a test that cuts the power often must not fill the disk with images. */
        @Override
        public void close() throws IOException, InterruptedException {
            SmallTmpfs.unmount(root);
            mounted.remove(root);
            Files.delete(image);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        IOException failure = null;
        for (int i = mounted.size() - 1; i >= 0; i--) { // the copies first, the disk last
            try {
                SmallTmpfs.unmount(mounted.get(i));
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Mounts an image through a loop device (which replays its journal); returns why not, or "". */
    private String mountImage(Path file, Path at) throws IOException, InterruptedException {
        SystemCommand mount = SystemCommand.run(List.of("mount", "-o", "loop", file.toString(), at.toString()));
        if (!mount.ok()) {
            return "cannot mount " + file + " on a loop device (needs root and loop devices): " + mount.output().strip();
        }
        mounted.add(at);
        return "";
    }
}
