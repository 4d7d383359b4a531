package org.grace.benchmarks.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.grace.core.ratelimit.FallbackPolicy;
import org.grace.core.ratelimit.Limit;
import org.grace.core.ratelimit.RateLimitDecision;
import org.grace.core.ratelimit.RateLimitPolicy;
import org.grace.core.ratelimit.RateLimiter;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.grace.testsupport.RedisServer;
import org.redisson.Redisson;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.RedisCommands;
import org.redisson.command.CommandAsyncExecutor;

/**
 * Grace's rate limiter against Redisson's {@code RRateLimiter}, Bucket4j on Redisson, and a raw {@code PING} (the
 * floor: one round trip), all through one Redisson client on one throwaway Redis, with the same caller threads.
 *
 * <p>Each contender runs, in turn, for a warm-up and then a measured period at 1, 8 and 64 caller threads, in two
 * workloads: 1024 keys picked at random (mostly admitted, the everyday case) and one hot key everybody hits (mostly
 * denied, an attack or a popular resource). Every limit is 1000 per second with a burst of 1000. Each call is timed
 * on the caller thread; throughput counts the calls completed in the measured period. Prints Markdown.
 *
 * <p>System properties: {@code warmupMillis} (1000), {@code measureSeconds} (6), {@code threads} ("1,8,64"),
 * {@code workloads} ("1024 keys,1 hot key"), {@code contenders} (a subset by first word, e.g. "Grace,Redis"),
 * {@code commandStats} (print Redis's per-command counts after each cell).
 *
 * <p>Beside the Markdown it prints every figure as a machine-readable line ({@link RateLimitReport}), which
 * {@code grace-benchmarks/library/run.sh} turns into medians over runs.
 */
public final class RateLimitBenchmark {
    private static final int KEYS = 1024;
    private static final long LIMIT_PER_SECOND = 1000;
    private static final int ROUNDS = 8;

    private RateLimitBenchmark() {
    }

    /** A rate limiter under test, by name; {@code decider} makes one decision (or one PING), true when admitted. */
    record Contender(String name, Predicate<String> decider) {
        boolean decide(String key) {
            return decider.test(key);
        }
    }

