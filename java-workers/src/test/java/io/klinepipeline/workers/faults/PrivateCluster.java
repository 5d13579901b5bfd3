package io.klinepipeline.workers.faults;

import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.DatabaseUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own (Debian's binaries, initdb and pg_ctl into a temporary
 * directory), so the test can crash and restart it without touching the shared server. As root,
 * the server runs as the {@code postgres} user (PostgreSQL refuses root).
 */
final class PrivateCluster implements AutoCloseable {
    private final Path bin;
    private final Path home;
    private final int port;
    private final boolean asPostgresUser;

    private PrivateCluster(Path bin, Path home, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.home = home;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Where Debian keeps a server's binaries, if it does here. */
    static Optional<Path> binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.naturalOrder());
        }
    }

    /** initdb (trust authentication, user kline) and start on a free loopback port. */
    static PrivateCluster start(Path bin) throws Exception {
        Path home = Files.createTempDirectory("kline-pg-");
        boolean root = "root".equals(System.getProperty("user.name"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        PrivateCluster cluster = new PrivateCluster(bin, home, port, root);
        if (root) {
            run(List.of("chown", "postgres", home.toString()));
        }
        cluster.pg("initdb", "-D", cluster.data(), "-U", "kline", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions");
        cluster.startServer();
        return cluster;
    }

    private String data() {
        return home.resolve("data").toString();
    }

    void startServer() throws Exception {
        pg("pg_ctl", "-D", data(), "-w", "-t", "60", "-l", home.resolve("server.log").toString(), "-o",
                "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    }

    /** What a power cut or an OOM kill does: every backend dies at once, nothing rolled back by hand. */
    void crash() throws Exception {
        pg("pg_ctl", "-D", data(), "-m", "immediate", "-w", "stop");
    }

    /** A database of its own on this server. */
    Database createDatabase(String name) throws Exception {
        Database server = new Database(DatabaseUrl.parse("postgresql://kline@127.0.0.1:" + port + "/postgres"));
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new Database(DatabaseUrl.parse("postgresql://kline:unused@127.0.0.1:" + port + "/" + name));
    }

    int port() {
        return port;
    }

    private void pg(String program, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(output));
        }
    }

    @Override
    public void close() throws Exception {
        try {
            crash();
        } catch (IllegalStateException e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
