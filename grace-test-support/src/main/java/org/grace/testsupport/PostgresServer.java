package org.grace.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A throwaway PostgreSQL 17 (zonky embedded binaries) on a free loopback port, with its data in a folder under
 * {@code target/}. It can be stopped and started again on the same port and data, so tests can take the database
 * away from a running service and give it back.
 */
public final class PostgresServer extends LoopbackServer {
    private EmbeddedPostgres postgres;

    private PostgresServer() {
        super(FreePorts.next(), "postgres-");
    }

    public static PostgresServer start() {
        PostgresServer server = new PostgresServer();
        server.restart();
        return server;
    }

    /** JDBC URL of the {@code postgres} database, user {@code postgres}, no password. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public String user() {
        return "postgres";
    }

    /** A non-pooled data source on the {@code postgres} database. */
    public DataSource dataSource() {
        return requireRunning().getPostgresDatabase();
    }

    /** Creates a database (if missing) and returns its JDBC URL, so tests can keep their schemas apart. */
    public String createDatabase(String name) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
        }
        return jdbcUrl(name);
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    /** Starts (or starts again) on the same port and data folder. */
    public synchronized void restart() {
        if (postgres != null) {
            return;
        }
        try {
            postgres = EmbeddedPostgres.builder()
                    .setPort(port())
                    .setDataDirectory(dir())
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL on port " + port(), e);
        }
    }

    /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
    public synchronized void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                postgres = null;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized EmbeddedPostgres requireRunning() {
        if (postgres == null) {
            throw new IllegalStateException("PostgreSQL on port " + port() + " is stopped");
        }
        return postgres;
    }
}
