package org.grace.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheCountersTest {

    @Test
    void everyEventIsCountedAndHeardAndAThrowingListenerChangesNothing() {
        List<String> heard = new ArrayList<>();
        CacheCounters counters = new CacheCounters(new CacheListener() {
            @Override
            public void onLocalHit(String key) {
                heard.add("local " + key);
                throw new IllegalStateException("metrics broke");
            }

            @Override
            public void onCallTimeout(String operation, String key) {
                heard.add("timeout " + operation + " " + key);
                throw new IllegalStateException("metrics broke");
            }
        });
        counters.localHit("a");
        counters.redisHit("b");
        counters.miss("c");
        counters.load("c", 2_000, false);
        counters.load("d", 3_000, true);
        counters.invalidationSent(3);
        counters.invalidationReceived(2);
        counters.cleared("redis-down");
        counters.undecodable("e");
        counters.noAnswer(LevelTwo.NoAnswer.TIMED_OUT, "get", "f");
        counters.noAnswer(LevelTwo.NoAnswer.INTERRUPTED, "get", "g");

        assertThat(counters.stats(false)).isEqualTo(new CacheStats(1, 1, 1, 2, 1, 5_000, 1, 1, 1, 1, 1, false));
        assertThat(heard).as("an interrupted caller is not a timeout").containsExactly("local a", "timeout get f");
    }
}
