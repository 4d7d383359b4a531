package org.grace.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.grace.core.InstanceId;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.grace.core.redis.ClientName;
import org.grace.core.redis.WithRedisson;
import org.grace.testsupport.Fresh;
import org.grace.testsupport.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.redisson.api.RedissonClient;

/**
 * The cache against a real Redis, in one process. Two caches with their own Redisson clients and instance ids stand
 * for two instances where the claim is about coherence mechanics; the claims about separate processes are in
 * {@link CacheAcrossProcessesIT}.
 */
@WithRedisson
class TwoLevelCacheIT {
    private static RedisServer redis;
    private static RedissonClient clientA;
    private static RedissonClient clientB;
    private final List<GraceCache> caches = new ArrayList<>();
    private String ns;

    @BeforeAll
    static void connect(RedisServer server, @ClientName("it-a") RedissonClient a,
            @ClientName("it-b") RedissonClient b) {
        redis = server;
        clientA = a;
        clientB = b;
    }

    @org.junit.jupiter.api.BeforeEach
    void namespace(TestInfo info) {
        ns = "it-" + info.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void closeCaches() {
        caches.forEach(GraceCache::close);
    }

    private GraceCache cache(RedissonClient client, String id, Duration localTtl) {
        GraceCache cache = GraceCache.builder().redis(client).instanceId(InstanceId.of(id)).namespace(ns)
                .localTtl(localTtl).probeInterval(Duration.ofMillis(200)).build();
        caches.add(cache);
        return cache;
    }

    @Test
    void recordsAndGenericTypesRoundTripThroughRedis() {
        GraceCache a = cache(clientA, "a", Duration.ofMinutes(1));
        GraceCache b = cache(clientB, "b", Duration.ofMinutes(1));
        Resident ada = new Resident(42, "Ada", List.of("penicillin"));
        a.put("resident:42", ada);
        a.put("residents", List.of(ada));
        // A's puts tell B to drop its copies; a read on B that overlaps one of those messages is (rightly) not kept
        // in level 1, so the reads below wait until B has heard both.
        await().atMost(Duration.ofSeconds(2)).until(() -> b.stats().invalidationsReceived() >= 2);

        assertThat(b.get("resident:42", Resident.class)).contains(ada);
        assertThat(b.get("residents", new TypeReference<List<Resident>>() { })).contains(List.of(ada));
        assertThat(b.stats().redisHits()).isEqualTo(2);
        assertThat(b.get("resident:42", Resident.class)).contains(ada);
        assertThat(b.stats().localHits()).isEqualTo(1);
        assertThat(b.get("nobody", Resident.class)).isEmpty();
    }

    @Test
    void level2UsesNativeRedisExpiryAndLevel1NeverOutlivesTheEntry() {
        GraceCache a = cache(clientA, "a", Duration.ofMinutes(1));
        a.put("short", "lived", Duration.ofMillis(300));
        long pttl = Long.parseLong(redis.command("PTTL", ns + ":c:short").substring(1));
        assertThat(pttl).isBetween(1L, 300L);
        assertThat(a.get("short", String.class)).contains("lived");
        await().atMost(Duration.ofSeconds(3)).until(() -> a.get("short", String.class).isEmpty());
        assertThat(redis.command("EXISTS", ns + ":c:short")).isEqualTo(":0");
    }

    @Test
    void putAndDeleteOnOneInstanceDropTheOtherInstancesLevel1Copy() {
        GraceCache a = cache(clientA, "a", Duration.ofMinutes(1));
        GraceCache b = cache(clientB, "b", Duration.ofMinutes(1));
        a.put("k", "v1");
        assertThat(b.get("k", String.class)).contains("v1");
        assertThat(b.get("k", String.class)).contains("v1"); // now in B's level 1, good for a minute

        a.put("k", "v2");
        await().atMost(Duration.ofSeconds(2)).until(() -> b.get("k", String.class).equals(Optional.of("v2")));
        a.delete("k");
        await().atMost(Duration.ofSeconds(2)).until(() -> b.get("k", String.class).isEmpty());
        assertThat(b.stats().invalidationsReceived()).isGreaterThanOrEqualTo(2);
        assertThat(a.stats().invalidationsReceived()).as("A ignores its own messages").isZero();
    }

    @Test
    void invalidatingATagDropsEveryKeyPutWithItOnEveryInstance() {
        GraceCache a = cache(clientA, "a", Duration.ofMinutes(1));
        GraceCache b = cache(clientB, "b", Duration.ofMinutes(1));
        a.put("resident:42:profile", "p", GraceCache.DEFAULT_TTL, Set.of("resident:42"));
        a.put("resident:42:visits", "v", GraceCache.DEFAULT_TTL, Set.of("resident:42", "visits"));
        a.put("resident:7:profile", "other", GraceCache.DEFAULT_TTL, Set.of("resident:7"));
        assertThat(b.get("resident:42:profile", String.class)).contains("p");
        assertThat(b.get("resident:42:visits", String.class)).contains("v");
        assertThat(b.get("resident:7:profile", String.class)).contains("other");

        b.invalidateTag("resident:42");

        assertThat(b.get("resident:42:profile", String.class)).isEmpty();
        assertThat(b.get("resident:42:visits", String.class)).isEmpty();
        await().atMost(Duration.ofSeconds(2)).until(() -> a.get("resident:42:profile", String.class).isEmpty()
                && a.get("resident:42:visits", String.class).isEmpty());
        assertThat(a.get("resident:7:profile", String.class)).contains("other");
        assertThat(redis.command("EXISTS", ns + ":t:resident:42")).isEqualTo(":0");
    }

    @Test
    void sixtyFourConcurrentGetOrLoadCallsOnOneMissingKeyRunTheLoaderOnce() throws Exception {
        GraceCache a = cache(clientA, "a", Duration.ofMinutes(1));
        AtomicInteger loads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<Resident>> results = atOnce(pool, 64, () -> a.getOrLoad("resident:9", Resident.class,
                    Duration.ofMinutes(5), () -> {
                        loads.incrementAndGet();
                        // Slow like a database query, so every caller arrives while the load is in flight.
                        sleep(300);
                        return new Resident(9, "Nine", List.of());
                    }));
            for (Future<Resident> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(new Resident(9, "Nine", List.of()));
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("64 concurrent getOrLoad: loader ran " + loads.get() + " time(s)");
        assertThat(loads.get()).isEqualTo(1);
        assertThat(a.stats().loads()).isEqualTo(1);
    }

    @Test
    void aFailingLoaderReachesEveryWaitingCallerAndCachesNothing() throws Exception {
        GraceCache a = cache(clientA, "a", Duration.ofMinutes(1));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger loads = new AtomicInteger();
        try {
            List<Future<String>> results = atOnce(pool, 8, () -> a.getOrLoad("broken", String.class,
                    Duration.ofMinutes(1), () -> {
                        loads.incrementAndGet();
                        sleep(200);
                        throw new IllegalStateException("database down");
                    }));
            for (Future<String> f : results) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("database down");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(loads.get()).isEqualTo(1);
        assertThat(a.getOrLoad("broken", String.class, Duration.ofMinutes(1), () -> "fixed")).isEqualTo("fixed");
    }

    @Test
    void aReadThatLosesTheRaceWithAnInvalidationDoesNotCacheTheOldValue() throws Exception {
        GraceCache a = cache(clientA, "a", Duration.ofMinutes(1));
        TwoLevelCache b = (TwoLevelCache) cache(clientB, "b", Duration.ofMinutes(1));
        a.put("k", "old");
        CountDownLatch readDone = new CountDownLatch(1);
        CountDownLatch invalidated = new CountDownLatch(1);
        // B's GET has returned "old"; before B can cache it, A writes "new" and B hears the invalidation.
        b.afterRedisRead = () -> {
            b.afterRedisRead = null;
            readDone.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> invalidated.getCount() == 0);
        };
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<String>> racingRead = reader.submit(() -> b.get("k", String.class));
            assertThat(readDone.await(5, TimeUnit.SECONDS)).isTrue();
            long before = b.stats().invalidationsReceived();
            a.put("k", "new");
            await().atMost(Duration.ofSeconds(5)).until(() -> b.stats().invalidationsReceived() > before);
            invalidated.countDown();
            assertThat(racingRead.get(10, TimeUnit.SECONDS)).as("it was current when read").contains("old");
        } finally {
            reader.shutdownNow();
        }
        assertThat(b.get("k", String.class)).as("level 1 must not keep the old value for a minute").contains("new");
    }

    @Test
    void readsRacingWithWritesNeverLeaveAStaleValueInLevel1() throws Exception {
        // Level 1 lives a minute here: a stale value cached by a read that lost the race would still be served
        // long after the writes stop, and the last assertion would fail.
        GraceCache a = cache(clientA, "a", Duration.ofMinutes(1));
        GraceCache b = cache(clientB, "b", Duration.ofMinutes(1));
        a.put("hot", 0);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService readers = Executors.newFixedThreadPool(3);
        try {
            for (int r = 0; r < 3; r++) {
                readers.submit(() -> {
                    while (writing.get()) {
                        b.get("hot", Integer.class);
                    }
                    return null;
                });
            }
            int last = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            for (int i = 1; i <= 2_000 && System.nanoTime() < deadline; i++) {
                a.put("hot", i);
                last = i;
            }
            writing.set(false);
            int expected = last;
            await().atMost(Duration.ofSeconds(2)).until(() -> b.get("hot", Integer.class).equals(Optional.of(expected)));
            System.out.println("race: " + last + " writes, B " + b.stats());
        } finally {
            writing.set(false);
            readers.shutdownNow();
        }
    }

    @Test
    void badInputIsAnIllegalArgumentExceptionNamingTheProblem() {
        GraceCache a = cache(clientA, "a", Duration.ofMinutes(1));
        assertThatThrownBy(() -> a.get(null, String.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key must not be null");
        assertThatThrownBy(() -> a.put(" ", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key");
        assertThatThrownBy(() -> a.put("k", "x", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl");
        assertThatThrownBy(() -> a.put("k", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> a.put("k", new CacheCodecTest.Opaque()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(CacheCodecTest.Opaque.class.getName());
        assertThat(redis.command("EXISTS", ns + ":c:k")).isEqualTo(":0");
    }

    @Test
    void bytesThatNoLongerDecodeAreAMissAndAreDeletedAndLoggedOnce() {
        GraceCache a = cache(clientA, "a", Duration.ofMinutes(1));
        try (LogRecords log = LogRecords.of(GraceCache.class.getName())) {
            for (int i = 0; i < 3; i++) {
                assertThat(redis.command("SET", ns + ":c:resident:1", "{\"id\":\"not a number\"")).isEqualTo("+OK");
                assertThat(a.get("resident:1", Resident.class)).isEmpty();
                assertThat(redis.command("EXISTS", ns + ":c:resident:1")).isEqualTo(":0");
            }
            assertThat(a.stats().undecodable()).isEqualTo(3);
            assertThat(log.records()).hasSize(1);
            assertThat(log.records().get(0).getMessage()).contains("does not decode");
        }
        assertThat(redis.command("SET", ns + ":c:resident:1", "{\"id\":\"not a number\"")).isEqualTo("+OK");
        assertThat(a.get("resident:1", Resident.class)).isEmpty();
        assertThat(a.getOrLoad("resident:1", Resident.class, Duration.ofMinutes(1),
                () -> new Resident(1, "One", List.of()))).isEqualTo(new Resident(1, "One", List.of()));
        assertThat(a.stats().undecodable()).isEqualTo(4);
    }

    @Test
    void whileRedisIsDownTheCacheServesLevel1AndLoadsThroughWithoutThrowing(
            @Fresh RedisServer own, @Fresh @ClientName("it-down") RedissonClient client) {
        // Its own Redis and client: killing the shared one would leave dead connections for the other tests.
        servesLevel1WhileDown(own, cache(client, "a", Duration.ofMinutes(1)));
    }

    private void servesLevel1WhileDown(RedisServer redis, GraceCache a) {
        AtomicReference<String> database = new AtomicReference<>("db-1");
        AtomicInteger loads = new AtomicInteger();
        a.put("before", "x");
        LogRecords log = LogRecords.of(org.grace.core.redis.RedisAvailability.class.getName());
        redis.kill();
        try {
            assertThat(a.getOrLoad("profile", String.class, Duration.ofMinutes(1), () -> {
                loads.incrementAndGet();
                return database.get();
            })).isEqualTo("db-1");
            assertThat(a.stats().onRedis()).isFalse();
            // Served from level 1 now: the loader does not run again.
            assertThat(a.getOrLoad("profile", String.class, Duration.ofMinutes(1), () -> {
                loads.incrementAndGet();
                return "never";
            })).isEqualTo("db-1");
            assertThat(loads.get()).isEqualTo(1);
            a.put("written-while-down", "local");
            assertThat(a.get("written-while-down", String.class)).contains("local");
            a.delete("before");
            a.invalidateTag("some-tag");
            assertThat(a.get("never-written", String.class)).isEmpty();
        } finally {
            redis.restart();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> a.stats().onRedis());
        log.close();
        assertThat(log.count(java.util.logging.Level.WARNING)).as("one line going down").isEqualTo(1);
        assertThat(log.count(java.util.logging.Level.INFO)).as("one line coming back").isEqualTo(1);
        assertThat(a.get("written-while-down", String.class)).as("level 1 was cleared on return").isEmpty();
        a.put("after", "y");
        assertThat(redis.command("EXISTS", ns + ":c:after")).isEqualTo(":1");
    }

    @Test
    void closingAfterARedisRestartLeavesNoSubscriptionBehind(
            @Fresh RedisServer own, @Fresh @ClientName("it-restart-close") RedissonClient client) {
        GraceCache a = cache(client, "a", Duration.ofMinutes(1));
        // The only channel on this Redis is the cache's invalidation channel.
        assertThat(own.command("PUBSUB", "CHANNELS")).isEqualTo("*1");
        own.kill();
        own.restart();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            a.put("k", "v"); // a call that finds Redis back
            return a.stats().onRedis() && own.command("PUBSUB", "CHANNELS").equals("*1");
        });
        a.close();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> own.command("PUBSUB", "CHANNELS").equals("*0"));
    }

    @Test
    void anInstanceStartedWhileRedisIsDownWorksOnItsFallbackAndJoinsWhenRedisComes(@Fresh RedisServer own) {
        own.stop();
        // Built by hand, not injected: the clients must be created while this Redis is down.
        RedissonClient late = RedisClients.create(RedisUrl.parse(own.url()), "it-late");
        RedissonClient other = RedisClients.create(RedisUrl.parse(own.url()), "it-other");
        try {
            long start = System.nanoTime();
            GraceCache a = cache(late, "late", Duration.ofMinutes(1));
            System.out.printf("build() with Redis down took %d ms%n", (System.nanoTime() - start) / 1_000_000);
            assertThat(a.stats().onRedis()).isFalse();
            assertThat(a.getOrLoad("k", String.class, Duration.ofMinutes(1), () -> "loaded")).isEqualTo("loaded");

            own.restart();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().onRedis());
            GraceCache b = cache(other, "other", Duration.ofMinutes(1));
            a.put("shared", "v1");
            assertThat(a.get("shared", String.class)).contains("v1");
            // The subscription that failed at start was retried: B's update reaches A's level 1.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                b.put("shared", "v2");
                return a.get("shared", String.class).equals(Optional.of("v2"));
            });
        } finally {
            caches.forEach(GraceCache::close);
            caches.clear();
            late.shutdown();
            other.shutdown();
        }
    }

    @Test
    void keysWrittenWhileRedisWasDownAreDeletedThereWhenItReturns() {
        // A Redis that keeps its data (here: persistence) would otherwise serve the value from before the outage.
        try (RedisServer persistent = RedisServer.start(org.grace.testsupport.FreePorts.next(),
                List.of("--appendonly", "yes", "--appendfsync", "always"))) {
            RedissonClient client = RedisClients.create(RedisUrl.parse(persistent.url()), "it-persistent");
            try {
                GraceCache a = cache(client, "a", Duration.ofMinutes(1));
                a.put("k", "before-outage");
                persistent.stop();
                a.put("k", "during-outage");
                persistent.restart();
                assertThat(persistent.command("GET", ns + ":c:k")).isEqualTo("$15");
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> persistent.command("EXISTS", ns + ":c:k").equals(":0"));
                assertThat(a.get("k", String.class)).isEmpty();
            } finally {
                caches.forEach(GraceCache::close);
                caches.clear();
                client.shutdown();
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Submits {@code callers} calls of {@code call} to {@code pool}, released together once all are submitted. */
    private static <T> List<Future<T>> atOnce(ExecutorService pool, int callers, Callable<T> call) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> results = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return call.call();
            }));
        }
        start.countDown();
        return results;
    }
}
