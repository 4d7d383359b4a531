package org.grace.webapp.livestream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.core.InstanceId;
import org.grace.webapp.auth.GraceJsonWebToken;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.http.ApiException;
import org.grace.webapp.library.GraceLibrary;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.notifications.CareEvents;
import org.grace.webapp.notifications.Notification;
import org.grace.webapp.notifications.Notifications;
import org.grace.webapp.redis.RedisConnection;
import org.grace.webapp.redis.RedisGuard;
import org.grace.webapp.settings.GraceSettings;

/**
 * The live stream of issue #13 on this instance: the registry of open streams, the dispatcher that reads new
 * notifications from PostgreSQL for all of them, the event bus subscriptions that wake it, and one timer thread for
 * the poll, the sweep, heartbeats and the re-authentication of streams whose access token is about to expire.
 * PostgreSQL is the source of truth; pub/sub only says "look now". See docs/live-alerts.md.
 */
@ApplicationScoped
public class LiveStreams {
    private static final Logger LOG = Logger.getLogger(LiveStreams.class.getName());
    /** While the bus is down (or absent): one query per instance per second. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    /** While the bus is up: pub/sub is at most once, so a sweep finds what a lost event did not announce. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(5);
    /** How long before the access token expires the stream asks the page to refresh it, then closes. */
    static final Duration REAUTHENTICATE_BEFORE = Duration.ofSeconds(30);
    /** The browser's reconnection delay after a dropped stream ({@code retry:} of {@code ready}). */
    static final long RETRY_MILLIS = 2000;
    /**
     * Threads that write events on the connections ({@link QueuedOutput}): a client that stops reading holds one of
     * them until the container's write gives up, and only its own stream waits. They exist while there is writing.
     */
    static final int WRITER_THREADS = 8;
    /** At SIGTERM, the longest wait for the streams' last lines to be written. */
    static final long STOP_WRITE_MILLIS = 2000;
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    GraceSettings settings;
    @Inject
    Notifications notifications;
    @Inject
    GraceLibrary library;
    @Inject
    RedisConnection redis;
    @Inject
    RedisGuard guard;
    @Inject
    GraceMetrics metrics;
    @Inject
    DataSource dataSource;
    @Inject
    InstanceId instanceId;

    private StreamRegistry registry;
    private Dispatcher dispatcher;
    private ScheduledExecutorService timer;
    private ThreadPoolExecutor writers;
    private volatile long lastSweepNanos = System.nanoTime();
    private boolean started;

