package org.grace.testsupport;

import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One database in a throwaway {@link PostgresServer}, as {@link PostgresExtension} hands it to a test: its JDBC URL
 * and user for the code under test, a plain (non-pooling) {@link DataSource} for the test's own checks, and the
 * {@link #server() server} for outage tests ({@code stop()} / {@code restart()} keep the data).
 */
public final class PostgresDatabase {
    private final PostgresServer server;
    private final String name;

    PostgresDatabase(PostgresServer server, String name) {
        this.server = server;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** {@code jdbc:postgresql://127.0.0.1:port/name}. */
    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    public String user() {
        return server.user();
    }

    /** Empty: the throwaway server trusts loopback connections. */
    public String password() {
        return "";
    }

    /** A new connection per {@code getConnection()}: enough for checks; give the code under test a real pool. */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl());
        dataSource.setUser(user());
        return dataSource;
    }

    /** The server this database lives in: stop and start it for outage tests. */
    public PostgresServer server() {
        return server;
    }

    @Override
    public String toString() {
        return jdbcUrl();
    }
}
