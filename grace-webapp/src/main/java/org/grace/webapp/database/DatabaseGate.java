package org.grace.webapp.database;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
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
 */
final class DatabaseGate implements DataSource {
    static final String UNAVAILABLE_STATE = "08001";

    private final Supplier<DataSource> pool;
    private final DatabaseWatch watch;
    private final GraceMetrics metrics;

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
            throw new SQLTransientConnectionException("the database is not answering", UNAVAILABLE_STATE);
        }
        long start = System.nanoTime();
        try {
            return timed(pool.get().getConnection(), start);
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (e instanceof SQLTransientConnectionException || (state != null && state.startsWith("08"))) {
                watch.suspect();
            }
            throw e;
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
