package org.grace.benchmarks.efficiency;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.grace.benchmarks.BenchLock;
import org.grace.benchmarks.GraceInstances;
import org.grace.launcher.PayaraInstance;
import org.grace.testsupport.DebianPackages;
import org.grace.testsupport.PostgresServer;
import org.grace.testsupport.ProjectLayout;
import org.grace.testsupport.RedisServer;

/**
 * What one authenticated, rate-limited, cached read costs against a bare JAX-RS hello on the same Payara Micro
 * (issue #15). Starts a throwaway PostgreSQL and Redis, one Grace instance and the hello WAR ({@link HelloWar}), both
 * through the launcher's {@link PayaraInstance} with the same Payara Micro jar, command files and JVM profile; drives
 * them with wrk and {@code grace-benchmarks/efficiency/efficiency.lua}; prints the tables.
 *
 * <p>In order: the users are made on a first Grace instance, which then stops, so that the measured instance is
 * cold: its first {@code --cold} seconds after {@code /health/ready} are measured in 5-second slices with the Redis
 * fallbacks it counted ({@code grace_redis_fallbacks}). Then the hello starts, both are warmed (each scenario
 * {@code --warmup} seconds), and {@code --rounds} rounds alternate the scenarios, each round's hello first; each
 * Grace figure is set against its round's hello. The 429 scenario's user is pushed over its limit just before each
 * of its runs. {@code --jfr DIR} then records a JFR profile of each Grace scenario into DIR (after the rounds, so
 * that the recording does not weigh on them).
 *
 * <p>Everything from the measured instance's start to the end holds {@code GRACE_BENCH_LOCK} when it is set.
 */
public final class EfficiencyBenchmark {
    /**
     * The instances' settings beside the servers and the key. API calls are limited to 3,000 a minute per user (50 a
     * second after the burst): the successful scenarios go round {@code --users} users, which keeps each under its
     * limit below {@code users * 50} requests a second, while the 429 user is exhausted in one second. Password
     * hashing is cut to the lowest allowed, as only the set-up signs in. Tokens outlive the run.
     */
    private static final Map<String, String> SETTINGS = Map.of(
            "GRACE_INSTANCES", "1",
            "GRACE_AUTH_SIGNING_KEY_ID", "bench",
            "GRACE_AUTH_ACCESS_TTL", "120m",
            "GRACE_AUTH_PBKDF2_ITERATIONS", "10000",
            "GRACE_RATELIMIT_API_PER_MINUTE", "3000",
            "GRACE_RATELIMIT_LOGIN_PER_MINUTE", "100000",
            "GRACE_SHUTDOWN_DRAIN", "0s");
    /** A {@code grace_redis_fallbacks} line of Payara's {@code /metrics} (MicroProfile Metrics' Prometheus text). */
    private static final Pattern FALLBACK = Pattern.compile(
            "(?m)^grace_redis_fallbacks_total\\{[^}]*operation=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)$");

    private final Map<String, String> options;
    private final Path root = ProjectLayout.root();
    private final Path script = root.resolve("grace-benchmarks/efficiency/efficiency.lua");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String wrk = DebianPackages.ensure("wrk", "wrk");
    private final Path graceWar;
    private final Path helloWar;
    private RedisServer redis;

    /**
     * A measured scenario: where wrk goes, the status it should see, and the process that serves it ({@code pid},
     * whose CPU time is counted, with Redis's when {@code withRedis}).
     */
    private record Scenario(String name, WrkRun.Target target, int expected, long pid, boolean withRedis) {
    }

    private EfficiencyBenchmark(Map<String, String> options) throws IOException {
        this.options = options;
        Path scratch = ProjectLayout.scratch("efficiency-");
        // A copy: a build running meanwhile may rewrite target/grace.war.
        this.graceWar = Files.copy(root.resolve("grace-webapp/target/grace.war"), scratch.resolve("grace.war"));
        this.helloWar = HelloWar.writeTo(scratch);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("warmup", "15", "duration", "20", "rounds", "3",
                "connections", "16", "threads", "2", "users", "300", "cold", "30", "profile", "production",
                "jfr", "", "warmups", "20s"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !options.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + options.keySet());
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        new EfficiencyBenchmark(options).run();
    }

    private int option(String name) {
        return Integer.parseInt(options.get(name));
    }

