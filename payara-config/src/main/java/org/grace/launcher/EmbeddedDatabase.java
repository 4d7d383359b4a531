package org.grace.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The development default when {@code GRACE_DB_URL} is not set: a real PostgreSQL 17 (zonky's embedded binaries)
 * on a free loopback port, with its data in a folder of the project so that a restart keeps the data.
 * Never used in staging or production, where GRACE_DB_URL points at the shared database.
 */
final class EmbeddedDatabase implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    static EmbeddedDatabase start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port == 0 ? freePort() : port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // The launcher stops the database itself, after Payara Micro has ended. zonky's own JVM shutdown
                    // hook would stop it at once on SIGTERM, beside Payara Micro's shutdown, and the application's
                    // closing job flush then waited the pool's whole connection timeout (30 s) for a database that
                    // was gone: long enough for a supervisor to kill the launcher and orphan Payara Micro.
                    .setRegisterShutdownHook(false)
                    .start();
            return new EmbeddedDatabase(postgres, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            System.err.println("grace: embedded PostgreSQL stop: " + e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
