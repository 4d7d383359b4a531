package org.grace.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How leases are sized, spent, lapse and stop near the limit, on a hand-moved nanosecond clock. */
class LeasesTest {
    private static final long MS = 1_000_000;
    private final Leases leases = new Leases(16, Duration.ofSeconds(1), 100);
    private long now = 5_000 * MS;

    private static RateLimitDecision redis(boolean allowed, long remaining) {
        return new RateLimitDecision(allowed, "per-minute", 100, remaining, Duration.ofSeconds(30),
                allowed ? Duration.ZERO : Duration.ofSeconds(1), RateLimitDecision.Source.REDIS);
    }

    /** One request for a permit the way the limiter makes it: the lease first, else Redis with what begin asks. */
    private long askRedis(String key, long remaining) {
        Leases.Ticket t = leases.begin(key, now);
        leases.settle(t, redis(true, remaining));
        return t.size();
    }

    @Test
    void aKeyAskedForAboutOnceASecondNeverLeases() {
        for (int i = 0; i < 10; i++) {
            assertThat(leases.take("slow", now)).isNull();
            assertThat(askRedis("slow", 50)).isEqualTo(1);
            now += 1_000 * MS;
        }
    }

    @Test
    void aBusyKeyLeasesOnItsPaceUpToTheMaximum() {
        assertThat(askRedis("k", 90)).isEqualTo(1);
        now += 100 * MS; // ten a second: half a second holds five
        assertThat(askRedis("k", 85)).isEqualTo(5);
        for (int i = 0; i < 4; i++) {
            RateLimitDecision d = leases.take("k", now);
            assertThat(d.source()).isEqualTo(RateLimitDecision.Source.LEASED);
            assertThat(d.remaining()).isEqualTo(85 + 3 - i);
        }
        assertThat(leases.take("k", now)).as("five leased, five spent").isNull();
        now += MS; // five in a millisecond: far more than the maximum per half second
        assertThat(askRedis("k", 69)).isEqualTo(16);
    }

    @Test
    void aLeaseLapsesAfterItsLifeAndTheNextIsSizedOnWhatWasSpent() {
        askRedis("k", 90);
        now += MS;
        assertThat(askRedis("k", 74)).isEqualTo(16);
        leases.take("k", now);
        leases.take("k", now);
        now += 1_000 * MS;
        assertThat(leases.take("k", now)).as("past its life").isNull();
        // Three of sixteen spent in the whole life: the pace is three a second, a lease of one and a half.
        assertThat(askRedis("k", 70)).isEqualTo(1);
    }

    @Test
    void aDeniedLeaseMakesTheKeyGoPermitByPermitForALife() {
        askRedis("k", 90);
        now += MS;
        Leases.Ticket lease = leases.begin("k", now);
        assertThat(lease.size()).isEqualTo(16);
        assertThat(leases.settle(lease, redis(false, 3))).as("the caller must ask for its one permit").isNull();
        now += MS;
        assertThat(askRedis("k", 2)).isEqualTo(1);
        now += 998 * MS;
        assertThat(askRedis("k", 1)).isEqualTo(1);
        now += 2 * MS; // the life is over, and the last two came a millisecond apart
        assertThat(leases.begin("k", now).size()).isEqualTo(16);
    }

    @Test
    void onlyOneLeaseIsAskedForAtATimePerKey() {
        askRedis("k", 90);
        now += MS;
        Leases.Ticket first = leases.begin("k", now);
        Leases.Ticket meanwhile = leases.begin("k", now);
        assertThat(first.size()).isEqualTo(16);
        assertThat(meanwhile.size()).isEqualTo(1);
        leases.settle(meanwhile, redis(true, 80));
        RateLimitDecision granted = leases.settle(first, redis(true, 64));
        assertThat(granted.remaining()).isEqualTo(64 + 15);
        assertThat(leases.take("k", now).source()).as("the single did not replace the lease")
                .isEqualTo(RateLimitDecision.Source.LEASED);
        while (leases.take("k", now) != null) {
            now += 1000; // the other fourteen, a microsecond apart
        }
        Leases.Ticket failed = leases.begin("k", now);
        assertThat(failed.size()).isEqualTo(16);
        assertThat(leases.begin("k", now).size()).as("while that one is out").isEqualTo(1);
        leases.abandon(failed);
        assertThat(leases.begin("k", now).size()).as("an unanswered lease frees the key").isEqualTo(16);
    }
}