    private void run() throws Exception {
        System.out.printf("efficiency benchmark: %s, JDK %s, %d cores, options %s, load %s%n", Instant.now(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), new TreeMap<>(options),
                GraceInstances.loadAverage());
        try (PostgresServer postgres = PostgresServer.start(); RedisServer redis = RedisServer.start()) {
            this.redis = redis;
            Map<String, String> env = GraceInstances.environment(SETTINGS, postgres, "grace_efficiency", redis);

            EfficiencyWorld world;
            try (PayaraInstance builder = start("grace-world", graceWar, env)) {
                GraceInstances.awaitHealthy(http, builder, Duration.ofMinutes(10));
                world = EfficiencyWorld.build(http, builder.baseUrl(), option("users"));
            }
            System.out.printf("world: an administrator and %d care workers signed in, one more kept over its limit%n",
                    world.tokens().size());
            try (BenchLock lock = BenchLock.take()) {
                System.out.printf("bench lock taken after %s s, load %s%n", lock.waitedSeconds(),
                        GraceInstances.loadAverage());
                measure(env, world);
            }
        }
    }

    /**
     * A cold start per value of {@code --warmups} (GRACE_WARMUP of the measured instance, e.g. {@code 0s,20s}: before
     * and after issue #15's warm-up), each on a new instance; the last one's instance then runs the rounds (none
     * with {@code --rounds 0}).
     */
    private void measure(Map<String, String> env, EfficiencyWorld world) throws Exception {
        List<String> warmups = List.of(options.get("warmups").split(","));
        Map<String, List<String>> colds = new LinkedHashMap<>();
        for (String warmup : warmups.subList(0, warmups.size() - 1)) {
            try (PayaraInstance cold = start("grace-cold", graceWar, withWarmUp(env, warmup))) {
                colds.put(warmup, coldStart(cold, new Scenario("GET /api/auth/me (cookie)",
                        new WrkRun.Target(cold.baseUrl(), "/api/auth/me", "cookie", world.tokens()), 200,
                        cold.process().pid(), true)));
            }
        }
        String last = warmups.get(warmups.size() - 1);
        try (PayaraInstance grace = start("grace", graceWar, withWarmUp(env, last))) {
            String base = grace.baseUrl();
            long pid = grace.process().pid();
            Scenario me = new Scenario("GET /api/auth/me (cookie)",
                    new WrkRun.Target(base, "/api/auth/me", "cookie", world.tokens()), 200, pid, true);
            List<Scenario> graceScenarios = List.of(me,
                    new Scenario("GET /api/users/{id} (bearer)",
                            new WrkRun.Target(base, "/api/users/" + world.adminId(), "bearer", world.tokens()), 200,
                            pid, true),
                    new Scenario("401: forged signature", new WrkRun.Target(base, "/api/auth/me", "bearer",
                            world.forged()), 401, pid, true),
                    new Scenario("401: no token", new WrkRun.Target(base, "/api/auth/me", "none", List.of()), 401,
                            pid, true),
                    new Scenario("429: user over its limit", new WrkRun.Target(base, "/api/auth/me", "bearer",
                            List.of(world.overLimit())), 429, pid, true));
            colds.put(last, coldStart(grace, me));
            if (option("rounds") == 0) {
                reportCold(colds);
                return;
            }

            try (PayaraInstance helloInstance = start("hello", helloWar, Map.of())) {
                GraceInstances.awaitOk(http, helloInstance, "/api/hello", 500, Duration.ofMinutes(10));
                Scenario hello = new Scenario("hello (bare JAX-RS)",
                        new WrkRun.Target(helloInstance.baseUrl(), "/api/hello", "none", List.of()), 200,
                        helloInstance.process().pid(), false);
                List<Scenario> all = new ArrayList<>(List.of(hello));
                all.addAll(graceScenarios);
                // The hello twice, last just before the rounds: warmed once, its first round still ran at about half
                // its later rate in three runs (6,304-7,621 against 11,964-14,765 req/s), which flattered Grace.
                List<Scenario> warmUps = new ArrayList<>(all);
                warmUps.add(hello);
                for (Scenario s : warmUps) {
                    WrkRun w = wrk(s, option("warmup"));
                    System.out.printf("warm-up %s: %.0f req/s, statuses %s%n", s.name(), w.rps(), w.statuses());
                }
                Map<String, List<WrkRun>> runs = new LinkedHashMap<>();
                List<String> rows = new ArrayList<>();
                for (int round = 1; round <= option("rounds"); round++) {
                    WrkRun baseline = null;
                    for (Scenario s : all) {
                        WrkRun w = wrk(s, option("duration"));
                        baseline = baseline == null ? w : baseline;
                        runs.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(w);
                        String row = String.format("| %d | %s | %.0f | %.2f | %.2f | %.2fx | %.1fx | %.0f | %.3f | %s"
                                + " | %.1f %% | %s | %s -> %s |", round, s.name(), w.rps(), w.p50Millis(),
                                w.p99Millis(), w.rps() / baseline.rps(), w.p99Millis() / baseline.p99Millis(),
                                w.cpuMicrosPerRequest(), w.redisScriptsPerRequest(), statuses(w),
                                100 * w.share(s.expected()), w.socketErrorsShort(), w.loadBefore(), w.loadAfter());
                        System.out.println("row: " + row);
                        rows.add(row);
                    }
                }
                if (!options.get("jfr").isEmpty()) {
                    profile(grace, graceScenarios, Path.of(options.get("jfr")));
                }
                report(rows, runs, hello.name(), me.name(), colds);
            }
        }
    }

