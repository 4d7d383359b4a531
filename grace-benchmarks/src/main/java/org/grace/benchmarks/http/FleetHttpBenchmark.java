package org.grace.benchmarks.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grace.benchmarks.BenchOptions;
import org.grace.benchmarks.GraceInstances;
import org.grace.launcher.PayaraInstance;
import org.grace.testsupport.DebianPackages;
import org.grace.testsupport.NginxLoadBalancer;
import org.grace.testsupport.PostgresServer;
import org.grace.testsupport.ProjectLayout;
import org.grace.testsupport.RedisServer;

/**
 * wrk against the fleet (issue #14, item 6): one instance directly, the same instance behind nginx, and three
 * instances behind nginx, each with the mixed workload of {@code grace-benchmarks/http/mixed.lua}. Everything runs on
 * loopback and is started here: a throwaway PostgreSQL and Redis (grace-test-support's, as the tests use them),
 * instances through payara-config's {@link PayaraInstance} (the launcher's own class), nginx configured by the Ansible
 * role's template ({@link NginxLoadBalancer}, as the tests use it).
 *
 * <p>With one instance, direct and through nginx alternate (A B B A) at each connection count, and the program prints
 * what nginx costs from the means. Arguments (all optional): {@code --warmup 180} seconds (for each URL, before its
 * measured runs), {@code --duration 20} seconds, {@code --connections 32,128} (measured runs at each value),
 * {@code --threads 2} (wrk's), {@code --profile staging} (the launcher's JVM profile).
 * {@code GRACE_BENCH_LOCK}, when set, names a lock file that every wrk run takes with {@code flock(1)} first, so that
 * benchmarks sharing a machine do not run at once.
 *
 * <p>Longer than 400 lines on purpose: it is one program whose steps (services, world, warm-ups, the A B B A rounds,
 * three instances, wrk's output, memory and CPU sampling) are the sections of results/http.md, run once in that
 * order; the workload itself is grace-benchmarks/http/mixed.lua.
 */
public final class FleetHttpBenchmark {
    private static final String PASSWORD = "correct horse battery staple";
    private static final int RESIDENTS = 20;
    /**
     * The instances' settings beside the servers and the key. Rate limits must not be what is measured: every call
     * still goes through the limiter (its Redis round trip is part of the cost), but no limit is reached: 3,000,000 a
     * minute is 50,000 a second, under the library's bound (docs/webapp.md) and far above what two cores serve. The
     * tokens made at set-up must outlive every run (default 15 min). No drain on SIGTERM: stopping is not measured.
     */
    private static final Map<String, String> SETTINGS = """
            GRACE_AUTH_SIGNING_KEY_ID=bench
            GRACE_AUTH_ACCESS_TTL=120m
            GRACE_RATELIMIT_API_PER_MINUTE=3000000
            GRACE_RATELIMIT_INGEST_DEVICE_PER_MINUTE=3000000
            GRACE_RATELIMIT_INGEST_RESIDENT_PER_MINUTE=3000000
            GRACE_RATELIMIT_LOGIN_PER_MINUTE=1000
            GRACE_SHUTDOWN_DRAIN=0s
            """.lines().map(line -> line.split("=", 2))
            .collect(java.util.stream.Collectors.toUnmodifiableMap(kv -> kv[0], kv -> kv[1]));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path root = ProjectLayout.root();
    /** The WAR as built when the run started, copied: a build running meanwhile may rewrite target/grace.war. */
    private final Path war;
    private final Map<String, String> options;
    private final String wrk;
    private final List<String> results = new ArrayList<>();
    private final List<String> ratios = new ArrayList<>();
    private String staffToken;
    private String managerToken;
    private final List<String> residentIds = new ArrayList<>();
    private final List<String> deviceCredentials = new ArrayList<>();

