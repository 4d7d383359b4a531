package org.grace.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grace.core.InstanceId;
import org.grace.core.redis.ClientName;
import org.grace.core.redis.WithRedisson;
import org.grace.testsupport.ChildJvm;
import org.grace.testsupport.ProjectLayout;
import org.grace.testsupport.Fresh;
import org.grace.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Claims about instances, with instances as separate JVMs: this test's JVM is instance A, {@link CacheNode} children
 * are B. One Redis per test ({@code @Fresh}), so that a restart in one test cannot touch another.
 */
@WithRedisson
class CacheAcrossProcessesIT {
    private static final int TRIALS = 200;

    @Test
    void aPutOnAIsReadOnBAndUpdatesReachBWithin100MillisecondsAtP99(
            @Fresh RedisServer redis, @Fresh @ClientName("it-a") RedissonClient client) throws Exception {
        try (GraceCache a = GraceCache.builder().redis(client).namespace("p99").instanceId(InstanceId.of("A"))
                .build();
             ChildJvm b = ChildJvm.builder(CacheNode.class).name("follower-B")
                     .args("follow", redis.url(), "p99", "k", "120").start()) {
            b.awaitLine("^READY", Duration.ofSeconds(30));

            a.put("k", new Version(0, System.currentTimeMillis()));
            b.awaitLine("^SEEN 0 ", Duration.ofSeconds(10));

            List<Long> micros = new ArrayList<>();
            StringBuilder slow = new StringBuilder();
            for (int i = 1; i <= TRIALS; i++) {
                // Let B serve version i-1 from its level 1 for a while (level-1 TTL is 5 s) before A updates.
                Thread.sleep(ThreadLocalRandom.current().nextInt(5, 25));
                long start = CacheNode.epochMicros();
                a.put("k", new Version(i, System.currentTimeMillis()));
                String line = b.awaitLine("^SEEN " + i + " ", Duration.ofSeconds(10));
                long took = Long.parseLong(line.trim().split(" ")[2]) - start;
                micros.add(took);
                if (took > 20_000) {
                    slow.append(String.format(" #%d:%.1fms", i, took / 1000.0));
                }
            }
            a.put("k", new Version(-1, System.currentTimeMillis()));
            String stats = b.awaitLine("^STATS", Duration.ofSeconds(10));

            Collections.sort(micros);
            long p50 = percentile(micros, 50);
            long p90 = percentile(micros, 90);
            long p99 = percentile(micros, 99);
            long max = micros.get(micros.size() - 1);
            System.out.printf("update on A -> new value on B, %d trials: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
                    + " max %.2f ms; B %s%n", TRIALS, p50 / 1000.0, p90 / 1000.0, p99 / 1000.0, max / 1000.0,
                    stats);
            System.out.println("trials over 20 ms:" + (slow.length() == 0 ? " none" : slow));
            assertThat(p99).as("p99 update propagation in microseconds").isLessThanOrEqualTo(100_000);

            // B really served from its level 1 between updates, so it was the invalidation that made it see them.
            long localHits = number(stats, "localHits");
            long redisHits = number(stats, "redisHits");
            assertThat(localHits).isGreaterThan(10 * redisHits);
            assertThat(number(stats, "received")).isGreaterThanOrEqualTo(TRIALS);
        }
    }

    @Test
    void redisStoppedAndRestartedMidRunThrowsNothingAndNeverServesAValueOlderThanTheLevel1Ttl(
            @Fresh RedisServer redis, @Fresh @ClientName("it-a") RedissonClient client) throws Exception {
        Duration localTtl = Duration.ofSeconds(1);
        long writeEveryMillis = 50;
        Path dir = ProjectLayout.scratch("cache-restart-");
        Path database = dir.resolve("version.txt");
        writeVersion(dir, database, 0);
        try (GraceCache a = GraceCache.builder().redis(client).namespace("restart").instanceId(InstanceId.of("A"))
                .localTtl(localTtl).probeInterval(Duration.ofMillis(200)).build();
             ChildJvm b = ChildJvm.builder(CacheNode.class).name("reader-B")
                     .args("staleness", redis.url(), "restart", "k", database.toString(),
                             Long.toString(localTtl.toMillis()), "14").start()) {
            b.awaitLine("^READY", Duration.ofSeconds(30));
            int exceptionsOnA = 0;
            long maxCallOnA = 0;
            long startedAt = System.nanoTime();
            int n = 0;
            boolean stopped = false;
            boolean restarted = false;
            // A is the writer: the database first, then the cache, as an application would.
            while (System.nanoTime() - startedAt < Duration.ofSeconds(12).toNanos()) {
                long elapsedMs = (System.nanoTime() - startedAt) / 1_000_000;
                if (!stopped && elapsedMs > 3_000) {
                    redis.stop();
                    stopped = true;
                }
                if (!restarted && elapsedMs > 7_000) {
                    redis.restart();
                    restarted = true;
                }
                n++;
                long t0 = System.nanoTime();
                try {
                    Version v = writeVersion(dir, database, n);
                    a.put("k", v);
                    a.get("k", Version.class);
                } catch (RuntimeException e) {
                    exceptionsOnA++;
                    System.out.println("A: " + e);
                }
                maxCallOnA = Math.max(maxCallOnA, (System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(writeEveryMillis);
            }
            String done = b.awaitLine("^DONE", Duration.ofSeconds(30));
            System.out.println("A: " + n + " writes, " + exceptionsOnA + " exceptions, slowest put+get "
                    + maxCallOnA + " ms, " + a.stats());
            System.out.println("B: " + done);
            assertThat(exceptionsOnA).isZero();
            assertThat(number(done, "exceptions")).isZero();
            assertThat(number(done, "readsOnFallback")).as("B really ran on its fallback").isPositive();
            assertThat(number(done, "reads")).isGreaterThan(1_000);
            assertThat(number(done, "versionsSeen")).as("B followed the writes").isGreaterThan(n / 4);
            // Staleness: B served version v after v+1 was in the database. The cache learns of v+1 only when A's put
            // of it arrives, so the bound is the level-1 TTL plus A's longest database-write-to-put time (which grows
            // while Redis is down: a put waits for its timeout), plus slack for scheduling on a shared 2-core machine.
            // With the TTL alone as the bound this failed on a quiet machine (1321 ms against 1250, A's slowest
            // write+put+get 890 ms): the measure starts at the database write, before the cache could know.
            assertThat(number(done, "maxStalenessMs")).isLessThanOrEqualTo(localTtl.toMillis() + maxCallOnA + 250);
        }
    }

    private static Version writeVersion(Path dir, Path database, int n) {
        Version v = new Version(n, System.currentTimeMillis());
        try {
            Files.writeString(Path.of(database + ".history"), v.n() + " " + v.writtenAtMillis() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Path tmp = Files.createTempFile(dir, "v", ".tmp");
            Files.writeString(tmp, v.n() + " " + v.writtenAtMillis());
            Files.move(tmp, database, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return v;
    }

    static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static long number(String line, String name) {
        Matcher m = Pattern.compile(name + "=(\\d+)").matcher(line);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in: " + line);
        }
        return Long.parseLong(m.group(1));
    }
}