    record Result(String workload, int threads, String contender, LatencyHistogram latencies, long allowed,
                  long errors, long fallbacks, long measuredNanos, long calls, long redisCpuMicros) {
        /** Redis's own CPU time (user + system, from INFO cpu) per call, warm-up calls included. */
        double redisCpuPerCall() {
            return calls == 0 ? 0 : (double) redisCpuMicros / calls;
        }

        double perSecond() {
            return latencies.count() / (Math.max(measuredNanos, 1) / 1e9);
        }

        double allowedShare() {
            return latencies.count() == 0 ? 0 : (double) allowed / latencies.count();
        }

        long p50() {
            return latencies.quantile(0.50);
        }

        long p99() {
            return latencies.quantile(0.99);
        }

        Result plus(Result other) {
            LatencyHistogram merged = new LatencyHistogram();
            merged.add(latencies);
            merged.add(other.latencies);
            return new Result(workload, threads, contender, merged, allowed + other.allowed, errors + other.errors,
                    fallbacks + other.fallbacks, measuredNanos + other.measuredNanos, calls + other.calls,
                    redisCpuMicros + other.redisCpuMicros);
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    public static void main(String[] args) throws Exception {
        Duration warmup = Duration.ofMillis(Long.getLong("warmupMillis", 1000));
        Duration measure = Duration.ofSeconds(Long.getLong("measureSeconds", 6));
        int[] threadCounts = java.util.Arrays.stream(System.getProperty("threads", "1,8,64").split(","))
                .mapToInt(Integer::parseInt).toArray();
        RedisServer redis = RedisServer.start();
        RedissonClient client = RedisClients.create(RedisUrl.parse(redis.url()), "ratelimit-benchmark");
        try {
            String version = client.getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE).getInstance()
                    .info(org.redisson.api.redisnode.RedisNode.InfoSection.SERVER).get("redis_version");
            System.out.printf("Started %s; Redis %s on %s; %d cores; JVM %s; warm-up %s, measured %s per cell%n%n",
                    Instant.now(), version, redis.url(), Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.version"), warmup, measure);
            AtomicLong graceFallbacks = new AtomicLong();
            List<Contender> contenders = List.of(ping(client),
                    grace(client, graceFallbacks, true, GRACE), grace(client, graceFallbacks, false, GRACE_EVERY_CALL),
                    redisson(client), bucket4j(client));
            // JIT and connection warm-up for everybody before anything is measured.
            System.out.printf("Load average (1, 5, 15 min) at the start: %s%n", loadAverage());
            for (Contender c : contenders) {
                run(c, "1024 keys", 8, Duration.ofSeconds(2), Duration.ZERO, graceFallbacks, redis.port());
            }
            String only = System.getProperty("contenders", "");
            if (!only.isEmpty()) {
                contenders = contenders.stream().filter(c -> only.contains(c.name().split(" ")[0])).toList();
            }
            List<Result> results = new ArrayList<>();
            for (String workload : System.getProperty("workloads", "1024 keys,1 hot key").split(",")) {
                for (int threads : threadCounts) {
                    // Rounds in alternating order, so a change in background load during a cell does not favour
                    // whoever runs first; each round gets its share of the warm-up and of the measured time.
                    Map<String, Result> cell = new LinkedHashMap<>();
                    for (int round = 0; round < ROUNDS; round++) {
                        List<Contender> order = new ArrayList<>(contenders);
                        if (round % 2 == 1) {
                            java.util.Collections.reverse(order);
                        }
                        for (Contender c : order) {
                            Result r = run(c, workload, threads, warmup.dividedBy(ROUNDS), measure.dividedBy(ROUNDS),
                                    graceFallbacks, redis.port());
                            cell.merge(c.name(), r, Result::plus);
                            if (Boolean.getBoolean("commandStats")) {
                                System.out.println("    " + c.name() + ": " + commandStats(redis));
                            }
                        }
                    }
                    for (Contender c : contenders) {
                        Result r = cell.get(c.name());
                        System.out.printf(Locale.ROOT, "  %-10s %3d threads %-24s %9.0f/s p50 %6d us p99 %6d us%n",
                                workload, threads, c.name(), r.perSecond(), r.p50() / 1000, r.p99() / 1000);
                        results.add(r);
                    }
                }
            }
            System.out.printf("%nLoad average (1, 5, 15 min) at the end: %s%n", loadAverage());
            RateLimitReport.print(results);
        } finally {
            client.shutdown();
            redis.stop();
        }
    }

    private static Result run(Contender contender, String workload, int threads, Duration warmup, Duration measure,
                              AtomicLong graceFallbacks, int redisPort) throws InterruptedException {
        boolean hot = workload.equals("1 hot key");
        long fallbacksBefore = graceFallbacks.get();
        long start = System.nanoTime() + Duration.ofMillis(50).toNanos();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        LatencyHistogram[] histograms = new LatencyHistogram[threads];
        long[] allowed = new long[threads];
        long[] errors = new long[threads];
        long[] calls = new long[threads];
        long cpuBefore = redisCpuMicros(redisPort);
        Thread[] workers = new Thread[threads];
        String prefix = contender.name().replaceAll("\\W", "") + ":" + workload.replaceAll("\\W", "") + ":";
        for (int t = 0; t < threads; t++) {
            LatencyHistogram histogram = histograms[t] = new LatencyHistogram();
            int index = t;
            workers[t] = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < start) {
                    Thread.onSpinWait();
                }
                long now;
                while ((now = System.nanoTime()) < end) {
                    String key = prefix + (hot ? "hot" : Integer.toString(random.nextInt(KEYS)));
                    boolean ok;
                    try {
                        ok = contender.decide(key);
                    } catch (RuntimeException e) {
                        errors[index]++;
                        continue;
                    }
                    long done = System.nanoTime();
                    calls[index]++;
                    if (now >= measureFrom && done <= end) {
                        histogram.record(done - now);
                        if (ok) {
                            allowed[index]++;
                        }
                    }
                }
            }, "caller-" + t);
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        LatencyHistogram all = new LatencyHistogram();
        long allowedTotal = 0;
        long errorTotal = 0;
        for (int t = 0; t < threads; t++) {
            all.add(histograms[t]);
            allowedTotal += allowed[t];
            errorTotal += errors[t];
        }
        long cpu = redisCpuMicros(redisPort) - cpuBefore;
        long callTotal = java.util.Arrays.stream(calls).sum();
        return new Result(workload, threads, contender.name(), all, allowedTotal, errorTotal,
                graceFallbacks.get() - fallbacksBefore, measure.toNanos(), callTotal, cpu);
    }

