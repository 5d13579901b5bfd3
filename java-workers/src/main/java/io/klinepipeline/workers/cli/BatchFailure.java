package io.klinepipeline.workers.cli;

import java.util.List;

/**
 * Some targets of a batch failed; the others were done and reported. Its cause is the first
 * failure, so the exit code (transient or permanent) follows it; the rest are suppressed.
 */
final class BatchFailure extends RuntimeException {

    record Failed(RunTarget target, Exception error) {}

    private BatchFailure(String message, Exception cause) {
        super(message, cause);
    }

    static BatchFailure of(String what, List<Failed> failed, int targets) {
        StringBuilder message = new StringBuilder(what).append(" failed for ").append(failed.size()).append(" of ")
                .append(targets).append(targets == 1 ? " target: " : " targets: ");
        for (int i = 0; i < failed.size(); i++) {
            message.append(i == 0 ? "" : "; ").append(failed.get(i).target().label()).append(": ")
                    .append(FailureExitCodes.describe(failed.get(i).error()));
        }
        BatchFailure failure = new BatchFailure(message.toString(), failed.get(0).error());
        failed.stream().skip(1).forEach(f -> failure.addSuppressed(f.error()));
        return failure;
    }
}
