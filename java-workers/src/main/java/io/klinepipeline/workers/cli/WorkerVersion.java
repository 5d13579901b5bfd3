package io.klinepipeline.workers.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, so --version tells which build ran. */
final class WorkerVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = KlineWorker.class.getPackage().getImplementationVersion();
        return new String[] {"kline-worker " + (version == null ? "(development build)" : version)};
    }
}