    /** used_cpu_user + used_cpu_sys of the Redis process, in microseconds. */
    private static long redisCpuMicros(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("INFO cpu\r\n".getBytes());
            socket.setSoTimeout(1000);
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream()));
            double seconds = 0;
            int found = 0;
            String line;
            while (found < 2 && (line = in.readLine()) != null) {
                if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                    seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                    found++;
                }
            }
            return Math.round(seconds * 1e6);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Redis's own count of commands (scripts' inner calls included) and their server time, then reset. */
    private static String commandStats(RedisServer redis) {
        StringBuilder sb = new StringBuilder();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", redis.port())) {
            socket.getOutputStream().write("INFO commandstats\r\nCONFIG RESETSTAT\r\n".getBytes());
            socket.setSoTimeout(1000);
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream()));
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("+OK")) {
                if (line.startsWith("cmdstat_")) {
                    sb.append(line.replaceAll(",rejected_calls=\\d+,failed_calls=\\d+", "")).append("; ");
                }
            }
        } catch (java.io.IOException e) {
            sb.append(e);
        }
        return sb.toString();
    }

    private static Contender ping(RedissonClient client) {
        CommandAsyncExecutor executor = ((Redisson) client).getCommandExecutor();
        return new Contender("Redis PING (floor)", key -> {
            Object reply = executor.get(executor.writeAsync(key, StringCodec.INSTANCE, RedisCommands.PING));
            return "PONG".equals(reply);
        });
    }

    /** Grace as built by default: Redis's denials are remembered until their retry-after. */
    static final String GRACE = "Grace RateLimiter";
    /**
     * Grace with every decision a script call of its own on Redis (no batching, no memory of denials) and a caller
     * that parks at once as Redisson's do (no spinning), for a like-for-like comparison of one decision's round trip.
     */
    static final String GRACE_EVERY_CALL = "Grace, one call per decision";

    private static Contender grace(RedissonClient client, AtomicLong fallbacks, boolean rememberDenials, String name) {
        // Fail-closed so that a fallback could never pass for a fast admission; fallbacks are counted and shown.
        // Each variant has its own policy name, so their keys in Redis are apart.
        RateLimiter.Builder builder = RateLimiter.builder().redis(client).fallback(FallbackPolicy.failClosed())
                .rememberDenials(rememberDenials);
        if (!rememberDenials) {
            builder.batching(Integer.MAX_VALUE, 1).spinWait(Duration.ZERO);
        } else {
            if (System.getProperty("graceBatching") != null) {
                // Tuning runs: -DgraceBatching=inFlight,maxBatch (the library's defaults otherwise).
                String[] batching = System.getProperty("graceBatching").split(",");
                builder.batching(Integer.parseInt(batching[0].trim()), Integer.parseInt(batching[1].trim()));
            }
            if (System.getProperty("graceSpinMicros") != null) {
                // Tuning runs: -DgraceSpinMicros=n (0: park at once).
                builder.spinWait(Duration.ofNanos(1000 * Long.getLong("graceSpinMicros")));
            }
        }
        RateLimiter limiter = builder
                .policy(RateLimitPolicy.of(rememberDenials ? "bench" : "bench-every-call",
                        Limit.perSecond(LIMIT_PER_SECOND))).build();
        return new Contender(name, key -> {
            RateLimitDecision d = limiter.tryAcquire(key);
            if (d.isFallback()) {
                fallbacks.incrementAndGet();
            }
            return d.allowed();
        });
    }

    private static Contender redisson(RedissonClient client) {
        Map<String, RRateLimiter> limiters = new ConcurrentHashMap<>();
        return new Contender("Redisson RRateLimiter", key -> {
            // Configured once per key (trySetRate is a round trip of its own), as an application would.
            RRateLimiter limiter = limiters.computeIfAbsent(key, k -> {
                RRateLimiter l = client.getRateLimiter(k);
                l.trySetRate(RateType.OVERALL, LIMIT_PER_SECOND, Duration.ofSeconds(1));
                return l;
            });
            return limiter.tryAcquire();
        });
    }

    private static Contender bucket4j(RedissonClient client) {
        ProxyManager<String> proxies = Bucket4jRedisson.casBasedBuilder(((Redisson) client).getCommandExecutor())
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .build();
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(LIMIT_PER_SECOND)
                        .refillGreedy(LIMIT_PER_SECOND, Duration.ofSeconds(1)))
                .build();
        Map<String, BucketProxy> buckets = new ConcurrentHashMap<>();
        return new Contender("Bucket4j (Redisson CAS)", key -> buckets.computeIfAbsent(key,
                k -> proxies.builder().build(k, () -> configuration)).tryConsume(1));
    }
}
