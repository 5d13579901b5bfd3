package io.klinepipeline.workers.cli;

import io.klinepipeline.config.ConfigException;
import io.klinepipeline.workers.rest.RestFetchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import org.flywaydb.core.api.FlywayException;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns a failure into one clear line on stderr and a distinct exit code, so a shell user and
 * Dagster both see why a run failed. The stack trace goes to the log at DEBUG.
 */
final class FailureExitCodes implements IExecutionExceptionHandler {
    static final int UNEXPECTED = 1;
    static final int USAGE = 2;
    static final int DATABASE = 3;
    static final int UPSTREAM = 4;
    private static final Logger LOG = LoggerFactory.getLogger(FailureExitCodes.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        int code = exitCode(e);
        cmd.getErr().println(cmd.getCommandName() + ": " + describe(e));
        cmd.getErr().flush();
        LOG.debug("failure details", e);
        return code;
    }

    /**
     * The whole cause chain decides, in this order: a database failure anywhere (pgjdbc wraps a
     * failed COPY write in an IOException), then a usage or configuration problem, then the
     * exchange or object store.
     */
    static int exitCode(Throwable e) {
        if (inChain(e, t -> t instanceof SQLException || t instanceof DataAccessException || t instanceof FlywayException)) {
            return DATABASE;
        }
        if (inChain(e, t -> t instanceof ConfigException || t instanceof UsageException)) {
            return USAGE;
        }
        if (inChain(e, t -> t instanceof IOException || t instanceof UncheckedIOException || t instanceof RestFetchException
                || t.getClass().getName().startsWith("software.amazon.awssdk"))) {
            return UPSTREAM;
        }
        return UNEXPECTED;
    }

    private static boolean inChain(Throwable e, java.util.function.Predicate<Throwable> test) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a lost or refused database connection means for the data, added to its message: pgjdbc's
     * own words ("An I/O error occurred while sending to the backend") do not say whether anything
     * was written.
     */
    static final String CONNECTION_LOST = "the database connection was lost or refused; every window is written in one"
            + " transaction, so nothing of an unfinished one was committed and running again is safe";

    /** One line: the failure's own message and, when it adds something, its cause's (first lines only). */
    static String describe(Throwable e) {
        String message = firstLine(e);
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(firstLine(cause))) {
            message = message + " (" + firstLine(cause) + ")";
        }
        if (inChain(e, FailureExitCodes::connectionLost)) {
            message = message + " [" + CONNECTION_LOST + "]";
        }
        return message;
    }

    /**
     * SQLState class 08 (connection exception: refused, reset, broken) or 57P01-57P03 (the server
     * shutting down, restarting after a crash, or not yet accepting connections).
     */
    private static boolean connectionLost(Throwable t) {
        if (!(t instanceof SQLException sql) || sql.getSQLState() == null) {
            return false;
        }
        String state = sql.getSQLState();
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }
}
