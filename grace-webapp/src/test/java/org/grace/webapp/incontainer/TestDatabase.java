package org.grace.webapp.incontainer;

import org.grace.testsupport.PostgresServer;

/**
 * The throwaway PostgreSQL for the in-container tests, started on the client side while the deployment is built
 * and stopped when the test JVM ends. Kept out of the test classes, which are also loaded inside the container.
 */
final class TestDatabase {
    private static PostgresServer server;

    private TestDatabase() {
    }

    static synchronized String jdbcUrl() {
        if (server == null) {
            server = PostgresServer.start();
            PostgresServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "in-container-postgres-stop"));
        }
        return server.jdbcUrl();
    }
}
