package io.klinepipeline.workers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.config.ConfigException;
import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class FailureExitCodesTest {

    @Test
    void aDatabaseFailureAnywhereInTheChainIsTheDatabaseCode() {
        // pgjdbc reports a COPY that lost its connection as an IOException wrapping the SQLException.
        IOException copyFailed = new IOException("Write to copy failed.", new SQLException("Database connection failed"));
        assertThat(FailureExitCodes.exitCode(copyFailed)).isEqualTo(FailureExitCodes.DATABASE);
        assertThat(FailureExitCodes.exitCode(new RuntimeException(new SQLException("x")))).isEqualTo(FailureExitCodes.DATABASE);
    }

    @Test
    void usageAndConfigurationProblemsAreTheUsageCode() {
        assertThat(FailureExitCodes.exitCode(new ConfigException("pipeline.yaml: x: bad"))).isEqualTo(FailureExitCodes.USAGE);
        assertThat(FailureExitCodes.exitCode(new UsageException("--symbol is required"))).isEqualTo(FailureExitCodes.USAGE);
    }

    @Test
    void exchangeAndStoreFailuresAreTheUpstreamCode() {
        assertThat(FailureExitCodes.exitCode(new IOException("connection reset"))).isEqualTo(FailureExitCodes.UPSTREAM);
    }

    @Test
    void aBugIsTheUnexpectedCodeNotAUsageError() {
        assertThat(FailureExitCodes.exitCode(new IllegalArgumentException("bug"))).isEqualTo(FailureExitCodes.UNEXPECTED);
        assertThat(FailureExitCodes.exitCode(new NullPointerException())).isEqualTo(FailureExitCodes.UNEXPECTED);
    }

    @Test
    void describesAMultiLineFailureOnOneLine() {
        String line = FailureExitCodes.describe(new RuntimeException("Unable to connect\n-----\nSQL State: 08001",
                new SQLException("Connection refused\nmore")));
        assertThat(line).isEqualTo("Unable to connect (Connection refused)");
    }

    @Test
    void aLostOrRefusedConnectionSaysThatARerunIsSafe() {
        SQLException reset = new SQLException("An I/O error occurred while sending to the backend.", "08006");
        SQLException terminated = new SQLException("FATAL: terminating connection due to administrator command", "57P01");
        assertThat(FailureExitCodes.describe(new RuntimeException("load failed", reset)))
                .isEqualTo("load failed (An I/O error occurred while sending to the backend.) [" + FailureExitCodes.CONNECTION_LOST + "]");
        assertThat(FailureExitCodes.describe(terminated)).endsWith("[" + FailureExitCodes.CONNECTION_LOST + "]");
        assertThat(FailureExitCodes.describe(new SQLException("duplicate key", "23505"))).as("a refusal, not a lost connection")
                .isEqualTo("duplicate key");
    }
}
