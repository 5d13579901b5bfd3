package io.klinepipeline.workers.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void loopbackUrlWithoutSslmodeConnectsWithoutTls() throws Exception {
        // The local server has ssl on, so a connection left at the driver's sslmode=prefer is encrypted.
        DatabaseUrl local = DatabaseUrl.fromEnvironment(System.getenv());
        DatabaseUrl url = DatabaseUrl.parse("postgresql://" + userInfo(local) + "@127.0.0.1:" + port(local) + "/" + database(local));
        try (Connection connection = new Database(url).connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean("ssl")).as("TLS on a loopback connection").isFalse();
        }
    }

    @Test
    void loopbackAddressesGetSslmodeDisable() {
        assertThat(DatabaseUrl.parse("postgresql://u:p@127.0.0.1:5432/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/db?sslmode=disable");
        assertThat(DatabaseUrl.parse("postgresql://u:p@localhost/db?connectTimeout=5").jdbcUrl())
                .isEqualTo("jdbc:postgresql://localhost:5432/db?connectTimeout=5&sslmode=disable");
        assertThat(DatabaseUrl.parse("postgresql://u:p@[::1]:5433/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5433/db?sslmode=disable");
    }

    @Test
    void explicitSslmodeOnLoopbackIsKept() {
        assertThat(DatabaseUrl.parse("postgresql://u:p@127.0.0.1:5432/db?sslmode=require").jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/db?sslmode=require");
    }

    @Test
    void remoteHostsKeepTheDriversDefault() {
        assertThat(DatabaseUrl.parse("postgresql://u:p@db.example.com:5432/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.example.com:5432/db");
        assertThat(DatabaseUrl.parse("postgresql://u:p@10.0.0.7:5432/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://10.0.0.7:5432/db");
        // A name that merely starts like a loopback address is not one.
        assertThat(DatabaseUrl.parse("postgresql://u:p@127.0.0.1.example.com/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1.example.com:5432/db");
    }

    private static String userInfo(DatabaseUrl url) {
        return url.user() + (url.password() == null ? "" : ":" + url.password());
    }

    private static int port(DatabaseUrl url) {
        int port = java.net.URI.create(url.jdbcUrl().substring("jdbc:".length())).getPort();
        return port < 0 ? 5432 : port;
    }

    private static String database(DatabaseUrl url) {
        String path = java.net.URI.create(url.jdbcUrl().substring("jdbc:".length())).getPath();
        return path.substring(1);
    }
}
