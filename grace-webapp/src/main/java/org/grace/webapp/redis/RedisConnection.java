package org.grace.webapp.redis;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.grace.core.InstanceId;
import org.grace.core.redis.RedisAvailability;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.grace.webapp.settings.GraceSettings;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;

/**
 * The instance's one Redisson client, shared by the cache, the rate limiter and the event bus; absent when
 * {@code GRACE_REDIS_URL} is not set, in which case every feature runs on its in-memory fallback. The client is
 * lazy, so the instance starts while Redis is down and connects when it returns.
 */
@ApplicationScoped
public class RedisConnection {
    private static final Logger LOG = Logger.getLogger(RedisConnection.class.getName());

    @Inject
    GraceSettings settings;
    @Inject
    InstanceId instanceId;

    private RedissonClient client;
    private volatile RedisAvailability availability;
    private final java.util.List<Runnable> disconnectListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.List<Runnable> beforeShutdown = new java.util.concurrent.CopyOnWriteArrayList<>();
    private RedisUrl url;
    private boolean started;

    public synchronized Optional<RedissonClient> client() {
        if (!started) {
            started = true;
            Optional<RedisUrl> configured = settings.redisUrl();
            if (configured.isEmpty()) {
                LOG.info("grace: GRACE_REDIS_URL is not set: cache, rate limits and events use the in-memory "
                        + "fallback (fine for one instance; set it to share them between instances)");
            } else {
                url = configured.get();
                org.redisson.config.Config config = RedisClients.config(url, "grace:" + instanceId.value());
                // A dropped connection (Redis stopped, crashed, network cut) is news at once to whoever listens,
                // before any request has to wait for a command to time out.
                config.setConnectionListener(new org.redisson.connection.ConnectionListener() {
                    @Override
                    public void onConnect(java.net.InetSocketAddress address) {
                    }

                    @Override
                    public void onDisconnect(java.net.InetSocketAddress address) {
                        // The library's features hear it too: otherwise they learn of the outage only from their
                        // own calls, after up to three call timeouts, while the guard's callers already skip Redis
                        // (measured: 0.7-1.1 s in MultiInstanceIT, sign-ins waiting 250 ms each meanwhile). A
                        // closed connection right after Redis returned is the client's stale one, which
                        // RedisAvailability does not take for an outage (its SETTLE_TIME).
                        RedisAvailability shared = availability;
                        if (shared != null) {
                            shared.recordFailure(new IllegalStateException("lost the connection to Redis at "
                                    + address, new java.nio.channels.ClosedChannelException()));
                        }
                        disconnectListeners.forEach(Runnable::run);
                    }
                });
                client = org.redisson.Redisson.create(config);
                availability = new RedisAvailability("grace");
                LOG.info(() -> "grace: Redis at " + url);
            }
        }
        return Optional.ofNullable(client);
    }

    /**
     * The Redis availability tracker every library feature of this instance shares (cache, events, rate limits),
     * so an outage is one pair of log lines; empty without Redis.
     */
    public synchronized Optional<RedisAvailability> availability() {
        client();
        return Optional.ofNullable(availability);
    }

    /** Runs {@code listener} (on a Redisson thread: keep it short) whenever a connection to Redis is lost. */
    public void onDisconnect(Runnable listener) {
        disconnectListeners.add(listener);
    }

    /** Round trip of a PING in milliseconds, or empty when Redis is not configured or did not answer in time. */
    public OptionalDouble ping(Duration timeout) {
        Optional<RedissonClient> redis = client();
        if (redis.isEmpty()) {
            return OptionalDouble.empty();
        }
        long start = System.nanoTime();
        try {
            boolean pong = switch (url.mode()) {
                case SINGLE -> redis.get().getRedisNodes(RedisNodes.SINGLE).getInstance()
                        .ping(timeout.toMillis(), TimeUnit.MILLISECONDS);
                case SENTINEL -> redis.get().getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).getMaster()
                        .ping(timeout.toMillis(), TimeUnit.MILLISECONDS);
            };
            return pong ? OptionalDouble.of((System.nanoTime() - start) / 1_000_000.0) : OptionalDouble.empty();
        } catch (RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * Runs {@code closer} before the client shuts down, e.g. the library's close, whose cache and event bus
     * unsubscribe through this client. When the application stops, the container destroys its beans in no order
     * that follows their use, and at SIGTERM the library may also be closing on a JVM shutdown hook: without this,
     * the client could shut down first and the unsubscribes would be lost (measured in EmbeddedDefaultIT).
     */
    public void beforeShutdown(Runnable closer) {
        beforeShutdown.add(closer);
    }

    @PreDestroy
    void close() {
        // Not under this object's lock: a closer may be waiting for a thread that needs client() to finish.
        for (Runnable closer : beforeShutdown) {
            try {
                closer.run();
            } catch (RuntimeException e) {
                LOG.warning(() -> "grace: closing before the Redis client shuts down failed: " + e);
            }
        }
        RedissonClient toShutDown;
        synchronized (this) {
            toShutDown = client;
        }
        if (toShutDown != null) {
            toShutDown.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** Timeout of a health PING: the client's own command timeout. */
    public static Duration pingTimeout() {
        return RedisClients.DEFAULT_COMMAND_TIMEOUT;
    }
}
