package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** What {@link RedisExtension} starts, shares, brings back and stops, seen from outside a test class that uses it. */
class RedisExtensionIT {
    private static final ServersSeen<RedisServer> SERVERS = new ServersSeen<>();

    @Test
    void oneServerServesTheWholeClassAndEveryServerStopsWithItsLifetime() {
        RedisServer classServer = SERVERS.runAndCheckOnePerClass(UsesRedis.class, 4, 5, 2);

        assertThat(SERVERS.fresh.get(0)).isNotSameAs(SERVERS.fresh.get(1));
        assertThat(classServer.isRunning()).isFalse();
        assertThat(SERVERS.fresh).noneMatch(RedisServer::isRunning);
        assertThat(classServer.command("PING")).startsWith("-IO");
    }

    /** Run only by the test above (Failsafe does not pick up nested classes). */
    @WithRedis
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class UsesRedis {
        @BeforeAll
        static void before(RedisServer redis) {
            SERVERS.ofClass.add(redis);
        }

        @Test
        @Order(1)
        void answersOnItsLoopbackUrl(RedisServer redis) {
            SERVERS.ofClass.add(redis);
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(redis.command("SET", "left-by", "test-1")).isEqualTo("+OK");
        }

        @Test
        @Order(2)
        void aFreshServerIsAnotherOneAndEmpty(@Fresh RedisServer own, RedisServer shared) {
            SERVERS.ofClass.add(shared);
            SERVERS.fresh.add(own);
            assertThat(own.port()).isNotEqualTo(shared.port());
            assertThat(own.command("GET", "left-by")).isEqualTo("$-1");
            assertThat(shared.command("EXISTS", "left-by")).isEqualTo(":1");
        }

        @Test
        @Order(3)
        void aTestMayLeaveTheServerPausedOrStopped(RedisServer redis, @Fresh RedisServer own) {
            SERVERS.ofClass.add(redis);
            SERVERS.fresh.add(own);
            redis.pause();
            assertThat(redis.command("PING")).startsWith("-IO");
        }

        @Test
        @Order(4)
        void theNextTestFindsItAnsweringAgain(RedisServer redis) {
            SERVERS.ofClass.add(redis);
            assertThat(redis.command("PING")).isEqualTo("+PONG");
        }
    }
}
