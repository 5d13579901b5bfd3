package io.klinepipeline.workers.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand that runs inside a {@link WorkerRun}: it does its work and returns the metadata to report. */
abstract class WorkerCommand implements Callable<Integer> {
    @ParentCommand
    KlineWorker root;

    @Spec
    CommandSpec spec;

    /**
     * Does the work and reports each finished target through {@link WorkerRun#each} (or the
     * step's only result through {@link WorkerRun#done}); everything around it (Pipes, closing,
     * exit codes) is the same for every subcommand.
     */
    abstract void run(WorkerRun run) throws Exception;

    @Override
    public final Integer call() throws Exception {
        try (WorkerRun run = WorkerRun.start(root, spec.commandLine().getOut())) {
            return run.execute(spec.name(), () -> run(run));
        }
    }
}