    /** Starts the dispatcher, the timer and the bus subscriptions; called once by the start-up sequence. */
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        registry = new StreamRegistry(settings.streamMaxConnections(), settings.streamMaxPerUser());
        AtomicInteger writerCount = new AtomicInteger();
        writers = new ThreadPoolExecutor(WRITER_THREADS, WRITER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "grace-stream-writer-" + writerCount.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        writers.allowCoreThreadTimeOut(true);
        dispatcher = new Dispatcher(registry, new PostgresSource(), new Dispatcher.Delivery() {
            @Override
            public void query(String path) {
                metrics.streamQuery(path);
            }

            @Override
            public void deliver(LiveStream stream, Notification n, String path) {
                sendNotification(stream, n, path);
            }
        });
        dispatcher.start();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grace-stream-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, POLL_INTERVAL.toMillis(), POLL_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        long heartbeat = settings.streamHeartbeat().toMillis();
        timer.scheduleAtFixedRate(this::heartbeats, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        library.events().ifPresent(bus -> {
            bus.subscribe(CareEvents.NOTIFICATIONS, Notification.class, n -> {
                if (registry.hasUser(n.userId())) {
                    dispatcher.wake("pubsub");
                }
            });
            bus.subscribe(CareEvents.NOTIFICATION_UPDATES, CareEvents.NotificationsChanged.class,
                    this::notificationsChanged);
            bus.subscribe(CareEvents.INCIDENTS, CareEvents.IncidentChanged.class, this::incidentChanged);
        });
        metrics.fleetGauge("grace_stream_open", "Live streams open on this instance", "gauge", registry::open);
        // At SIGTERM, before the drain ends (GRACE_SHUTDOWN_DRAIN) and Payara Micro stops the application: each stream
        // is told why and closed, so browsers reconnect to another instance while this one still answers.
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "grace-stream-shutdown"));
        LOG.info(() -> "grace: live stream ready (heartbeat " + settings.streamHeartbeat().toSeconds() + " s, at most "
                + settings.streamMaxConnections() + " streams, " + settings.streamMaxPerUser() + " per user)");
    }

    /**
     * Opens a stream for the caller: registers it (or refuses: 503 when the instance is full, 429 when the user is),
     * sends {@code ready}, and hands it to the dispatcher for its catch-up. {@code lastEventId} is where the browser
     * left off; null starts from the user's newest notification.
     */
    void open(GraceJsonWebToken caller, Long lastEventId, EventOutput connection) {
        start();
        QueuedOutput output = new QueuedOutput(connection, writers);
        LiveStream stream = new LiveStream(caller.userId(), caller.organizationId(), caller.role(),
                caller.expiresAt(), lastEventId == null ? 0 : lastEventId, output);
        // A failed write (or a client too far behind) ends the stream now, not at its next send.
        output.onFailure(() -> {
            stream.close();
            registry.remove(stream);
        });
        switch (registry.register(stream)) {
            case INSTANCE_FULL -> throw new ApiException(503, "this instance holds its maximum of live streams; "
                    + "try again shortly", Map.of(), Map.of("Retry-After", "5"));
            case USER_FULL -> throw new ApiException(429, "you already have " + settings.streamMaxPerUser()
                    + " live streams open on this instance; close a tab", Map.of(), Map.of("Retry-After", "5"));
            case ADMITTED -> {
            }
        }
        try {
            if (lastEventId == null) {
                stream.startAt(notifications.newestId(caller.userId()));
            }
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("instance", instanceId.value());
            ready.put("lastEventId", stream.lastSent());
            ready.put("heartbeatSeconds", settings.streamHeartbeat().toSeconds());
            ready.put("accessTokenExpiresAt", caller.expiresAt().toString());
            if (!stream.ready(json(ready), RETRY_MILLIS)) {
                registry.remove(stream);
                return;
            }
            metrics.streamEventSent("ready");
        } catch (RuntimeException e) {
            registry.remove(stream);
            stream.close();
            throw e;
        }
        dispatcher.connected(stream);
    }

    private void sendNotification(LiveStream stream, Notification n, String path) {
        if (stream.deliver(n.id(), json(n))) {
            long lag = n.createdAt() == null ? 0
                    : Duration.between(Instant.parse(n.createdAt()), Instant.now()).toNanos();
            metrics.streamEventSent("notification");
            metrics.streamNotificationDelivered(path, lag);
        } else if (stream.isClosed()) {
            registry.remove(stream);
        }
    }

    private void notificationsChanged(CareEvents.NotificationsChanged change) {
        List<LiveStream> streams = registry.of(change.userId());
        if (streams.isEmpty()) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("notificationIds", change.notificationIds());
        data.put("change", change.change());
        data.put("at", change.at());
        String body = json(data);
        for (LiveStream s : streams) {
            if (s.organizationId == change.organizationId()) {
                event(s, "notification-updated", body);
            }
        }
    }

    private void incidentChanged(CareEvents.IncidentChanged change) {
        List<Long> candidates = registry.usersOf(change.organizationId());
        if (candidates.isEmpty()) {
            return;
        }
        List<Long> audience;
        try {
            audience = Transactions.inTransaction(dataSource, c -> staffWhoSee(c, candidates, change));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "grace: incident-updated not sent, its audience could not be read: " + e);
            return;
        }
        String body = json(change);
        for (long user : audience) {
            for (LiveStream s : registry.of(user)) {
                event(s, "incident-updated", body);
            }
        }
    }

    /**
     * Of {@code candidates}, the staff who may see the incident by the care scope's rules (CareScope): organisation
     * admins of its organisation, other staff roles if they are members of its facility; never family users.
     */
    private static List<Long> staffWhoSee(Connection c, Collection<Long> candidates,
                                          CareEvents.IncidentChanged change) throws java.sql.SQLException {
        return Sql.list(c, "SELECT u.id FROM users u WHERE u.id = ANY (?::bigint[]) AND u.organization_id = ? "
                        + "AND (u.role = ? OR (u.role <> ? AND EXISTS (SELECT 1 FROM facility_staff fs "
                        + "WHERE fs.user_id = u.id AND fs.facility_id = ?)))",
                Sql.params(List.copyOf(candidates), change.organizationId(), Roles.ORGANIZATION_ADMIN, Roles.FAMILY,
                        change.facilityId()), rs -> rs.getLong(1));
    }

    private void event(LiveStream s, String name, String body) {
        if (s.state() == LiveStream.State.CLOSED) {
            registry.remove(s);
        } else if (s.event(name, body)) {
            metrics.streamEventSent(name);
        } else {
            registry.remove(s);
        }
    }

    /** Every second: the poll while the bus is down, the sweep while it is up, and re-authentication. */
    private void tick() {
        try {
            if (registry.open() > 0) {
                if (busDown()) {
                    dispatcher.wake("poll");
                } else if (System.nanoTime() - lastSweepNanos >= SWEEP_INTERVAL.toNanos()) {
                    lastSweepNanos = System.nanoTime();
                    dispatcher.wake("sweep");
                }
            }
            Instant soon = Instant.now().plus(REAUTHENTICATE_BEFORE);
            for (LiveStream s : registry.all()) {
                if (s.state() == LiveStream.State.LIVE && !s.accessTokenExpiresAt.isAfter(soon)) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("reason", "access token expiring");
                    data.put("at", s.accessTokenExpiresAt.toString());
                    event(s, "reauthenticate", json(data));
                    s.close();
                    registry.remove(s);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "grace: live stream timer: " + e);
        }
    }

    private void heartbeats() {
        for (LiveStream s : registry.all()) {
            if (s.heartbeat()) {
                metrics.streamEventSent("heartbeat");
            } else {
                registry.remove(s);
            }
        }
    }

    /** True while events from other instances may not arrive: no bus, or Redis believed down. */
    boolean busDown() {
        return library.events().isEmpty() || guard.isDown()
                || redis.availability().map(a -> !a.isAvailable()).orElse(true);
    }

    private void closeAll() {
        StreamRegistry r = registry;
        if (r == null) {
            return;
        }
        List<LiveStream> all = r.all();
        for (LiveStream s : all) {
            s.closeForStop();
            r.remove(s);
        }
        // The last lines are written by the writer threads: give them a moment before the instance goes on stopping.
        long deadline = System.currentTimeMillis() + STOP_WRITE_MILLIS;
        try {
            for (LiveStream s : all) {
                if (s.output() instanceof QueuedOutput q) {
                    q.awaitClosed(Math.max(0, deadline - System.currentTimeMillis()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (dispatcher != null) {
            dispatcher.stop();
        }
        closeAll();
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The dispatcher's queries, on the notifications area's reads (each a short transaction). */
    private final class PostgresSource implements Dispatcher.Source {
        @Override
        public long newestId() {
            return notifications.newestId(null);
        }

        @Override
        public List<Notification> forUsers(Collection<Long> userIds, long afterId, int limit) {
            return notifications.afterForUsers(userIds, afterId, limit);
        }

        @Override
        public List<Notification> forUser(long userId, long afterId, int limit) {
            return notifications.after(userId, afterId, limit);
        }
    }
}
