package io.klinepipeline.pipes;

import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The session of a process not launched by Dagster: logs go to SLF4J, reports are dropped. */
final class InactivePipesSession implements PipesSession {

    private static final Logger LOG = LoggerFactory.getLogger(InactivePipesSession.class);

    private volatile boolean closed;

    @Override
    public boolean isActive() {
        return false;
    }

    @Override
    public PipesContextData context() {
        throw new IllegalStateException("Not launched by Dagster Pipes (" + Pipes.CONTEXT_ENV_VAR + " and "
                + Pipes.MESSAGES_ENV_VAR + " are unset): there is no Dagster context; take the parameters"
                + " from the command line");
    }

    @Override
    public Optional<PipesContextData> findContext() {
        return Optional.empty();
    }

    @Override
    public void log(PipesLogLevel level, String message) {
        switch (level) {
            case DEBUG -> LOG.debug("{}", message);
            case INFO -> LOG.info("{}", message);
            case WARNING -> LOG.warn("{}", message);
            case ERROR, CRITICAL -> LOG.error("{}", message);
        }
    }

    @Override
    public void reportAssetMaterialization(String assetKey, Map<String, MetadataValue> metadata, String dataVersion) {
        LOG.debug("Not launched by Dagster; materialization of {} not reported: {}", assetKey, metadata);
    }

    @Override
    public void reportAssetCheck(String assetKey, String checkName, boolean passed, PipesCheckSeverity severity,
                                 Map<String, MetadataValue> metadata) {
        LOG.debug("Not launched by Dagster; check {} on {} (passed={}) not reported", checkName, assetKey, passed);
    }

    @Override
    public void reportCustomMessage(Object payload) {
        LOG.debug("Not launched by Dagster; custom message not reported");
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public void close(Throwable failure) {
        closed = true;
    }
}