    private FleetHttpBenchmark(Map<String, String> options) {
        this.options = options;
        this.wrk = DebianPackages.ensure("wrk", "wrk");
        try {
            this.war = Files.copy(root.resolve("grace-webapp/target/grace.war"),
                    ProjectLayout.scratch("war-").resolve("grace.war"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy grace-webapp/target/grace.war (run.sh builds it)", e);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse("warmup=180 duration=20 connections=32,128 threads=2 "
                + "profile=staging rounds=1 fleets=1,3", args);
        new FleetHttpBenchmark(options).run();
    }

    private void run() throws Exception {
        System.out.printf("http benchmark: %s, JDK %s, %d cores, options %s%n", Instant.now(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), options);
        try (PostgresServer postgres = PostgresServer.start(); RedisServer redis = RedisServer.start()) {
            Map<String, String> env = GraceInstances.environment(SETTINGS, postgres, "grace_bench", redis);

            List<String> fleets = List.of(options.get("fleets").split(","));
            if (fleets.contains("1")) {
                try (Fleet one = Fleet.start(this, 1, env)) {
                    measureOneInstance(one);
                }
            }
            if (fleets.contains("3")) {
                try (Fleet three = Fleet.start(this, 3, env)) {
                    if (!fleets.contains("1")) {
                        buildWorld(three.instances.get(0).baseUrl());
                    }
                    try (NginxLoadBalancer nginx = NginxLoadBalancer.start(three.ports())) {
                        warmUp(nginx.url(), three);
                        for (int connections : levels()) {
                            measure("3 instances behind nginx", nginx.url(), connections, three);
                        }
                    }
                }
            }
        }
        System.out.println();
        System.out.println("| setup | connections | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors (non-2xx by"
                + " status; socket) | RSS per instance at end / peak (MiB) | CPU per instance (% of one core) |"
                + " load before -> after |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---|---|---|---|");
        results.forEach(System.out::println);
        System.out.println();
        ratios.forEach(System.out::println);
    }

    /**
     * One instance directly and through nginx, in the order A B B A at each level, {@code --rounds} times, so that a
     * drift during the runs (the JIT still improving, other work on the machine coming and going) weighs on both
     * alike; nginx's cost per round and over all rounds.
     */
    private void measureOneInstance(Fleet one) throws Exception {
        String direct = one.instances.get(0).baseUrl();
        buildWorld(direct);
        try (NginxLoadBalancer nginx = NginxLoadBalancer.start(one.ports())) {
            warmUp(direct, one);
            warmUp(nginx.url(), one);
            int rounds = Integer.parseInt(options.get("rounds"));
            for (int connections : levels()) {
                double directSum = 0;
                double nginxSum = 0;
                List<Double> costs = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    double a1 = measure("1 instance, direct", direct, connections, one);
                    double b1 = measure("1 instance behind nginx", nginx.url(), connections, one);
                    double b2 = measure("1 instance behind nginx", nginx.url(), connections, one);
                    double a2 = measure("1 instance, direct", direct, connections, one);
                    directSum += a1 + a2;
                    nginxSum += b1 + b2;
                    costs.add(100 * (1 - (b1 + b2) / (a1 + a2)));
                }
                List<Double> sorted = costs.stream().sorted().toList();
                ratios.add(String.format("%d connections: behind nginx %.0f requests/s, direct %.0f (means of %d runs "
                                + "each): nginx costs %.1f %% of direct throughput; per A B B A round %s, median %.1f %%",
                        connections, nginxSum / (2 * rounds), directSum / (2 * rounds), 2 * rounds,
                        100 * (1 - nginxSum / directSum),
                        costs.stream().map(c -> String.format("%.1f %%", c)).toList(),
                        sorted.get(sorted.size() / 2)));
            }
        }
    }

    /** The instances of one configuration, stopped (SIGTERM) together at the end. */
    private static final class Fleet implements AutoCloseable {
        final List<PayaraInstance> instances = new ArrayList<>();

        static Fleet start(FleetHttpBenchmark bench, int count, Map<String, String> shared) {
            Fleet fleet = new Fleet();
            Map<String, String> env = new LinkedHashMap<>(shared);
            env.put("GRACE_INSTANCES", Integer.toString(count));
            try {
                for (int i = 1; i <= count; i++) {
                    long t0 = System.nanoTime();
                    PayaraInstance instance = GraceInstances.start(bench.war, "payara-bench" + count + "-" + i + "-",
                            "bench-" + i, bench.options.get("profile"), env);
                    fleet.instances.add(instance);
                    GraceInstances.awaitHealthy(HTTP, instance, Duration.ofMinutes(10));
                    System.out.printf("instance %d of %d on port %d up in %.1f s (pid %d)%n", i, count,
                            instance.port(), (System.nanoTime() - t0) / 1e9, instance.process().pid());
                }
            } catch (RuntimeException e) {
                fleet.close();
                throw e;
            }
            return fleet;
        }

        List<Integer> ports() {
            return instances.stream().map(PayaraInstance::port).toList();
        }

        @Override
        public void close() {
            instances.parallelStream().forEach(PayaraInstance::close);
        }
    }


    /**
     * The organisation the workload uses, built through the API as an operator would: an administrator, a facility,
     * a manager and a care worker in it, {@value #RESIDENTS} residents each with a companion device.
     */
    private void buildWorld(String base) {
        call(base, "POST", "/api/setup", null, "{\"organizationName\":\"Rose Court\",\"email\":\"admin@rose.example\","
                + "\"displayName\":\"Ada Admin\",\"password\":\"" + PASSWORD + "\"}", 201);
        String admin = signIn(base, "admin@rose.example");
        String facility = field(call(base, "POST", "/api/facilities", admin,
                "{\"name\":\"Willow Wing\",\"timeZone\":\"Europe/London\"}", 201), "id");
        for (String[] user : new String[][] {{"manager", "care_manager"}, {"staff", "care_staff"}}) {
            String id = field(call(base, "POST", "/api/users", admin, "{\"email\":\"" + user[0] + "@rose.example\","
                    + "\"displayName\":\"Rose " + user[0] + "\",\"role\":\"" + user[1] + "\",\"password\":\""
                    + PASSWORD + "\"}", 201), "id");
            call(base, "PUT", "/api/facilities/" + facility + "/staff/" + id, admin, null, 204);
        }
        for (int i = 0; i < RESIDENTS; i++) {
            String resident = field(call(base, "POST", "/api/residents", admin, "{\"facilityId\":" + facility
                    + ",\"fullName\":\"Willow Resident " + i + "\",\"room\":\"W" + (100 + i) + "\"}", 201), "id");
            String device = call(base, "POST", "/api/devices", admin, "{\"facilityId\":" + facility
                    + ",\"residentId\":" + resident + ",\"name\":\"Tablet " + i + "\"}", 201);
            residentIds.add(resident);
            deviceCredentials.add(field(device, "credential"));
        }
        managerToken = signIn(base, "manager@rose.example");
        staffToken = signIn(base, "staff@rose.example");
        System.out.printf("world: 1 facility, a manager and a care worker, %d residents with a device each%n",
                RESIDENTS);
    }

    private static String signIn(String base, String email) {
        return field(call(base, "POST", "/api/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\""
                + PASSWORD + "\",\"client\":\"api\"}", 200), "accessToken");
    }

    private static String call(String base, String method, String path, String token, String body, int expected) {
        List<String> headers = new ArrayList<>(List.of("Accept", "application/json"));
        if (token != null) {
            headers.addAll(List.of("Authorization", "Bearer " + token));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .headers(body == null ? headers.toArray(String[]::new)
                        : concat(headers, "Content-Type", "application/json"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String[] concat(List<String> list, String... more) {
        List<String> all = new ArrayList<>(list);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** The first {@code "name": value} of a JSON body, a number or a string (enough for ids, tokens, credentials). */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(\"([^\"]*)\"|(\\d+))").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    private List<Integer> levels() {
        return java.util.Arrays.stream(options.get("connections").split(",")).map(String::trim)
                .map(Integer::valueOf).toList();
    }

    private void warmUp(String url, Fleet fleet) throws Exception {
        int seconds = Integer.parseInt(options.get("warmup"));
        if (seconds > 0) {
            Wrk w = wrk(url, 32, seconds, fleet);
            System.out.printf("warm-up of %s, %d s at 32 connections: %s%n", url, seconds, w.summaryLine());
        }
    }

    /** One measured run; returns its requests per second. */
    private double measure(String setup, String url, int connections, Fleet fleet) throws Exception {
        System.out.printf("%n== %s (%s), %d connections%n", setup, url, connections);
        String loadBefore = loadAverage();
        Wrk w = wrk(url, connections, Integer.parseInt(options.get("duration")), fleet);
        String loadAfter = loadAverage();
        System.out.println(w.output);
        System.out.printf("uptime before: %s%nuptime after:  %s%n", loadBefore, loadAfter);
        String row = String.format("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s -> %s |", setup,
                connections, w.value("rps"), w.value("p50_ms"), w.value("p95_ms"), w.value("p99_ms"),
                w.value("max_ms"), w.errors(), w.memory(), w.cpu(), shortLoad(loadBefore), shortLoad(loadAfter));
        // At once too: a run stopped before its end (a lock held for long by another benchmark) keeps its rows.
        System.out.println("row: " + row);
        results.add(row);
        return Double.parseDouble(w.value("rps"));
    }

    /** One wrk run, under the shared lock when there is one, sampling the instances' RSS and CPU while it runs. */
    private Wrk wrk(String url, int connections, int seconds, Fleet fleet) throws Exception {
        List<String> command = new ArrayList<>();
        String lock = System.getenv("GRACE_BENCH_LOCK");
        if (lock != null && !lock.isBlank()) {
            command.addAll(List.of("flock", lock));
        }
        // "locked" marks the moment the lock is held and wrk starts: sampling begins there, not while waiting.
        command.addAll(List.of("sh", "-c", "echo locked; exec \"$0\" \"$@\"", wrk,
                "-t", options.get("threads"), "-c", Integer.toString(connections), "-d", seconds + "s",
                "--timeout", "10s", "--latency", "-s", root.resolve("grace-benchmarks/http/mixed.lua").toString(), url,
                "--", staffToken, managerToken, String.join(",", residentIds), String.join(",", deviceCredentials)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Wrk result = new Wrk(fleet);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String first = out.readLine();
            if (!"locked".equals(first)) {
                throw new IllegalStateException("wrk did not start: " + first);
            }
            Thread sampler = new Thread(result::sample, "rss-sampler");
            sampler.setDaemon(true);
            result.startCpu();
            sampler.start();
            StringBuilder text = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                text.append(line).append('\n');
            }
            result.stopCpu();
            sampler.interrupt();
            sampler.join();
            result.output = text.toString();
        }
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("wrk failed:\n" + result.output);
        }
        return result;
    }

    /** One wrk run's output and what was sampled from /proc meanwhile. */
    private static final class Wrk {
        private static final long TICKS = 100; // USER_HZ on Linux
        final Fleet fleet;
        final long[] peakRssKib;
        final long[] lastRssKib;
        final long[] cpuTicksStart;
        final long[] cpuTicksUsed;
        long startNanos;
        long wallNanos;
        String output = "";

        Wrk(Fleet fleet) {
            this.fleet = fleet;
            int n = fleet.instances.size();
            peakRssKib = new long[n];
            lastRssKib = new long[n];
            cpuTicksStart = new long[n];
            cpuTicksUsed = new long[n];
        }

        void sample() {
            while (!Thread.currentThread().isInterrupted()) {
                for (int i = 0; i < fleet.instances.size(); i++) {
                    long rss = rssKib(fleet.instances.get(i).process().pid());
                    lastRssKib[i] = rss;
                    peakRssKib[i] = Math.max(peakRssKib[i], rss);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void startCpu() {
            startNanos = System.nanoTime();
            for (int i = 0; i < fleet.instances.size(); i++) {
                cpuTicksStart[i] = GraceInstances.cpuTicks(fleet.instances.get(i).process().pid());
            }
        }

        void stopCpu() {
            wallNanos = System.nanoTime() - startNanos;
            for (int i = 0; i < fleet.instances.size(); i++) {
                long pid = fleet.instances.get(i).process().pid();
                cpuTicksUsed[i] = GraceInstances.cpuTicks(pid) - cpuTicksStart[i];
            }
        }

        String value(String name) {
            Matcher m = Pattern.compile("\\b" + name + "=([0-9.]+)").matcher(output);
            if (!m.find()) {
                throw new IllegalStateException("no " + name + " in wrk's output:\n" + output);
            }
            return m.group(1);
        }

        String summaryLine() {
            return "requests/s " + value("rps") + ", p95 " + value("p95_ms") + " ms, " + errors();
        }

        /** Answers other than 2xx by status, and wrk's socket errors; "0" when there were none. */
        String errors() {
            Matcher statuses = Pattern.compile("grace-wrk: statuses (.*)").matcher(output);
            List<String> bad = new ArrayList<>();
            if (statuses.find()) {
                for (String pair : statuses.group(1).trim().split(" ")) {
                    if (!pair.isEmpty() && !pair.startsWith("2")) {
                        bad.add(pair);
                    }
                }
            }
            Matcher socket = Pattern.compile("grace-wrk: socket_errors (.*)").matcher(output);
            if (socket.find()) {
                for (String pair : socket.group(1).trim().split(" ")) {
                    if (!pair.endsWith("=0")) {
                        bad.add(pair);
                    }
                }
            }
            return bad.isEmpty() ? "0" : String.join(" ", bad);
        }

        String memory() {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < lastRssKib.length; i++) {
                parts.add(lastRssKib[i] / 1024 + " / " + peakRssKib[i] / 1024);
            }
            return String.join(", ", parts);
        }

        String cpu() {
            List<String> parts = new ArrayList<>();
            for (long used : cpuTicksUsed) {
                parts.add(String.format("%.0f", 100.0 * used / TICKS / (wallNanos / 1e9)));
            }
            return String.join(", ", parts);
        }

        private static long rssKib(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException e) {
                return 0;
            }
            return 0;
        }

    }

    private static String loadAverage() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    /** "load average: 1.2, 3.4, 5.6" -> "1.2" (the 1-minute figure). */
    private static String shortLoad(String uptime) {
        Matcher m = Pattern.compile("load average: ([0-9.]+)").matcher(uptime);
        return m.find() ? m.group(1) : "?";
    }
}
