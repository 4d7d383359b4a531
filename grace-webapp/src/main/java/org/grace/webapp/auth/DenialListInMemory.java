package org.grace.webapp.auth;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.core.events.EventBus;
import org.grace.core.redis.RedisAvailability;
import org.grace.webapp.library.GraceLibrary;
import org.grace.webapp.redis.RedisConnection;

/**
 * The logout denial list in this instance's memory, so that the revocation check of a request costs no Redis call
 * (issue #15). It is the PostgreSQL list, read in full every {@link #RESYNC}, plus every logout as it happens: the
 * instance that logs a token out adds it here at once and publishes it on the library's event bus to every other
 * instance. The bus delivers at most once (an instance whose pub/sub connection is down misses the event), so the
 * periodic read is what makes the copy complete; it also runs at once when Redis comes back.
 *
 * <p>The copy is believed only while it is current: its last complete read began less than {@link #TRUSTED_FOR}
 * ago, and Redis was and is reachable (so events could arrive). Otherwise {@link #check} answers null for a token it
 * does not know as denied (a denial it knows is true whether or not the copy is current) and {@link RevokedTokens}
 * asks Redis, or its PostgreSQL copy at most a second old while Redis is down, as before.
 *
 * <p>Redis is the source while PostgreSQL is down, so the periodic read also keeps Redis's copy of the list
 * complete: while Redis is reachable it writes the denials Redis did not take at logout ({@link #afterEachRead}), and
 * when Redis lacks its "complete" marker (never loaded, restarted empty, flushed) it loads the list just read into
 * Redis. Requests served by this copy never ask Redis, so without this nothing would ever load Redis, and a
 * PostgreSQL outage would find it unusable (the defect that reverted the first version of this class).
 *
 * <p><b>The revocation bound.</b> A logout is refused by the instance that made it at once. Another instance refuses
 * it as soon as the event arrives (a Redis pub/sub hop, milliseconds), and whatever happened to the event, within
 * {@link #TRUSTED_FOR} (3 s) of the logout's commit: a copy read after the commit has it, and an older copy is no
 * longer believed by then; Redis, asked instead, has had it since the logout.
 */
@ApplicationScoped
public class DenialListInMemory {
    private static final Logger LOG = Logger.getLogger(DenialListInMemory.class.getName());
    /** The event bus topic of logouts. */
    static final String TOPIC = "auth-revoked";
    /** How often the whole list is read from PostgreSQL: one small query per instance, bounding a lost event. */
    static final Duration RESYNC = Duration.ofSeconds(2);
    /** How old the last complete read may be for the copy to be believed: the revocation bound. */
    static final Duration TRUSTED_FOR = Duration.ofSeconds(3);
    /** Denials are kept this long past their token's expiry (beyond any clock skew), when it is refused anyway. */
    private static final Duration KEEP_AFTER_EXPIRY = Duration.ofMinutes(2);

    /** One logout, as published to the other instances. */
    record Denial(String jti, Instant expiresAt) {
    }

    @Inject
    GraceLibrary library;
    @Inject
    RedisConnection redis;
    @Inject
    DenialListInRedis inRedis;
    @Inject
    DataSource dataSource;

    /** The clock of the copy's age; a test sets its own. */
    LongSupplier nanoTime = System::nanoTime;
    /** Whether Redis is reachable (the library's shared view); set by {@link #start}, or by a test. */
    RedisAvailability availability;

    private final Map<String, Instant> denied = new ConcurrentHashMap<>();
    private final List<Runnable> afterEachRead = new CopyOnWriteArrayList<>();
    /** {@link #nanoTime} when the last complete read from PostgreSQL began while Redis was reachable. */
    private volatile long readAtNanos;
    private volatile boolean current;
    private ScheduledExecutorService reads;

