package org.grace.benchmarks.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.grace.benchmarks.ResultsTable;
import org.grace.core.cache.GraceCache;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.grace.testsupport.RedisServer;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.codec.TypedJsonJacksonCodec;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The cache benchmark in one command: one throwaway Redis, Grace against its peers, printed as Markdown with the
 * issue's goals. About one minute; with {@code --jmh}, the JMH classes run after it against the same Redis
 * (three more minutes). Beside the Markdown it prints every figure as a {@link ResultsTable} line, which
 * {@code grace-benchmarks/library/run.sh} turns into medians over runs.
 *
 * <p>Measured <em>paired</em>: the contenders of a comparison take turns in short rounds (throughput) or op by op
 * (latency) in one JVM, so a build starting on a shared 2-core machine slows all of them alike instead of whichever
 * happened to run then. Ratios are medians of per-round ratios. The JMH classes next to this one
 * ({@link LocalHitBenchmark}, {@link RedisHitBenchmark}, {@link WriteBenchmark}) measure the same paths the
 * classic way, for a quiet machine.
 *
 * <pre>
 * mvn -B -q -pl grace-benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp grace-benchmarks/target/classes:$(cat grace-benchmarks/target/classpath.txt) \
 *     org.grace.benchmarks.cache.CacheBenchmark --jmh
 * </pre>
 */
public final class CacheBenchmark {
    private static final int KEYS = BenchRedis.KEYS;
    private static final int ROUNDS = Integer.getInteger("rounds", 40);
    private static final long ROUND_NANOS = Duration.ofMillis(100).toNanos();
    private static final int LATENCY_SAMPLES = Integer.getInteger("samples", 20_000);
    private static volatile long sink;

    private CacheBenchmark() {
    }

    public static void main(String[] args) throws RunnerException {
        StringBuilder report = new StringBuilder();
        try (RedisServer redis = RedisServer.start()) {
            System.setProperty(BenchRedis.URL_PROPERTY, redis.url());
            RedissonClient client = RedisClients.create(RedisUrl.parse(redis.url()), "bench");
            try {
                report.append(localHits(client));
                report.append(redisHits(client));
                report.append(writes(client));
            } finally {
                client.shutdown();
            }
            if (Arrays.asList(args).contains("--jmh")) {
                report.append(jmh(redis.url()));
            }
        }
        System.out.println();
        System.out.println(report);
        ResultsTable.columns("Goals (issue 4)", "ratio");
        GOALS.forEach((row, ratio) -> ResultsTable.cell("Goals (issue 4)", row, "value", ratio, 2));
    }

    // ------------------------------------------------------------------------------------ level-1 hits

