package org.grace.webapp.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.metrics.Tag;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.settings.GraceSettings;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The instance's PostgreSQL connection pool (HikariCP), sized and timed as the scaling guide says, and the one
 * place that knows whether the database answers.
 *
 * <p>The pool starts even when PostgreSQL is down ({@code initializationFailTimeout = -1}): the instance then reports
 * itself unhealthy and not ready, and recovers by itself when the database returns, without a restart.
 */
@ApplicationScoped
public class Database {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());

    private GraceSettings settings;
    private HikariDataSource dataSource;
    /** Two threads for health probes: a hung probe must not hold the caller, and probes must not pile up. */
    private ExecutorService probes;

    @Inject
    public Database(GraceSettings settings) {
        this.settings = settings;
    }

    protected Database() {
    }

    @Produces
    @ApplicationScoped
    public DataSource dataSource() {
        return pool();
    }

    synchronized HikariDataSource pool() {
        if (dataSource == null) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("grace");
            // The driver is handed over as a DataSource: DriverManager does not see drivers inside a WAR.
            PGSimpleDataSource driver = new PGSimpleDataSource();
            driver.setURL(settings.dbUrl().url());
            driver.setUser(settings.dbUser());
            driver.setPassword(settings.dbPassword());
            // A dead database host must fail a connection attempt in seconds, not minutes of TCP retries.
            driver.setConnectTimeout(5);
            driver.setTcpKeepAlive(true);
            driver.setApplicationName("grace");
            config.setDataSource(driver);
            config.setMaximumPoolSize(settings.dbPoolSize());
            // Below the maximum so that the idle timeout has something to retire in quiet hours.
            config.setMinimumIdle(Math.min(2, settings.dbPoolSize()));
            config.setIdleTimeout(settings.dbIdleTimeout().toMillis());
            config.setConnectionTimeout(settings.dbConnectionTimeout().toMillis());
            config.setValidationTimeout(1000);
            config.setInitializationFailTimeout(-1);
            config.setKeepaliveTime(Duration.ofSeconds(30).toMillis());
            dataSource = new HikariDataSource(config);
            LOG.info(() -> "grace: database pool to " + settings.dbUrl().host() + ":" + settings.dbUrl().port() + "/"
                    + settings.dbUrl().database() + " with at most " + config.getMaximumPoolSize() + " connections");
        }
        return dataSource;
    }

    /** Round-trip time of {@code SELECT 1} through the pool, or empty if it failed or took longer than the limit. */
    public java.util.OptionalDouble ping(Duration timeout) {
        ExecutorService executor = probes();
        long start = System.nanoTime();
        Future<?> probe;
        try {
            probe = executor.submit(() -> {
                try (Connection c = pool().getConnection(); Statement s = c.createStatement()) {
                    s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
                    s.execute("SELECT 1");
                }
                return null;
            });
        } catch (RejectedExecutionException busy) {
            return java.util.OptionalDouble.empty();
        }
        try {
            probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return java.util.OptionalDouble.of((System.nanoTime() - start) / 1_000_000.0);
        } catch (TimeoutException e) {
            probe.cancel(true);
            return java.util.OptionalDouble.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.OptionalDouble.empty();
        } catch (Exception e) {
            LOG.log(Level.FINE, "database probe failed", e);
            return java.util.OptionalDouble.empty();
        }
    }

    /** Pool figures for metrics: connections in use, idle, and threads waiting for one. */
    public PoolStats stats() {
        HikariPoolMXBean bean = pool().getHikariPoolMXBean();
        if (bean == null) {
            return new PoolStats(0, 0, 0, settings.dbPoolSize());
        }
        return new PoolStats(bean.getActiveConnections(), bean.getIdleConnections(),
                bean.getThreadsAwaitingConnection(), settings.dbPoolSize());
    }

    /** Registers the pool gauges, {@code grace_db_pool_connections{state=active|idle|waiting|max}}, read from HikariCP. */
    public void registerGauges(GraceMetrics metrics) {
        metrics.gauge(GraceMetrics.DB_POOL, () -> stats().active(), new Tag("state", "active"));
        metrics.gauge(GraceMetrics.DB_POOL, () -> stats().idle(), new Tag("state", "idle"));
        metrics.gauge(GraceMetrics.DB_POOL, () -> stats().waiting(), new Tag("state", "waiting"));
        metrics.gauge(GraceMetrics.DB_POOL, () -> stats().max(), new Tag("state", "max"));
    }

    /** The pool's effective sizing and timeouts, as configured. */
    public PoolSettings poolSettings() {
        HikariDataSource pool = pool();
        return new PoolSettings(pool.getMaximumPoolSize(), pool.getMinimumIdle(),
                Duration.ofMillis(pool.getIdleTimeout()), Duration.ofMillis(pool.getConnectionTimeout()));
    }

    public record PoolSettings(int maximumSize, int minimumIdle, Duration idleTimeout, Duration connectionTimeout) {
    }

    public record PoolStats(int active, int idle, int waiting, int max) {
    }

    private synchronized ExecutorService probes() {
        if (probes == null) {
            probes = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(2), r -> {
                Thread t = new Thread(r, "grace-db-probe");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());
        }
        return probes;
    }

    @PreDestroy
    synchronized void close() {
        if (probes != null) {
            probes.shutdownNow();
        }
        if (dataSource != null) {
            dataSource.close();
        }
    }
}