    /**
     * Subscribes to the logouts and starts the periodic reads; without Redis (no event bus) nothing, and
     * {@link RevokedTokens} asks PostgreSQL.
     */
    public synchronized void start() {
        Optional<EventBus> events = library.events();
        Optional<RedisAvailability> redisAvailability = redis.availability();
        if (reads != null || events.isEmpty() || redisAvailability.isEmpty()) {
            return;
        }
        availability = redisAvailability.get();
        // Subscribed before the first read: a logout is then either in the read or arrives as an event.
        events.get().subscribe(TOPIC, Denial.class, d -> denied.put(d.jti(), d.expiresAt()));
        reads = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grace-denial-list");
            t.setDaemon(true);
            return t;
        });
        availability.onTransition(up -> {
            if (up) {
                reads.execute(this::read); // the events of the outage were lost: read the list again now
            } else {
                current = false;
            }
        });
        reads.scheduleWithFixedDelay(this::read, 0, RESYNC.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether logout denied {@code jti}: true when this copy holds the denial (current or not: every entry is a real
     * denial), false when it does not and is current, null when it does not and must not be believed.
     */
    Boolean check(String jti) {
        if (denied.containsKey(jti)) {
            return Boolean.TRUE;
        }
        return isCurrent() ? Boolean.FALSE : null;
    }

    /** Whether a "not denied" of this copy is believed: read less than {@link #TRUSTED_FOR} ago, Redis reachable. */
    boolean isCurrent() {
        return current && nanoTime.getAsLong() - readAtNanos <= TRUSTED_FOR.toNanos() && availability.isAvailable();
    }

    /** A logout made by this instance: denied here at once, and told to the other instances. */
    void deny(String jti, Instant expiresAt) {
        denied.put(jti, expiresAt);
        library.events().ifPresent(bus -> bus.publish(TOPIC, new Denial(jti, expiresAt)));
    }

    /** {@code task} runs after each periodic read while Redis is reachable, whether PostgreSQL answered or not. */
    void afterEachRead(Runnable task) {
        afterEachRead.add(task);
    }

    /** One read of the whole list from PostgreSQL, and Redis's copy kept complete; package-private for tests. */
    void read() {
        long started = nanoTime.getAsLong();
        boolean redisUp = availability.isAvailable();
        if (redisUp) {
            afterEachRead.forEach(DenialListInMemory::runQuietly);
        }
        Map<String, Instant> all;
        try {
            all = readDatabase();
        } catch (SQLException | RuntimeException e) {
            // PostgreSQL away: the copy ages out of trust and requests ask Redis; the next read tries again.
            LOG.fine(() -> "grace: denial list not read: " + e.getMessage());
            return;
        }
        denied.putAll(all);
        Instant forgetBefore = Instant.now().minus(KEEP_AFTER_EXPIRY);
        denied.values().removeIf(expires -> expires.isBefore(forgetBefore));
        if (redisUp) {
            keepRedisComplete(all);
        }
        readAtNanos = started;
        current = redisUp && availability.isAvailable();
    }

    /** Loads {@code all} into Redis when Redis's copy is not marked complete: the source of a PostgreSQL outage. */
    private void keepRedisComplete(Map<String, Instant> all) {
        try {
            if (inRedis.configured() && Boolean.FALSE.equals(inRedis.isComplete())) {
                inRedis.reload(all);
                LOG.info("grace: token denial list loaded into Redis (" + all.size() + " entries)");
            }
        } catch (RuntimeException e) {
            LOG.warning("grace: token denial list not loaded into Redis yet: " + e.getMessage());
        }
    }

    private static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.fine(() -> "grace: denial list task failed: " + e.getMessage());
        }
    }

    /** The list as PostgreSQL holds it now; a test stands in its own. */
    Map<String, Instant> readDatabase() throws SQLException {
        return readAll(dataSource);
    }

    /** Every denial in PostgreSQL whose token has not expired, with the expiry stored for it. */
    static Map<String, Instant> readAll(DataSource dataSource) throws SQLException {
        Map<String, Instant> all = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT jti, expires_at FROM revoked_access_tokens WHERE expires_at > now()");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                all.put(rs.getString(1), rs.getTimestamp(2).toInstant());
            }
        }
        return all;
    }

    @PreDestroy
    synchronized void stop() {
        if (reads != null) {
            reads.shutdownNow();
        }
    }
}