    private static String localHits(RedissonClient client) {
        GraceCache grace = BenchRedis.grace(client, GraceCache.DEFAULT_LOCAL_MAX_SIZE);
        Cache<String, Object> caffeine = Caffeine.newBuilder().maximumSize(GraceCache.DEFAULT_LOCAL_MAX_SIZE)
                .expireAfterWrite(BenchRedis.LOCAL_TTL).build();
        RLocalCachedMap<String, BenchResident> lcm = BenchRedis.localCachedMap(client);
        String[] keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = BenchRedis.key(i);
            grace.put(keys[i], BenchResident.of(i));
            caffeine.put(keys[i], BenchResident.of(i));
            lcm.fastPut(keys[i], BenchResident.of(i));
        }
        Map<String, IntPredicate> contenders = new LinkedHashMap<>();
        contenders.put("Caffeine `getIfPresent`, used directly", i -> caffeine.getIfPresent(keys[i]) != null);
        contenders.put("Grace `get` (level-1 hit)", i -> grace.get(keys[i], BenchResident.class).isPresent());
        contenders.put("Redisson `RLocalCachedMap.get` (local hit)", i -> lcm.get(keys[i]) != null);
        // Warm-up: the JIT compiles each path before anything is recorded.
        for (int w = 0; w < 10; w++) {
            contenders.values().forEach(c -> opsPerMicro(c, Duration.ofMillis(150).toNanos()));
        }
        long hitsBefore = grace.stats().localHits();
        Map<String, double[]> perRound = new LinkedHashMap<>();
        contenders.keySet().forEach(k -> perRound.put(k, new double[ROUNDS]));
        List<String> names = new ArrayList<>(contenders.keySet());
        for (int round = 0; round < ROUNDS; round++) {
            for (int j = 0; j < names.size(); j++) {
                // Rotate who goes first, so none always runs right after a GC or a neighbour's burst.
                String name = names.get((round + j) % names.size());
                perRound.get(name)[round] = opsPerMicro(contenders.get(name), ROUND_NANOS);
            }
        }
        if (grace.stats().localHits() == hitsBefore || grace.stats().redisHits() > KEYS) {
            throw new IllegalStateException("Grace did not serve from level 1: " + grace.stats());
        }
        grace.close();
        double[] caffeineRounds = perRound.get(names.get(0));
        StringBuilder out = new StringBuilder("### Level-1 hit throughput (1 thread, 1,024 keys, higher is better)\n\n");
        out.append("| path | ops/us, median of ").append(ROUNDS).append(" rounds | min-max | vs Caffeine (median of "
                + "per-round ratios) |\n|---|---:|---:|---:|\n");
        for (String name : names) {
            double[] rounds = perRound.get(name);
            out.append(String.format("| %s | %.2f | %.2f-%.2f | %.2fx |%n", name, median(rounds),
                    Arrays.stream(rounds).min().orElse(0), Arrays.stream(rounds).max().orElse(0),
                    medianRatio(rounds, caffeineRounds)));
        }
        String table = "Level-1 hit throughput (1 thread, 1,024 keys, higher is better)";
        ResultsTable.columns(table, "path");
        for (String name : names) {
            ResultsTable.cell(table, name, "ops/us, median of " + ROUNDS + " rounds", median(perRound.get(name)), 2);
            ResultsTable.cell(table, name, "vs Caffeine (median of per-round ratios)",
                    medianRatio(perRound.get(name), caffeineRounds), 2);
        }
        double ratio = medianRatio(perRound.get(names.get(1)), caffeineRounds);
        goal("level-1 hit throughput, Grace / Caffeine, paired (goal >= 0.8)", ratio);
        goal("level-1 hit throughput, Grace / RLocalCachedMap, paired",
                medianRatio(perRound.get(names.get(1)), perRound.get(names.get(2))));
        out.append(String.format("%nGoal: Grace level-1 hit >= 0.8x Caffeine: **%.2fx, %s**. Grace against "
                + "RLocalCachedMap: %.1fx.%n%n", ratio, ratio >= 0.8 ? "holds" : "missed",
                medianRatio(perRound.get(names.get(1)), perRound.get(names.get(2)))));
        return out.toString();
    }

    private static double opsPerMicro(IntPredicate op, long windowNanos) {
        long start = System.nanoTime();
        long end = start + windowNanos;
        long ops = 0;
        int found = 0;
        int i = 0;
        long now;
        do {
            for (int k = 0; k < 256; k++) {
                if (op.test(i)) {
                    found++;
                }
                i = (i + 1) & (KEYS - 1);
            }
            ops += 256;
            now = System.nanoTime();
        } while (now < end);
        sink += found;
        return ops / ((now - start) / 1_000.0);
    }

    // ------------------------------------------------------------------------------------ level-2 hits

    private static String redisHits(RedissonClient client) {
        GraceCache grace = BenchRedis.grace(client, 0);
        TypedJsonJacksonCodec json = new TypedJsonJacksonCodec(BenchResident.class, new ObjectMapper());
        String[] keys = new String[KEYS];
        String[] redisKeys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = BenchRedis.key(i);
            redisKeys[i] = "bench:c:" + keys[i];
            grace.put(keys[i], BenchResident.of(i));
        }
        if (!BenchResident.of(7).equals(client.getBucket(redisKeys[7], json).get())) {
            throw new IllegalStateException("the peers do not read the same value");
        }
        Map<String, IntFunction<Object>> contenders = new LinkedHashMap<>();
        contenders.put("Redisson `RBucket.get`, JSON codec to the record",
                i -> client.getBucket(redisKeys[i], json).get());
        contenders.put("Redisson `RBucket.get`, raw bytes (no decode: the round trip alone)",
                i -> client.getBucket(redisKeys[i], ByteArrayCodec.INSTANCE).get());
        contenders.put("Grace `get`, level 1 off (GET + JSON decode)",
                i -> grace.get(keys[i], BenchResident.class).orElse(null));
        Map<String, long[]> samples = interleavedLatencies(contenders);
        long redisHits = grace.stats().redisHits();
        grace.close();
        if (redisHits < LATENCY_SAMPLES) {
            throw new IllegalStateException("Grace did not read from Redis: " + redisHits + " Redis hits");
        }
        return latencyTable("Level-2 hit latency (1 thread, microseconds, lower is better)", samples,
                "Goal: Grace level-2 hit within 1.1x of `RBucket.get` (same JSON, same record)", 1.1);
    }

    // ------------------------------------------------------------------------------------ writes

    private static String writes(RedissonClient client) {
        GraceCache grace = BenchRedis.grace(client, GraceCache.DEFAULT_LOCAL_MAX_SIZE);
        RLocalCachedMap<String, BenchResident> lcm = BenchRedis.localCachedMap(client);
        TypedJsonJacksonCodec json = new TypedJsonJacksonCodec(BenchResident.class, new ObjectMapper());
        String[] keys = new String[KEYS];
        BenchResident[] values = new BenchResident[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = BenchRedis.key(i);
            values[i] = BenchResident.of(i);
        }
        Map<String, IntFunction<Object>> contenders = new LinkedHashMap<>();
        contenders.put("Redisson `RBucket.set(v, 300 s)` (no invalidation: the floor)", i -> {
            client.getBucket("bench:raw:" + keys[i], json).set(values[i], Duration.ofSeconds(300));
            return null;
        });
        contenders.put("Redisson `RLocalCachedMap.fastPut` (HSET + invalidation message)", i -> {
            lcm.fastPut(keys[i], values[i]);
            return null;
        });
        contenders.put("Grace `put` (encode, SET PX + PUBLISH in one script, level-1 update)", i -> {
            grace.put(keys[i], values[i]);
            return null;
        });
        Map<String, long[]> samples = interleavedLatencies(contenders);
        grace.close();
        return latencyTable("Write latency (1 thread, microseconds, lower is better)", samples, null, 0);
    }

    // ------------------------------------------------------------------------------------ JMH, same Redis

    /** The same paths under JMH, one fork per benchmark, run one after the other (so not paired). */
    private static String jmh(String redisUrl) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(LocalHitBenchmark.class.getName())
                .include(RedisHitBenchmark.class.getName())
                .include(WriteBenchmark.class.getName())
                .forks(1)
                .threads(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-D" + BenchRedis.URL_PROPERTY + "=" + redisUrl, "-Xms512m", "-Xmx512m",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .build();
        Map<String, Result<?>> results = new LinkedHashMap<>();
        Map<String, String> modes = new LinkedHashMap<>();
        for (RunResult r : new Runner(options).run()) {
            String name = r.getParams().getBenchmark();
            String shortName = name.substring(name.lastIndexOf('.') + 1);
            results.put(shortName, r.getPrimaryResult());
            modes.put(shortName, r.getParams().getMode().shortLabel());
        }
        StringBuilder out = new StringBuilder("### The same under JMH (sequential, not paired)\n\n");
        out.append("| benchmark | mode | score | +- (99.9%) | unit |\n|---|---|---:|---:|---|\n");
        results.forEach((name, r) -> out.append(String.format("| %s | %s | %.2f | %.2f | %s |%n", name,
                modes.get(name), r.getScore(), r.getScoreError(),
                r.getScoreUnit())));
        String table = "The same under JMH (sequential, not paired)";
        ResultsTable.columns(table, "benchmark | mode | unit");
        results.forEach((name, r) -> {
            String row = name + " | " + modes.get(name) + " | " + r.getScoreUnit();
            ResultsTable.cell(table, row, "score", r.getScore(), 2);
            ResultsTable.cell(table, row, "+- (99.9%)", r.getScoreError(), 2);
        });
        double caffeine = results.get("caffeineGetIfPresent").getScore();
        double grace = results.get("graceGetLocalHit").getScore();
        double json = results.get("redissonBucketGetJson").getScore();
        double graceRedis = results.get("graceGetRedisHit").getScore();
        out.append(String.format("%nJMH ratios: level-1 hit Grace/Caffeine %.2fx (goal >= 0.8); level-2 hit "
                + "Grace/RBucket.get(JSON) %.2fx (goal <= 1.1); Grace/RLocalCachedMap local hit %.1fx.%n", grace / caffeine,
                graceRedis / json, grace / results.get("redissonLocalCachedMapGetLocalHit").getScore()));
        goal("level-1 hit throughput, Grace / Caffeine, JMH (goal >= 0.8)", grace / caffeine);
        goal("level-1 hit throughput, Grace / RLocalCachedMap, JMH",
                grace / results.get("redissonLocalCachedMapGetLocalHit").getScore());
        goal("level-2 hit latency, Grace / RBucket.get JSON, JMH (goal <= 1.1)", graceRedis / json);
        return out.toString();
    }

    // ------------------------------------------------------------------------------------ helpers

    /** Op by op, round robin over the contenders: every contender sees the same machine at the same moments. */
    private static Map<String, long[]> interleavedLatencies(Map<String, IntFunction<Object>> contenders) {
        List<String> names = new ArrayList<>(contenders.keySet());
        List<IntFunction<Object>> ops = new ArrayList<>(contenders.values());
        for (int w = 0; w < LATENCY_SAMPLES / 2; w++) {
            for (IntFunction<Object> op : ops) {
                sink += op.apply(w & (KEYS - 1)) == null ? 0 : 1;
            }
        }
        long[][] nanos = new long[names.size()][LATENCY_SAMPLES];
        for (int s = 0; s < LATENCY_SAMPLES; s++) {
            for (int j = 0; j < ops.size(); j++) {
                int c = (s + j) % ops.size();
                long start = System.nanoTime();
                Object result = ops.get(c).apply(s & (KEYS - 1));
                nanos[c][s] = System.nanoTime() - start;
                sink += result == null ? 0 : 1;
            }
        }
        Map<String, long[]> out = new LinkedHashMap<>();
        for (int j = 0; j < names.size(); j++) {
            out.put(names.get(j), nanos[j]);
        }
        return out;
    }

    private static String latencyTable(String title, Map<String, long[]> samples, String goal, double goalRatio) {
        List<String> names = new ArrayList<>(samples.keySet());
        long[] base = samples.get(names.get(0)).clone();
        Arrays.sort(base);
        double baseMean = mean(base);
        double baseP50 = percentile(base, 50);
        StringBuilder out = new StringBuilder("### ").append(title).append("\n\n");
        out.append("| path | mean | p50 | p90 | p99 | mean vs first row | p50 vs first row |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|\n");
        double lastMeanRatio = 0;
        double lastP50Ratio = 0;
        for (String name : names) {
            long[] sorted = samples.get(name).clone();
            Arrays.sort(sorted);
            lastMeanRatio = mean(sorted) / baseMean;
            lastP50Ratio = percentile(sorted, 50) / baseP50;
            out.append(String.format("| %s | %.1f | %.1f | %.1f | %.1f | %.2fx | %.2fx |%n", name, mean(sorted) / 1e3,
                    percentile(sorted, 50) / 1e3, percentile(sorted, 90) / 1e3, percentile(sorted, 99) / 1e3,
                    lastMeanRatio, lastP50Ratio));
            ResultsTable.columns(title, "path");
            ResultsTable.cell(title, name, "mean", mean(sorted) / 1e3, 1);
            for (int p : new int[] {50, 90, 99}) {
                ResultsTable.cell(title, name, "p" + p, percentile(sorted, p) / 1e3, 1);
            }
            ResultsTable.cell(title, name, "mean vs first row", lastMeanRatio, 2);
            ResultsTable.cell(title, name, "p50 vs first row", lastP50Ratio, 2);
        }
        out.append(String.format("%n%,d samples each, interleaved op by op.%n", LATENCY_SAMPLES));
        if (goal != null) {
            goal("level-2 hit mean latency, Grace / RBucket.get JSON, paired (goal <= " + goalRatio + ")",
                    lastMeanRatio);
            goal("level-2 hit p50 latency, Grace / RBucket.get JSON, paired", lastP50Ratio);
            out.append(String.format("%n%s: mean **%.2fx, %s**; p50 %.2fx.%n", goal, lastMeanRatio,
                    lastMeanRatio <= goalRatio ? "holds" : "missed", lastP50Ratio));
        }
        return out.append('\n').toString();
    }

    private static final Map<String, Double> GOALS = new LinkedHashMap<>();

    /** One ratio of the goals table, printed as a machine-readable line at the end. */
    private static void goal(String row, double ratio) {
        GOALS.put(row, ratio);
    }

    private static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    private static double percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double medianRatio(double[] a, double[] b) {
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = a[i] / b[i];
        }
        return median(ratios);
    }
}
