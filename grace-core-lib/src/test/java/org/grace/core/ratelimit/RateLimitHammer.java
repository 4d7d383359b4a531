package org.grace.core.ratelimit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.redisson.api.RedissonClient;

/**
 * One "instance" of a multi-process test, run in its own JVM: builds limiters on the shared Redis, prints READY,
 * waits for the go file, hammers its keys from several threads for a fixed time, and prints one RESULT line per
 * policy: {@code RESULT <policy> allowed=<n> denied=<n> fallback=<n> errors=<n> leased=<n>}.
 *
 * <p>Arguments: redisUrl goFile durationMillis threads skewMillis policy:capacity:periodMillis[:maxLease]...
 * Each policy is a token bucket limiter on key "shared"; a name ending in {@code -skewed} gets a clock skewed by
 * skewMillis, any other the system clock; a {@code maxLease} above 1 turns leasing on (one-second life).
 */
public final class RateLimitHammer {
    private RateLimitHammer() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path goFile = Path.of(args[1]);
        long durationNanos = Duration.ofMillis(Long.parseLong(args[2])).toNanos();
        int threads = Integer.parseInt(args[3]);
        Duration skew = Duration.ofMillis(Long.parseLong(args[4]));
        RedissonClient client = RedisClients.create(RedisUrl.parse(url), "hammer");
        List<RateLimiter> limiters = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            String[] spec = args[i].split(":");
            Clock clock = spec[0].endsWith("-skewed") ? Clock.offset(Clock.systemUTC(), skew) : Clock.systemUTC();
            RateLimiter.Builder builder = RateLimiter.builder().redis(client).clock(clock)
                    .fallback(FallbackPolicy.failClosed())
                    .policy(RateLimitPolicy.of(spec[0], Limit.tokenBucket(Long.parseLong(spec[1]),
                            Duration.ofMillis(Long.parseLong(spec[2])))));
            if (spec.length > 3) {
                builder.leases(Integer.parseInt(spec[3]), Duration.ofSeconds(1));
            }
            limiters.add(builder.build());
        }
        // Warm up the connection and the script cache on a key nobody counts.
        for (int i = 0; i < 50; i++) {
            limiters.get(0).tryAcquire("warm-up-" + ProcessHandle.current().pid());
        }
        System.out.println("READY");
        long waitUntil = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.exists(goFile) && System.nanoTime() < waitUntil) {
            Thread.sleep(2);
        }
        int n = limiters.size();
        AtomicLong[] allowed = counters(n);
        AtomicLong[] denied = counters(n);
        AtomicLong[] fallback = counters(n);
        AtomicLong[] errors = counters(n);
        AtomicLong[] leased = counters(n);
        long start = System.nanoTime();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                long calls = 0;
                while (System.nanoTime() - start < durationNanos && calls < 10_000_000) {
                    int i = (int) (calls++ % n);
                    try {
                        RateLimitDecision d = limiters.get(i).tryAcquire("shared");
                        (d.allowed() ? allowed : denied)[i].incrementAndGet();
                        if (d.source() == RateLimitDecision.Source.LEASED) {
                            leased[i].incrementAndGet();
                        } else if (d.isFallback()) {
                            fallback[i].incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        errors[i].incrementAndGet();
                    }
                }
            });
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        for (int i = 0; i < n; i++) {
            System.out.printf("RESULT %s allowed=%d denied=%d fallback=%d errors=%d leased=%d%n",
                    limiters.get(i).policy().name(), allowed[i].get(), denied[i].get(), fallback[i].get(),
                    errors[i].get(), leased[i].get());
        }
        System.out.println("DONE");
        client.shutdown();
    }

    private static AtomicLong[] counters(int n) {
        AtomicLong[] counters = new AtomicLong[n];
        for (int i = 0; i < n; i++) {
            counters[i] = new AtomicLong();
        }
        return counters;
    }
}
