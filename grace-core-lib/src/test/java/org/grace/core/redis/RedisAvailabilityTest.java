package org.grace.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.grace.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import org.redisson.client.RedisException;

class RedisAvailabilityTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T08:00:00Z"));
    private final RedisAvailability availability = new RedisAvailability("test", clock, Duration.ofMillis(500));
    private final List<Boolean> transitions = new ArrayList<>();

    {
        availability.onTransition(transitions::add);
    }

    /** How Redisson reports a write on a connection that was closed under it. */
    private static RuntimeException closedConnection() {
        return new RedisException("Unable to write command into connection", new ClosedChannelException());
    }

    @Test
    void oneTransitionEachWayAndOneProbePerInterval() {
        assertThat(availability.recordFailure(new RedisException("timeout", new ConnectException("refused"))))
                .isTrue();
        assertThat(availability.recordFailure(new RedisException("timeout"))).isTrue();
        assertThat(availability.isAvailable()).isFalse();
        assertThat(availability.shouldTryRedis()).as("before the first probe is due").isFalse();
        clock.advance(Duration.ofMillis(500));
        assertThat(availability.shouldTryRedis()).as("the probe").isTrue();
        assertThat(availability.shouldTryRedis()).as("one caller per interval").isFalse();
        availability.recordSuccess();
        availability.recordSuccess();
        assertThat(transitions).containsExactly(false, true);
    }

    @Test
    void aClosedConnectionRightAfterRedisReturnedIsNotANewOutage() {
        availability.recordFailure(closedConnection());
        clock.advance(Duration.ofSeconds(1));
        availability.recordSuccess();
        clock.advance(Duration.ofMillis(1500));
        assertThat(availability.recordFailure(closedConnection())).as("stale connection, 1.5 s after").isFalse();
        assertThat(availability.isAvailable()).isTrue();

        clock.advance(RedisAvailability.SETTLE_TIME);
        assertThat(availability.recordFailure(closedConnection())).as("after the settling time").isTrue();
        assertThat(availability.isAvailable()).isFalse();
        assertThat(transitions).containsExactly(false, true, false);
    }

    @Test
    void otherFailuresRightAfterRedisReturnedAreANewOutage() {
        availability.recordFailure(new RedisException("down"));
        availability.recordSuccess();
        assertThat(availability.recordFailure(new RedisException("timeout", new ConnectException("refused"))))
                .isTrue();
        assertThat(transitions).containsExactly(false, true, false);
    }

    @Test
    void aClosedConnectionBeforeAnyOutageIsAnOutage() {
        assertThat(availability.recordFailure(closedConnection())).isTrue();
        assertThat(transitions).containsExactly(false);
    }
}
