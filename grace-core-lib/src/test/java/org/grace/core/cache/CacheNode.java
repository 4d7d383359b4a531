package org.grace.core.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.grace.core.InstanceId;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.redisson.api.RedissonClient;

/**
 * Another instance, in its own JVM, for {@link CacheAcrossProcessesIT}. Prints what it observes, one line each, for
 * the test to read.
 *
 * <ul>
 *   <li>{@code follow <redisUrl> <namespace> <key> <seconds>}: reads {@code key} every half millisecond and prints
 *       {@code SEEN n epochMicros} whenever the {@link Version} changes; stops at version -1 and prints its stats.</li>
 *   <li>{@code staleness <redisUrl> <namespace> <key> <file> <localTtlMs> <seconds>}: getOrLoad in a loop, loading
 *       from {@code file} (the "database"), and prints the worst staleness it was served (from {@code file.history}) and any exception.</li>
 * </ul>
 */
public final class CacheNode {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        RedissonClient client = RedisClients.create(RedisUrl.parse(args[1]), "node-" + mode);
        try {
            switch (mode) {
                case "follow" -> follow(client, args[2], args[3], Integer.parseInt(args[4]));
                case "staleness" -> staleness(client, args[2], args[3], Path.of(args[4]),
                        Duration.ofMillis(Long.parseLong(args[5])), Integer.parseInt(args[6]));
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        } finally {
            client.shutdown();
        }
        System.exit(0);
    }

    private static void follow(RedissonClient client, String ns, String key, int seconds) {
        try (GraceCache cache = GraceCache.builder().redis(client).namespace(ns).instanceId(InstanceId.of("B"))
                .build()) {
            awaitSubscribed(cache);
            println("READY");
            int last = Integer.MIN_VALUE;
            long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            while (System.nanoTime() < deadline) {
                Optional<Version> v = cache.get(key, Version.class);
                if (v.isPresent() && v.get().n() != last) {
                    last = v.get().n();
                    println("SEEN " + last + " " + epochMicros());
                    if (last == -1) {
                        break;
                    }
                }
                LockSupport.parkNanos(500_000);
            }
            CacheStats s = cache.stats();
            println("STATS localHits=" + s.localHits() + " redisHits=" + s.redisHits() + " received="
                    + s.invalidationsReceived());
        }
    }

    private static void staleness(RedissonClient client, String ns, String key, Path file, Duration localTtl,
                                  int seconds) throws IOException {
        long reads = 0;
        long exceptions = 0;
        long maxCallMicros = 0;
        long fromFallback = 0;
        // Per version, the latest read that returned it: when that read started and when it returned. A read may
        // return any value current at some point during the call, so staleness is judged from its start; the
        // figure from its return is printed too.
        Map<Integer, long[]> lastServed = new HashMap<>();
        CacheStats stats;
        try (GraceCache cache = GraceCache.builder().redis(client).namespace(ns).instanceId(InstanceId.of("B"))
                .localTtl(localTtl).probeInterval(Duration.ofMillis(200)).build()) {
            awaitSubscribed(cache);
            println("READY");
            long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            while (System.nanoTime() < deadline) {
                long start = System.nanoTime();
                long startMillis = System.currentTimeMillis();
                try {
                    Version v = cache.getOrLoad(key, Version.class, Duration.ofMinutes(5), () -> readFile(file));
                    lastServed.put(v.n(), new long[] {startMillis, System.currentTimeMillis()});
                    reads++;
                    if (!cache.stats().onRedis()) {
                        fromFallback++;
                    }
                } catch (RuntimeException e) {
                    exceptions++;
                    println("EXCEPTION " + e);
                }
                maxCallMicros = Math.max(maxCallMicros, (System.nanoTime() - start) / 1_000);
                LockSupport.parkNanos(1_000_000);
            }
            stats = cache.stats();
        }
        // Stale means: served version n at a time when version n+1 was already in the database. The writer logs
        // every version with the time it wrote it to <file>.history.
        Map<Integer, Long> writtenAt = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(file + ".history"))) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 2) {
                writtenAt.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
            }
        }
        long maxStaleness = 0;
        long maxAtReturn = 0;
        int worst = -1;
        for (Map.Entry<Integer, long[]> served : lastServed.entrySet()) {
            Long next = writtenAt.get(served.getKey() + 1);
            if (next == null) {
                continue;
            }
            maxAtReturn = Math.max(maxAtReturn, served.getValue()[1] - next);
            if (served.getValue()[0] - next > maxStaleness) {
                maxStaleness = served.getValue()[0] - next;
                worst = served.getKey();
            }
        }
        println("DONE reads=" + reads + " exceptions=" + exceptions + " maxStalenessMs=" + maxStaleness
                + " (version " + worst + ") maxStalenessAtReturnMs=" + maxAtReturn + " versionsSeen="
                + lastServed.size() + " maxCallMs="
                + maxCallMicros / 1000 + " readsOnFallback=" + fromFallback + " stats=" + stats);
    }

    /** A build-time subscription that timed out on a loaded machine is retried; READY means really subscribed. */
    private static void awaitSubscribed(GraceCache cache) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!((TwoLevelCache) cache).isSubscribed() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000_000);
        }
    }

    static Version readFile(Path file) {
        try {
            String[] parts = Files.readString(file).trim().split(" ");
            return new Version(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private static void println(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
