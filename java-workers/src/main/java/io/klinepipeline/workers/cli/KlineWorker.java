package io.klinepipeline.workers.cli;

import io.klinepipeline.logging.LogFormat;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kline-worker}: the root command holds only the options every subcommand shares. */
@Command(
        name = "kline-worker",
        mixinStandardHelpOptions = true,
        versionProvider = WorkerVersion.class,
        description = {
            "Turns raw exchange events into the bronze and silver PostgreSQL tables. Run a subcommand from a shell with --start/--end, or let Dagster launch it through Dagster Pipes, which passes the window and the selected assets (exchange and symbol each), so one launch works through a batch of pairs.",
            "",
            "Database: env KLINE_DATABASE_URL (postgresql://user:pw@host:port/db or a JDBC URL); default: the local server of `make run`, postgresql://kline:***@127.0.0.1:5432/kline."
        },
        subcommands = {
            ExtToBronzeCommand.class,
            BronzeRestCommand.class,
            SilverCommand.class,
            MigrateCommand.class,
            DescribeCommand.class,
            ListFinishedCommand.class,
            ImportJsonlCommand.class,
            BronzeRetentionCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 done, 1 unexpected failure, 2 bad usage or configuration, 3 database unreachable or failing, 4 exchange or object store failing. The reason is printed as one line on stderr."
        })
public final class KlineWorker {
    /** The process environment (Pipes variables, KLINE_DATABASE_URL), passed in so tests can supply their own. */
    final java.util.Map<String, String> env;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            defaultValue = "${env:KLINE_PIPELINE_CONFIG:-pipeline.yaml}",
            description = "pipeline.yaml to read (default: env KLINE_PIPELINE_CONFIG, else ./pipeline.yaml). Example: --config /etc/kline/pipeline.yaml")
    Path config;

    @Option(
            names = "--lock-wait",
            paramLabel = "SECONDS",
            defaultValue = "600",
            description = "How long a run waits for another run of the same subcommand and stream (silver: pair) to finish; two runs of one stream take turns, and one that waits longer fails with exit code 3 naming the other (default: 600). Example: --lock-wait 60")
    long lockWaitSeconds;

    @Option(
            names = "--log-format",
            paramLabel = "FORMAT",
            defaultValue = "${env:" + LogFormat.ENV + ":-text}",
            description = "text, or json for one JSON object per line on stderr with exchange and symbol as fields where a line concerns one stream (default: env " + LogFormat.ENV + ", else text). Example: --log-format json")
    void logFormat(LogFormat format) {
        format.apply();
    }

    KlineWorker(java.util.Map<String, String> env) {
        this.env = java.util.Map.copyOf(env);
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The configured command line over an environment, shared by main and the tests. */
    public static CommandLine commandLine(java.util.Map<String, String> env) {
        CommandLine cli = new CommandLine(new KlineWorker(env));
        cli.setExecutionExceptionHandler(new FailureExitCodes());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }
}
