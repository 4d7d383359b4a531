package org.grace.webapp.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Whether PostgreSQL answers, known by one instance-wide check that every caller shares.
 *
 * <p>The check is {@code SELECT 1} on a connection of its own, outside the request pool: a pool exhausted by load
 * is not a dead database, and a probe that had to queue for a pooled connection would say so. Concurrent callers
 * share the check in flight (single-flight) and a result younger than {@link #REUSE} is answered without asking
 * again, so 64 load-balancer probes at once cost one round trip and none of them can be refused. A caller only
 * reads "unhealthy" when the database itself failed or did not answer within the timeout.
 *
 * <p>A background loop runs the same check every {@link #INTERVAL_UP} while the database answers and every
 * {@link #INTERVAL_DOWN} while it does not, and reports each change of state to a listener: {@link Database} closes
 * its gate at once when PostgreSQL goes away (requests then get a fast 503 instead of waiting 30 s for a pooled
 * connection) and opens it within a quarter of a second of its return.
 */
final class DatabaseWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DatabaseWatch.class.getName());
    /** How long one result answers every caller: probes from a load balancer and a monitor are a few per second. */
    static final Duration REUSE = Duration.ofSeconds(1);
    /** Between checks while the database answers: an outage is noticed within this (plus the check). */
    static final Duration INTERVAL_UP = Duration.ofMillis(500);
    /** Between checks while it does not: a return is noticed within this. */
    static final Duration INTERVAL_DOWN = Duration.ofMillis(250);

    /** One check's outcome; {@code latencyMs} is the round trip when {@code up}. */
    record Result(boolean up, double latencyMs, long atNanos, String error) {
    }

    private final DataSource direct;
    private final Duration timeout;
    private final Consumer<Boolean> onChange;
    private final ExecutorService checker = Executors.newSingleThreadExecutor(daemon("grace-db-check"));
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(daemon("grace-db-watch"));

    private Connection connection;
    private CompletableFuture<Result> inFlight;
    private volatile Result last;
    private volatile boolean up = true;
    private boolean closed;

    DatabaseWatch(DataSource direct, Duration timeout, Consumer<Boolean> onChange) {
        this.direct = direct;
        this.timeout = timeout;
        this.onChange = onChange;
    }

    void start() {
        loop.schedule(this::tick, 0, TimeUnit.MILLISECONDS);
    }

    /** The state the last check found (true before the first one). */
    boolean isUp() {
        return up;
    }

    /** A shared, recent answer: the one in flight or one younger than {@link #REUSE}, else a new check. */
    Result check() {
        CompletableFuture<Result> shared;
        synchronized (this) {
            if (closed) {
                // The application is stopping: an answer, not the executor's RejectedExecutionException (which made
                // /health/ready a 500 during a rolling restart) nor a wait for a check that will never run.
                return new Result(false, 0, System.nanoTime(), "stopped");
            }
            Result recent = last;
            if (recent != null && System.nanoTime() - recent.atNanos() < REUSE.toNanos()) {
                return recent;
            }
            if (inFlight == null) {
                inFlight = CompletableFuture.supplyAsync(this::runCheck, checker);
            }
            shared = inFlight;
        }
        try {
            // The check bounds itself by the timeout; the margin covers opening its connection.
            return shared.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Result(false, 0, System.nanoTime(), "no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, 0, System.nanoTime(), "interrupted");
        } catch (ExecutionException e) {
            return new Result(false, 0, System.nanoTime(), String.valueOf(e.getCause()));
        }
    }

    /** A request saw a connection failure: look now rather than at the next tick. */
    void suspect() {
        CompletableFuture.runAsync(this::check, loop);
    }

    private Result runCheck() {
        long start = System.nanoTime();
        Result result;
        try {
            if (connection == null) {
                connection = direct.getConnection();
            }
            try (Statement s = connection.createStatement()) {
                s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
                s.execute("SELECT 1");
            }
            long end = System.nanoTime();
            result = new Result(true, (end - start) / 1_000_000.0, end, null);
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            result = new Result(false, 0, System.nanoTime(), e.getMessage());
            LOG.log(Level.FINE, "grace: database check failed", e);
        }
        synchronized (this) {
            last = result;
            inFlight = null;
        }
        if (result.up() != up) {
            if (!result.up()) {
                up = false; // close the gate first: no request should start waiting on a dead pool
            }
            try {
                onChange.accept(result.up());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "grace: database state change not applied", e);
            }
            up = result.up(); // open the gate only once the listener has a fresh pool in place
            String line = up ? "grace: database answers again"
                    : "grace: database not answering (" + result.error() + "); requests needing it get 503";
            LOG.log(up ? Level.INFO : Level.WARNING, line);
        }
        return result;
    }

    private void tick() {
        try {
            check();
        } finally {
            if (!loop.isShutdown()) {
                loop.schedule(this::tick, (up ? INTERVAL_UP : INTERVAL_DOWN).toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is broken already
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (inFlight != null) {
                inFlight.complete(new Result(false, 0, System.nanoTime(), "stopped"));
            }
        }
        loop.shutdownNow();
        checker.shutdownNow();
        closeConnection();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
