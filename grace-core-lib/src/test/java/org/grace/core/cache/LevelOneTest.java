package org.grace.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Level 1 on a fake ticker: what it keeps, for how long, and which fills it refuses. */
class LevelOneTest {
    private static final Duration LOCAL_TTL = Duration.ofSeconds(5);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = nanos::get;
    private final LevelOne levelOne = new LevelOne(100, LOCAL_TTL, ticker);

    private static LocalEntry entry(Object value, Set<String> tags, long expiresAt) {
        return new LocalEntry(value, new byte[0], value.getClass(), tags, expiresAt);
    }

    @Test
    void aHitNeedsTheStoredTypeAndALiveEntry() {
        levelOne.replace("k", entry("v", Set.of(), 0));
        assertThat(levelOne.hit("k", String.class)).isNotNull();
        assertThat(levelOne.hit("k", Object.class)).as("another type takes the slow path").isNull();
        assertThat(levelOne.live("k")).isNotNull();

        levelOne.replace("short", entry("v", Set.of(), levelOne.expiresAt(Duration.ofSeconds(1))));
        assertThat(levelOne.hit("short", String.class)).isNotNull();
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(levelOne.hit("short", String.class)).as("its own TTL ended").isNull();
        assertThat(levelOne.live("short")).isNull();
    }

    @Test
    void anEntryLivesNoLongerThanTheLocalTtlLessTheFillAllowance() {
        levelOne.replace("k", entry("v", Set.of(), 0));
        nanos.addAndGet(LOCAL_TTL.toNanos() - LevelOne.FILL_ALLOWANCE_NANOS - 1);
        assertThat(levelOne.live("k")).isNotNull();
        nanos.addAndGet(2);
        assertThat(levelOne.live("k")).isNull();
    }

    @Test
    void aFillIsKeptOnlyIfNothingInvalidatedItsKeyMeanwhile() {
        long token = levelOne.token("k");
        levelOne.invalidate("k");
        levelOne.putIfUnchanged("k", entry("stale", Set.of(), 0), token);
        assertThat(levelOne.live("k")).as("an invalidation came between the read and the insert").isNull();

        token = levelOne.token("k");
        levelOne.putIfUnchanged("k", entry("current", Set.of(), 0), token);
        assertThat(levelOne.live("k").value).isEqualTo("current");

        token = levelOne.token("other");
        levelOne.clear();
        levelOne.putIfUnchanged("other", entry("stale", Set.of(), 0), token);
        assertThat(levelOne.live("other")).as("a clear refuses every fill in flight").isNull();
        assertThat(levelOne.live("k")).isNull();
    }

    @Test
    void droppingATagDropsItsEntriesAndTheKeysRedisNamedButNothingElse() {
        levelOne.replace("tagged", entry("v", Set.of("resident:42"), 0));
        levelOne.replace("named", entry("v", Set.of(), 0));
        levelOne.replace("unrelated", entry("v", Set.of("resident:7"), 0));
        levelOne.dropTag("resident:42", List.of("named"));
        assertThat(levelOne.live("tagged")).isNull();
        assertThat(levelOne.live("named")).isNull();
        assertThat(levelOne.live("unrelated")).isNotNull();
    }

    @Test
    void aSlowFillDiesAtItsStartPlusTheLocalTtl() {
        long start = ticker.read();
        assertThat(levelOne.fillDeadline(start, 0)).as("a fast fill keeps the cheap path").isZero();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(levelOne.fillDeadline(start, 0)).isEqualTo(start + LOCAL_TTL.toNanos());
        long sooner = start + Duration.ofSeconds(3).toNanos();
        assertThat(levelOne.fillDeadline(start, sooner)).as("its own shorter deadline stands").isEqualTo(sooner);
    }

    @Test
    void sizeZeroKeepsNothing() {
        LevelOne off = new LevelOne(0, LOCAL_TTL, ticker);
        off.replace("k", entry("v", Set.of(), 0));
        off.putIfUnchanged("k", entry("v", Set.of(), 0), off.token("k"));
        assertThat(off.hit("k", String.class)).isNull();
        assertThat(off.live("k")).isNull();
    }
}
