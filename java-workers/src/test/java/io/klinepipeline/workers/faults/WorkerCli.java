package io.klinepipeline.workers.faults;

import io.klinepipeline.workers.cli.KlineWorker;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.DatabaseUrl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs kline-worker through its command line, in this JVM, as a shell or Dagster would: the exit code counts. */
final class WorkerCli {
    /** FailureExitCodes.DATABASE: the database failed, a transient failure Dagster retries. */
    static final int DATABASE = 3;

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private final Path config;

    WorkerCli(Path config) {
        this.config = config;
    }

    /** Runs a subcommand against {@code database}, reached at {@code port} (a proxy's, or the server's own). */
    Run run(Database database, int port, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = KlineWorker.commandLine(Map.of(DatabaseUrl.ENV, url(database, port)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        int code = cli.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    Run run(Database database, String... args) {
        return run(database, port(database), args);
    }

    /** KLINE_DATABASE_URL for the database, through {@code port} on the loopback. */
    static String url(Database database, int port) {
        String jdbc = database.url().jdbcUrl().replaceFirst("//[^/]+/", "//127.0.0.1:" + port + "/");
        return jdbc + (jdbc.contains("?") ? "&" : "?") + "user=" + database.url().user() + "&password=" + database.url().password();
    }

    static int port(Database database) {
        java.net.URI uri = java.net.URI.create(database.url().jdbcUrl().substring("jdbc:".length()));
        return uri.getPort() < 0 ? 5432 : uri.getPort();
    }
}
