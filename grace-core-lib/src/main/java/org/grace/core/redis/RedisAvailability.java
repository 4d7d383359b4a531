package org.grace.core.redis;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Whether a feature is on Redis or on its in-memory fallback, shared by the callers of one feature.
 *
 * <p>Calls report each outcome. The first failure switches to the fallback and logs one line; while down, one
 * caller per {@link #DEFAULT_PROBE_INTERVAL} is let through to Redis as a probe, so a returning Redis is found
 * within that interval (plus the command timeout) without every request paying for a dead connection. The first
 * success switches back and logs one line. Listeners hear each transition (metrics, dropping a near cache).
 *
 * <p>For {@link #SETTLE_TIME} after the switch back, a call refused because its connection was already closed is not
 * taken for a new outage: the client's connections from before the outage fail like this on first use (seen up to
 * about 1.5 s after the first success, Redisson 3.52, Redis killed and restarted), and without this rule every
 * restart of Redis would be logged as down, back, down, back. A Redis that really goes down again fails calls in
 * other ways too (refused connections, timeouts), or the same way after the settling time.
 */
public final class RedisAvailability {
    /** How often a caller probes a Redis believed down: short enough to be "back within 5 s" with margin. */
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(500);

    /** How long after a switch back a closed connection is stale news rather than a new outage. */
    public static final Duration SETTLE_TIME = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger(RedisAvailability.class.getName());

    private final String feature;
    private final Clock clock;
    private final long probeIntervalMillis;
    private final AtomicBoolean available = new AtomicBoolean(true);
    private final AtomicLong nextProbeAt = new AtomicLong();
    /** Clock millis of the last switch back to Redis; {@link Long#MIN_VALUE} before the first. */
    private volatile long backAt = Long.MIN_VALUE;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();

    public RedisAvailability(String feature, Clock clock, Duration probeInterval) {
        this.feature = Objects.requireNonNull(feature, "feature");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (probeInterval == null || probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("probe interval must be positive, got " + probeInterval);
        }
        this.probeIntervalMillis = probeInterval.toMillis();
    }

    public RedisAvailability(String feature) {
        this(feature, Clock.systemUTC(), DEFAULT_PROBE_INTERVAL);
    }

    /** True while Redis is believed reachable. */
    public boolean isAvailable() {
        return available.get();
    }

    /**
     * Whether this call should go to Redis: always while available; while down, true for one caller per probe
     * interval.
     */
    public boolean shouldTryRedis() {
        if (available.get()) {
            return true;
        }
        long now = clock.millis();
        long next = nextProbeAt.get();
        return now >= next && nextProbeAt.compareAndSet(next, now + probeIntervalMillis);
    }

    /** A Redis call succeeded. */
    public void recordSuccess() {
        if (available.compareAndSet(false, true)) {
            backAt = clock.millis();
            LOG.log(Level.INFO, "grace {0}: Redis reachable again, back on Redis", feature);
            listeners.forEach(l -> l.accept(Boolean.TRUE));
        }
    }

    /**
     * A Redis call failed (timeout, connection refused, ...).
     *
     * @return whether the failure counts: false for a call refused by a closed connection within {@link #SETTLE_TIME}
     *         of the switch back to Redis (see the class comment)
     */
    public boolean recordFailure(Throwable cause) {
        if (backAt != Long.MIN_VALUE && clock.millis() - backAt < SETTLE_TIME.toMillis()
                && isClosedConnection(cause)) {
            LOG.log(Level.DEBUG, "grace {0}: a call on a connection from before Redis returned failed; not a new outage",
                    feature);
            return false;
        }
        if (available.compareAndSet(true, false)) {
            nextProbeAt.set(clock.millis() + probeIntervalMillis);
            LOG.log(Level.WARNING, "grace {0}: Redis unreachable ({1}), using the in-memory fallback until it returns",
                    feature, describe(cause));
            listeners.forEach(l -> l.accept(Boolean.FALSE));
        }
        return true;
    }

    /**
     * A call got no answer within the caller's deadline of {@code callTimeout}: a failure like any other, so the
     * feature's callers go to its fallback at once until a probe answers in time, rather than each waiting out its
     * deadline. (A Redis that answers, but slower than the deadline, is treated as down.)
     */
    public void recordTimeout(Duration callTimeout) {
        if (available.get()) {
            recordFailure(new NoTimelyAnswer(callTimeout));
        }
    }

    /** The cause a {@link #recordTimeout} logs. */
    private static final class NoTimelyAnswer extends RuntimeException {
        NoTimelyAnswer(Duration callTimeout) {
            super("no answer within the call timeout of " + callTimeout.toMillis() + " ms", null, false, false);
        }
    }

    /** The call failed because its connection was closed before the write: the command never reached Redis. */
    private static boolean isClosedConnection(Throwable error) {
        return anyCause(error, t -> t instanceof java.nio.channels.ClosedChannelException);
    }

    /** Whether {@code error} or any of its causes passes {@code test}: what a Redis call failed of. */
    public static boolean anyCause(Throwable error, java.util.function.Predicate<? super Throwable> test) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }

    /** Hears {@code true} on each switch back to Redis and {@code false} on each switch to the fallback. */
    public void onTransition(Consumer<Boolean> listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public Instant nextProbe() {
        return Instant.ofEpochMilli(nextProbeAt.get());
    }

    /** One line naming the root cause of {@code t}: its class and the first line of its message. */
    public static String describe(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
