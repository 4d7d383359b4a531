package org.grace.webapp.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The gate in front of the pool when PostgreSQL goes away: a request that was already waiting in HikariCP for a
 * connection (it came in the moments before the watch noticed) is let go with the gate's 503 as soon as the gate
 * closes, instead of waiting out the pool's 30 s connection timeout; and a request that got its connection is left
 * alone.
 */
class DatabaseGateTest {
    private final ExecutorService requests = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        requests.shutdownNow();
    }

    @Test
    void aRequestWaitingInThePoolIsLetGoWhenTheGateCloses() throws Exception {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:" + closedPort() + "/grace");
        nowhere.setConnectTimeout(1);
        HikariConfig config = new HikariConfig();
        config.setDataSource(nowhere);
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(Duration.ofSeconds(30).toMillis()); // the production default
        config.setInitializationFailTimeout(-1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            AtomicReference<DatabaseGate> gate = new AtomicReference<>();
            DatabaseWatch watch = new DatabaseWatch(nowhere, Duration.ofSeconds(1), up -> {
                if (!up) {
                    gate.get().releaseWaiters();
                }
            });
            gate.set(new DatabaseGate(() -> pool, watch, null));
            AtomicBoolean interruptedAfter = new AtomicBoolean(true);
            // The watch has not looked yet, so the gate is open: the request waits in the pool for a connection.
            Future<Object> request = requests.submit(() -> {
                try (Connection c = gate.get().getConnection()) {
                    return c;
                } catch (SQLException e) {
                    return e;
                } finally {
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> gate.get().waiting() == 1);
            Thread.sleep(300);
            assertThat(request).as("still waiting in the pool").isNotDone();

            long closing = System.nanoTime();
            assertThat(watch.check().up()).isFalse();
            Object outcome = request.get(5, TimeUnit.SECONDS);
            long releasedMs = (System.nanoTime() - closing) / 1_000_000;
            watch.close();

            assertThat(outcome).isInstanceOf(SQLTransientConnectionException.class);
            assertThat(((SQLException) outcome).getSQLState()).isEqualTo(DatabaseGate.UNAVAILABLE_STATE);
            assertThat(releasedMs).as("released with the gate, not after the pool's 30 s").isLessThan(5_000);
            assertThat(interruptedAfter).as("the request's thread goes back without the gate's interrupt").isFalse();
            assertThat(gate.get().waiting()).isZero();
            assertThatThrownBy(gate.get()::getConnection).isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessage("the database is not answering");
        }
    }

    @Test
    void aRequestThatHasItsConnectionIsNotInterruptedWhenTheGateCloses() throws Exception {
        DataSource pool = fakePool();
        AtomicReference<DatabaseGate> gate = new AtomicReference<>();
        DataSource down = fakeDownDatabase();
        DatabaseWatch watch = new DatabaseWatch(down, Duration.ofSeconds(1), up -> {
            if (!up) {
                gate.get().releaseWaiters();
            }
        });
        gate.set(new DatabaseGate(() -> pool, watch, null));
        Connection held = requests.submit(() -> gate.get().getConnection()).get(5, TimeUnit.SECONDS);
        assertThat(held).isNotNull();
        assertThat(watch.check().up()).isFalse();
        watch.close();
        // The request thread, now doing other work with its connection, must not see an interrupt.
        assertThat(requests.submit(() -> Thread.currentThread().isInterrupted()).get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(gate.get().waiting()).isZero();
    }

    private static int closedPort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A pool that hands out a connection at once. */
    private static DataSource fakePool() {
        Connection connection = (Connection) java.lang.reflect.Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> null);
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    if (m.getName().equals("getConnection")) {
                        return connection;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    /** What the watch's own connection meets when PostgreSQL is gone. */
    private static DataSource fakeDownDatabase() {
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    throw new SQLException("Connection refused", "08001");
                });
    }
}
