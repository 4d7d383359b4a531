package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** What {@link RedisExtension} starts, shares, brings back and stops, seen from outside a test class that uses it. */
class RedisExtensionIT {
    private static final List<RedisServer> CLASS_SERVERS = new CopyOnWriteArrayList<>();
    private static final List<RedisServer> FRESH_SERVERS = new CopyOnWriteArrayList<>();

    @Test
    void oneServerServesTheWholeClassAndEveryServerStopsWithItsLifetime() {
        InnerRun.runPassing(UsesRedis.class, 4);

        assertThat(CLASS_SERVERS).hasSize(5);
        assertThat(CLASS_SERVERS.stream().distinct()).hasSize(1);
        assertThat(FRESH_SERVERS).hasSize(2).doesNotContainAnyElementsOf(CLASS_SERVERS);
        assertThat(FRESH_SERVERS.get(0)).isNotSameAs(FRESH_SERVERS.get(1));
        assertThat(CLASS_SERVERS.get(0).isRunning()).isFalse();
        assertThat(FRESH_SERVERS).noneMatch(RedisServer::isRunning);
        assertThat(CLASS_SERVERS.get(0).command("PING")).startsWith("-IO");
    }

    /** Run only by the test above (Failsafe does not pick up nested classes). */
    @WithRedis
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class UsesRedis {
        @BeforeAll
        static void before(RedisServer redis) {
            CLASS_SERVERS.add(redis);
        }

        @Test
        @Order(1)
        void answersOnItsLoopbackUrl(RedisServer redis) {
            CLASS_SERVERS.add(redis);
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(redis.command("SET", "left-by", "test-1")).isEqualTo("+OK");
        }

        @Test
        @Order(2)
        void aFreshServerIsAnotherOneAndEmpty(@Fresh RedisServer own, RedisServer shared) {
            CLASS_SERVERS.add(shared);
            FRESH_SERVERS.add(own);
            assertThat(own.port()).isNotEqualTo(shared.port());
            assertThat(own.command("GET", "left-by")).isEqualTo("$-1");
            assertThat(shared.command("EXISTS", "left-by")).isEqualTo(":1");
        }

        @Test
        @Order(3)
        void aTestMayLeaveTheServerPausedOrStopped(RedisServer redis, @Fresh RedisServer own) {
            CLASS_SERVERS.add(redis);
            FRESH_SERVERS.add(own);
            redis.pause();
            assertThat(redis.command("PING")).startsWith("-IO");
        }

        @Test
        @Order(4)
        void theNextTestFindsItAnsweringAgain(RedisServer redis) {
            CLASS_SERVERS.add(redis);
            assertThat(redis.command("PING")).isEqualTo("+PONG");
        }
    }
}
