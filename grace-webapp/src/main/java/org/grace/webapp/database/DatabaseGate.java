package org.grace.webapp.database;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.webapp.metrics.GraceMetrics;

/**
 * The data source the application uses: the current pool behind a gate that {@link DatabaseWatch} closes while
 * PostgreSQL does not answer. A closed gate refuses a connection at once with SQL state {@code 08001}, which the
 * callers turn into the platform's 503 with {@code Retry-After}. A connection failure a request meets while the gate
 * is open asks the watch to look at once. Each connection handed out reports, when closed, how long the caller held
 * it: the database call latency in the metrics.
 *
 * <p>A request that asked the pool for a connection just before PostgreSQL went away would wait there for the pool's
 * connection timeout (30 s by default), however soon the gate closed, and anything it held meanwhile (a lock other
 * requests queue on) would hold them too. So the gate keeps track of the requests waiting in the pool and, when it
 * closes, releases them: they get the same 503 as those that came after.
 */
final class DatabaseGate implements DataSource {
    static final String UNAVAILABLE_STATE = "08001";

    private final Supplier<DataSource> pool;
    private final DatabaseWatch watch;
    private final GraceMetrics metrics;
    /** The requests waiting in the pool for a connection now. */
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

    DatabaseGate(Supplier<? extends DataSource> pool, DatabaseWatch watch, GraceMetrics metrics) {
        this.pool = pool::get;
        this.watch = watch;
        this.metrics = metrics;
    }

    boolean isOpen() {
        return watch.isUp();
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!watch.isUp()) {
            throw unavailable(null);
        }
        long start = System.nanoTime();
        Waiter waiter = new Waiter(Thread.currentThread());
        waiters.add(waiter);
        if (!watch.isUp()) { // closed between the check above and joining the waiters: not released by it
            waiters.remove(waiter);
            throw unavailable(null);
        }
        try {
            return timed(pool.get().getConnection(), start);
        } catch (SQLException e) {
            if (waiter.finish()) {
                throw unavailable(e);
            }
            String state = e.getSQLState();
            if (e instanceof SQLTransientConnectionException || (state != null && state.startsWith("08"))) {
                watch.suspect();
            }
            throw e;
        } finally {
            waiters.remove(waiter);
            if (waiter.finish()) {
                Thread.interrupted(); // the interrupt was the gate's, not the caller's: the thread goes back clean
            }
        }
    }

    /**
     * Called when the watch has closed the gate: each request still waiting in the pool is interrupted, which the
     * pool answers by giving up its wait, and gets the gate's 503.
     */
    void releaseWaiters() {
        waiters.forEach(Waiter::release);
    }

    /** How many requests are waiting in the pool now; for tests. */
    int waiting() {
        return waiters.size();
    }

    private static SQLTransientConnectionException unavailable(Throwable cause) {
        return new SQLTransientConnectionException("the database is not answering", UNAVAILABLE_STATE, cause);
    }

    /**
     * One request waiting in the pool. The release and the request's own end are ordered by this object's lock, so
     * a request is only ever interrupted while it waits, never after it has moved on to other work.
     */
    private static final class Waiter {
        private final Thread thread;
        private boolean finished;
        private boolean interrupted;

        Waiter(Thread thread) {
            this.thread = thread;
        }

        synchronized void release() {
            if (!finished && !interrupted) {
                interrupted = true;
                thread.interrupt();
            }
        }

        /** Marks the wait over; true when the gate interrupted it. */
        synchronized boolean finish() {
            finished = true;
            return interrupted;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's credentials are fixed by GRACE_DB_USER");
    }

    /** The connection, reporting on {@code close()} how long it was held (from the request for it). */
    private Connection timed(Connection connection, long start) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        try {
                            connection.close();
                        } finally {
                            if (metrics != null) {
                                metrics.databaseCall(System.nanoTime() - start);
                            }
                        }
                        return null;
                    }
                    if (method.getName().equals("unwrap") && args != null && args[0] == Connection.class) {
                        return proxy;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.get().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.get().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.get().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.get().getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.get().getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return pool.get().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || pool.get().isWrapperFor(iface);
    }
}