    /**
     * One measured run, with what it cost: the CPU time (user and system) of the process serving it, plus Redis's
     * when the scenario uses it, and the Redis script calls ({@code EVALSHA}, {@code EVAL}: rate-limit decisions and
     * leases), each per request. PostgreSQL's is not counted: none of these paths asks it per request. The 429
     * scenario's user is first pushed over its limit (its bucket refills between its runs): 2-second runs until one
     * is refused, at most ten.
     */
    private WrkRun wrk(Scenario s, int seconds) throws Exception {
        if (s.expected() == 429) {
            for (int i = 0; i < 10; i++) {
                WrkRun drain = WrkRun.run(wrk, script, s.target(), option("connections"), option("threads"), 2);
                if (drain.share(429) > 0) {
                    break;
                }
            }
        }
        long ticks = GraceInstances.cpuTicks(s.pid());
        double redisCpu = s.withRedis() ? redisCpuSeconds() : 0;
        long scripts = redisScripts();
        WrkRun run = WrkRun.run(wrk, script, s.target(), option("connections"), option("threads"), seconds);
        double cpuMicros = (GraceInstances.cpuTicks(s.pid()) - ticks) * 10_000.0 // USER_HZ 100: 10 ms a tick
                + (s.withRedis() ? (redisCpuSeconds() - redisCpu) * 1e6 : 0);
        return run.withCost(cpuMicros, redisScripts() - scripts);
    }

