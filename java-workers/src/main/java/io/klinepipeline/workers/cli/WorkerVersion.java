package io.klinepipeline.workers.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, so --version tells which build ran. */
final class WorkerVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"kline-worker " + current()};
    }

    /** The jar's Implementation-Version (the Maven project version), or "development" when run from classes. */
    static String current() {
        String version = KlineWorker.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
