package org.grace.webapp.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>What requests see during an outage is decided here. A {@link DatabaseWatch} checks PostgreSQL on a connection of
 * its own every half second; when it stops answering, the data source handed to the application (a
 * {@link DatabaseGate}) refuses connections at once, so a request needing the database gets its 503 in
 * microseconds instead of waiting up to the pool's 30 s connection timeout, and requests that do not need it carry
 * on. When the watch sees the database again (within a quarter of a second) the gate opens on a new pool: HikariCP's
 * own reconnection backs off up to 5 s between attempts after a few seconds of failures, which alone would add
 * seconds to every outage. The old pool is closed {@link #RETIRE_AFTER} later, once requests that were already
 * waiting on it have had their connection.
 */
@ApplicationScoped
public class Database {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    /** Requests that were waiting on the old pool when the database came back get their connection within this. */
    static final Duration RETIRE_AFTER = Duration.ofSeconds(15);

    private GraceSettings settings;
    private GraceMetrics metrics;
    private volatile HikariDataSource dataSource;
    private DatabaseWatch watch;
    private volatile DatabaseGate gate;
    private final ScheduledExecutorService retirements = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grace-db-retire");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public Database(GraceSettings settings, GraceMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    protected Database() {
    }

    @Produces
    @ApplicationScoped
    public DataSource dataSource() {
        return gate();
    }

    synchronized DatabaseGate gate() {
        if (gate == null) {
            pool();
            watch = new DatabaseWatch(driver(), settings.healthDbTimeout(), this::databaseChanged);
            gate = new DatabaseGate(this::pool, watch, metrics);
            watch.start();
        }
        return gate;
    }

    HikariDataSource pool() {
        HikariDataSource current = dataSource;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (dataSource == null) {
                dataSource = newPool();
            }
            return dataSource;
        }
    }

    private PGSimpleDataSource driver() {
        // The driver is handed over as a DataSource: DriverManager does not see drivers inside a WAR.
        PGSimpleDataSource driver = new PGSimpleDataSource();
        driver.setURL(settings.dbUrl().url());
        driver.setUser(settings.dbUser());
        driver.setPassword(settings.dbPassword());
        // A dead database host must fail a connection attempt in seconds, not minutes of TCP retries.
        driver.setConnectTimeout(5);
        driver.setTcpKeepAlive(true);
        driver.setApplicationName("grace");
        return driver;
    }

    private HikariDataSource newPool() {
        HikariConfig config = new HikariConfig();
        config.setPoolName("grace");
        config.setDataSource(driver());
        config.setMaximumPoolSize(settings.dbPoolSize());
        // Below the maximum so that the idle timeout has something to retire in quiet hours.
        config.setMinimumIdle(Math.min(2, settings.dbPoolSize()));
        config.setIdleTimeout(settings.dbIdleTimeout().toMillis());
        config.setConnectionTimeout(settings.dbConnectionTimeout().toMillis());
        config.setValidationTimeout(1000);
        config.setInitializationFailTimeout(-1);
        config.setKeepaliveTime(Duration.ofSeconds(30).toMillis());
        HikariDataSource pool = new HikariDataSource(config);
        LOG.info(() -> "grace: database pool to " + settings.dbUrl().host() + ":" + settings.dbUrl().port() + "/"
                + settings.dbUrl().database() + " with at most " + config.getMaximumPoolSize() + " connections");
        return pool;
    }

    /**
     * The watch saw the database go or come back. Going: the requests already waiting in the pool are let go with
     * their 503. Coming back: a fresh pool, the old one retired later.
     */
    private void databaseChanged(boolean up) {
        if (!up) {
            DatabaseGate current = gate;
            if (current != null) {
                current.releaseWaiters();
            }
            return;
        }
        HikariDataSource old;
        synchronized (this) {
            old = dataSource;
            dataSource = newPool();
        }
        if (old != null) {
            retirements.schedule(old::close, RETIRE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** True while the last check of the database succeeded: requests that need it may try. */
    public boolean isAvailable() {
        return gate().isOpen();
    }

    /**
     * Round-trip time of {@code SELECT 1}, or empty if the database failed or did not answer within
     * {@code GRACE_HEALTH_DB_TIMEOUT}. Shared: concurrent callers wait for the one check in flight, and a result
     * younger than a second is reused (see {@link DatabaseWatch}).
     */
    public OptionalDouble ping() {
        gate();
        DatabaseWatch.Result result = watch.check();
        return result.up() ? OptionalDouble.of(result.latencyMs()) : OptionalDouble.empty();
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
        metrics.fleetGauge("grace_db_pool_active_connections", "Pooled connections in use", "gauge",
                () -> stats().active());
        metrics.fleetGauge("grace_db_pool_max_connections", "Pool size (GRACE_DB_POOL_SIZE)", "gauge",
                () -> stats().max());
        metrics.fleetGauge("grace_db_pool_pending_threads", "Threads waiting for a pooled connection", "gauge",
                () -> stats().waiting());
        metrics.fleetGauge("grace_db_available", "1 while the database answers its check, 0 while requests get 503",
                "gauge", () -> isAvailable() ? 1 : 0);
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

    @PreDestroy
    synchronized void close() {
        if (watch != null) {
            watch.close();
        }
        retirements.shutdownNow();
        if (dataSource != null) {
            dataSource.close();
        }
    }
}