    /** Redis's own CPU time so far ({@code used_cpu_user + used_cpu_sys} of {@code INFO cpu}), in seconds. */
    private double redisCpuSeconds() {
        double seconds = 0;
        for (String line : redis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return seconds;
    }

    private long redisScripts() {
        return redis.calls("evalsha") + redis.calls("eval");
    }

    /** The first seconds after ready, in 5-second slices, with the fallbacks each slice counted. */
    private List<String> coldStart(PayaraInstance grace, Scenario me) throws Exception {
        long t0 = System.nanoTime();
        GraceInstances.awaitOk(http, grace, "/health/ready", 100, Duration.ofMinutes(10));
        System.out.printf("measured instance ready in %.1f s (pid %d)%n", (System.nanoTime() - t0) / 1e9,
                grace.process().pid());
        List<String> rows = new ArrayList<>();
        Map<String, Double> before = fallbacks(grace);
        for (int second = 0; second < option("cold"); second += 5) {
            WrkRun w = WrkRun.run(wrk, script, me.target(), option("connections"), option("threads"), 5);
            Map<String, Double> after = fallbacks(grace);
            String row = String.format("| %d-%d | %.0f | %.2f | %s | %s | %s -> %s |", second, second + 5, w.rps(),
                    w.p99Millis(), statuses(w), difference(before, after), w.loadBefore(), w.loadAfter());
            System.out.println("cold: " + row);
            rows.add(row);
            before = after;
        }
        return rows;
    }

    /**
     * {@code grace_redis_fallbacks} by operation, from the instance's {@code /metrics} (the counters are there;
     * {@code /prometheus} has the histograms).
     */
    private Map<String, Double> fallbacks(PayaraInstance grace) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(grace.baseUrl()
                        + "/metrics?scope=application"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (!r.body().contains("grace_cache_misses_total")) {
            // Registered at zero at start: without it this is not Grace's metrics, and "no fallbacks" would be a lie.
            throw new IllegalStateException("no Grace counters in " + grace.baseUrl() + "/metrics: " + r.statusCode());
        }
        Map<String, Double> counts = new TreeMap<>();
        Matcher m = FALLBACK.matcher(r.body());
        while (m.find()) {
            counts.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
        }
        return counts;
    }

    private static String difference(Map<String, Double> before, Map<String, Double> after) {
        String changed = after.entrySet().stream()
                .filter(e -> e.getValue() - before.getOrDefault(e.getKey(), 0.0) > 0)
                .map(e -> e.getKey() + " " + Math.round(e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .collect(Collectors.joining(", "));
        return changed.isEmpty() ? "0" : changed;
    }

    private static String statuses(WrkRun w) {
        return w.statuses().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /** A JFR recording (the JDK's "profile" settings) of the Grace instance during each scenario, one file each. */
    private void profile(PayaraInstance grace, List<Scenario> scenarios, Path dir) throws Exception {
        Files.createDirectories(dir);
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String pid = Long.toString(grace.process().pid());
        for (int i = 0; i < scenarios.size(); i++) {
            Path file = dir.toAbsolutePath().resolve("scenario-" + (i + 1) + ".jfr");
            exec(jcmd, pid, "JFR.start", "name=efficiency", "settings=profile", "filename=" + file);
            WrkRun w = wrk(scenarios.get(i), option("duration"));
            exec(jcmd, pid, "JFR.stop", "name=efficiency");
            System.out.printf("profile of %s (%.0f req/s while recording): %s%n", scenarios.get(i).name(), w.rps(),
                    file);
        }
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
    }

    private static Map<String, String> withWarmUp(Map<String, String> env, String warmup) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("GRACE_WARMUP", warmup);
        return all;
    }

    private void reportCold(Map<String, List<String>> colds) {
        colds.forEach((warmup, cold) -> {
            System.out.printf("%n### Cold start with GRACE_WARMUP=%s: the first %s s after /health/ready, "
                    + "GET /api/auth/me%n%n", warmup, options.get("cold"));
            System.out.println("| seconds after ready | req/s | p99 ms | statuses | Redis fallbacks counted | load |");
            System.out.println("|---|---:|---:|---|---|---|");
            cold.forEach(System.out::println);
        });
    }

    private void report(List<String> rows, Map<String, List<WrkRun>> runs, String hello, String me,
                        Map<String, List<String>> colds) {
        reportCold(colds);
        System.out.printf("%n### Rounds (%s s each, %s connections, %s wrk threads)%n%n", options.get("duration"),
                options.get("connections"), options.get("threads"));
        System.out.println("| round | scenario | req/s | p50 ms | p99 ms | req/s vs hello | p99 vs hello |"
                + " CPU µs/request | Redis scripts/request | statuses | expected status | socket errors |"
                + " load before -> after |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|");
        rows.forEach(System.out::println);
        double helloRps = median(runs.get(hello), WrkRun::rps);
        double helloP99 = median(runs.get(hello), WrkRun::p99Millis);
        System.out.printf("%n### Medians of %s rounds%n%n", options.get("rounds"));
        double meCpu = median(runs.get(me), WrkRun::cpuMicrosPerRequest);
        System.out.println("| scenario | median req/s | median p99 ms | req/s vs hello | p99 vs hello |"
                + " median CPU µs/request | CPU vs GET /api/auth/me |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        runs.forEach((name, list) -> System.out.printf("| %s | %.0f | %.2f | %.2fx | %.1fx | %.0f | %.2fx |%n", name,
                median(list, WrkRun::rps), median(list, WrkRun::p99Millis), median(list, WrkRun::rps) / helloRps,
                median(list, WrkRun::p99Millis) / helloP99, median(list, WrkRun::cpuMicrosPerRequest),
                median(list, WrkRun::cpuMicrosPerRequest) / meCpu));
        System.out.printf("%nload average at the end: %s%n", GraceInstances.loadAverage());
    }

    private static double median(List<WrkRun> list, java.util.function.ToDoubleFunction<WrkRun> value) {
        double[] sorted = list.stream().mapToDouble(value).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private PayaraInstance start(String name, Path war, Map<String, String> env) {
        PayaraInstance instance = GraceInstances.start(war, "payara-efficiency-" + name + "-", "efficiency-" + name,
                options.get("profile"), env);
        System.out.printf("%s: port %d, pid %d, log in %s%n", name, instance.port(), instance.process().pid(),
                instance.rootDir().getParent());
        return instance;
    }
}
