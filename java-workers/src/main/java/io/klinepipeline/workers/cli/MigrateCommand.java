package io.klinepipeline.workers.cli;

import io.klinepipeline.pipes.MetadataValue;
import io.klinepipeline.workers.db.Migrations;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code migrate}: applies the schema migrations of sql/ (bundled in the jar). */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        header = "Apply pending schema migrations.",
        description = {
            "Applies pending schema migrations (Flyway, the files of sql/ bundled in this jar) to the database in KLINE_DATABASE_URL. Every other subcommand does this first (and skips Flyway when every bundled version is already applied), so running it by hand is only needed to prepare a database, or to validate the checksums of the applied migrations against the bundled files."})
final class MigrateCommand extends WorkerCommand {
    @Override
    void run(WorkerRun run) throws Exception {
        int applied = new Migrations(run.database()).migrate();
        run.done(Map.of("migrations_applied", MetadataValue.ofInt(applied)));
    }
}
