package io.klinepipeline.workers.cli;

import picocli.CommandLine.Option;

/** --start/--end, shared by every windowed subcommand. */
final class WindowOptions {

    @Option(names = "--start", paramLabel = "TIME",
            description = "Window start, ISO-8601 UTC, inclusive, on a whole minute. Example: --start 2026-11-24T10:00:00Z."
                    + " When absent under Dagster Pipes: extras window_start/window_end, else the partition window.")
    String start;

    @Option(names = "--end", paramLabel = "TIME",
            description = "Window end, ISO-8601 UTC, exclusive. Example: --end 2026-11-24T11:00:00Z.")
    String end;
}
