package org.grace.benchmarks.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.grace.core.ratelimit.FallbackPolicy;
import org.grace.core.ratelimit.Limit;
import org.grace.core.ratelimit.RateLimitPolicy;
import org.grace.core.ratelimit.RateLimiter;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.grace.testsupport.RedisServer;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.protocol.Time;

/**
 * What a skewed application clock does to a shared limit: three "nodes" with clocks at -5 s, 0 and +5 s hammer one
 * key limited to 20 per second (burst 20), once through Bucket4j (whose client clock is injectable, as
 * {@code clientClock(TimeMeter)}) and once through Grace (whose clock is injectable too, but not used for Redis
 * decisions). Two scenarios: all nodes from the start for 3 s, and nodes joining one after the other (the -5 s node
 * at 0 s, the 0 node at 1 s, the +5 s node at 2 s, all until 3 s), as instances do when they start or come back.
 * Prints the admitted totals against the exact bound, capacity plus refill over Redis's own elapsed time.
 * Redisson's {@code RRateLimiter} takes no clock, so it cannot be skewed inside one process and is not shown.
 *
 * <p>A demonstration run by hand, not a test; the must-show test of Grace's immunity is
 * {@code MultiInstanceRateLimitIT} in grace-core-lib, with separate processes.
 */
public final class ClockSkewDemo {
    private static final long[] SKEWS_MILLIS = {-5000, 0, 5000};
    private static final long LIMIT = 20;
    private static final Duration RUN = Duration.ofSeconds(3);
    private static final int THREADS_PER_NODE = 2;

    private ClockSkewDemo() {
    }

    public static void main(String[] args) throws Exception {
        RedisServer redis = RedisServer.start();
        RedissonClient client = RedisClients.create(RedisUrl.parse(redis.url()), "clock-skew-demo");
        try {
            BucketConfiguration configuration = BucketConfiguration.builder()
                    .addLimit(limit -> limit.capacity(LIMIT).refillGreedy(LIMIT, Duration.ofSeconds(1))).build();
            List<java.util.function.Predicate<String>> bucket4j = new ArrayList<>();
            List<java.util.function.Predicate<String>> grace = new ArrayList<>();
            for (long skew : SKEWS_MILLIS) {
                TimeMeter clock = new TimeMeter() {
                    @Override
                    public long currentTimeNanos() {
                        return (System.currentTimeMillis() + skew) * 1_000_000L;
                    }

                    @Override
                    public boolean isWallClockBased() {
                        return true;
                    }
                };
                ProxyManager<String> proxies = Bucket4jRedisson
                        .casBasedBuilder(((Redisson) client).getCommandExecutor()).clientClock(clock).build();
                bucket4j.add(key -> proxies.builder().build(key, () -> configuration).tryConsume(1));
                RateLimiter limiter = RateLimiter.builder().redis(client).fallback(FallbackPolicy.failClosed())
                        .clock(Clock.offset(Clock.systemUTC(), Duration.ofMillis(skew)))
                        .policy(RateLimitPolicy.of("skew-demo", Limit.perSecond(LIMIT))).build();
                grace.add(key -> limiter.tryAcquire(key).allowed());
            }
            System.out.println("| Limiter | Admitted per node (-5 s, 0, +5 s) | Total | Exact bound | Over the bound |");
            System.out.println("|---|---|---:|---:|---:|");
            run("Bucket4j (Redisson CAS), together", bucket4j, client, "skew-a", 0);
            run("Grace RateLimiter, together", grace, client, "skew-a", 0);
            run("Bucket4j (Redisson CAS), joining 1 s apart", bucket4j, client, "skew-b", 1000);
            run("Grace RateLimiter, joining 1 s apart", grace, client, "skew-b", 1000);
        } finally {
            client.shutdown();
            redis.stop();
        }
    }

    private static void run(String name, List<java.util.function.Predicate<String>> nodes, RedissonClient client,
                            String key, long staggerMillis) throws Exception {
        long before = redisMicros(client);
        long start = System.nanoTime();
        long end = start + RUN.toNanos();
        List<AtomicLong> admitted = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            java.util.function.Predicate<String> node = nodes.get(n);
            long from = start + Duration.ofMillis(staggerMillis * n).toNanos();
            AtomicLong count = new AtomicLong();
            admitted.add(count);
            for (int t = 0; t < THREADS_PER_NODE; t++) {
                Thread thread = new Thread(() -> {
                    while (System.nanoTime() < from) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                    while (System.nanoTime() < end) {
                        if (node.test(key)) {
                            count.incrementAndGet();
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long elapsed = redisMicros(client) - before;
        long bound = LIMIT + (long) Math.floor(LIMIT * elapsed / 1e6);
        long total = admitted.stream().mapToLong(AtomicLong::get).sum();
        System.out.printf("| %s | %s | %d | %d | %s |%n", name, admitted, total, bound,
                total > bound ? String.format("%.2fx", (double) total / bound) : "no");
    }

    private static long redisMicros(RedissonClient client) {
        Time time = client.getRedisNodes(RedisNodes.SINGLE).getInstance().time();
        return time.getSeconds() * 1_000_000L + time.getMicroseconds();
    }
}
