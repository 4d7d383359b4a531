package org.grace.benchmarks.care;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.grace.benchmarks.BenchLock;
import org.grace.benchmarks.BenchOptions;
import org.grace.benchmarks.GraceInstances;
import org.grace.launcher.PayaraInstance;
import org.grace.testsupport.NginxLoadBalancer;
import org.grace.testsupport.PostgresServer;
import org.grace.testsupport.ProjectLayout;
import org.grace.testsupport.RedisServer;

/**
 * Transcript ingestion end to end (issue #12, must-show 9): companion devices post transcripts to the real WAR on
 * Payara Micro, the detection job screens them, and an alerting one ends as notification rows. Measured at 1 instance
 * (direct) and 3 instances (behind nginx configured by the Ansible role's template), all on one PostgreSQL and one
 * Redis started here on loopback.
 *
 * <p>Per configuration:
 * <ol>
 *   <li><b>Open loop</b>: {@code --rate} transcripts a second, sent at fixed times whatever the answers do, for
 *   {@code --warmup} seconds (not counted) then {@code --duration} seconds, in the order of {@link TranscriptMix}.
 *   For each alerting transcript, the time from the client handing the POST over to the first notification of its
 *   incident, two ways: to the row's {@code created_at} (PostgreSQL's {@code now()}, the start of the transaction
 *   that wrote the incident and its notifications; the client's clock is the same machine clock) and to the moment a
 *   poller on the client, reading new notification rows every {@value #POLL_MILLIS} ms in id (= commit) order, saw
 *   it. POST latency is from the scheduled send time (no coordinated omission).</li>
 *   <li><b>Ceiling</b>: {@code --concurrency} clients post back to back (closed loop) for {@code --ceiling-duration}
 *   seconds: transcripts accepted a second and errors; then the time until the detection backlog is screened.</li>
 *   <li><b>Check</b>: every transcript posted in this configuration was screened, every alerting one has exactly one
 *   incident of its labelled severity with one notification per expected recipient and one {@code alert_sent} row,
 *   no non-alerting one has an incident, and no detection job failed or ran twice.</li>
 * </ol>
 * The rate limits are raised so that they are not what is measured (each POST still passes both ingestion limiters,
 * one Redis call each); {@code --residents} residents each have their own device, posting in turn.
 *
 * <p>With {@code GRACE_BENCH_LOCK} set to a file, each configuration's measurements (not the boots) run under
 * {@code flock(1)} on it, so that benchmarks sharing a machine do not overlap.
 *
 * <p>Longer than 400 lines on purpose: it is one program whose steps (instances, care data, open loop, ceiling, the
 * exactly-once check, the report) are the sections of results/care-ingestion.md, each run once per configuration
 * and in that order; the mix and the care data are classes of their own.
 */
public final class CareIngestionBenchmark {
    static final String PASSWORD = "correct horse battery staple";
    static final int POLL_MILLIS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The instances' settings beside servers and key. Ingestion limits at 6,000,000 a minute are never reached;
     * sign-in and API limits only serve the set-up; PBKDF2 at its floor only makes the few sign-ins of the set-up
     * cheap. Everything else (pool size, job workers) is the default a deployment of that many instances gets.
     */
    private static final Map<String, String> SETTINGS = GraceInstances.settings("care-bench", Map.of(
            "GRACE_RATELIMIT_API_PER_MINUTE", "100000",
            "GRACE_RATELIMIT_INGEST_DEVICE_PER_MINUTE", "6000000",
            "GRACE_RATELIMIT_INGEST_RESIDENT_PER_MINUTE", "6000000"));

    private final Map<String, String> options;
    private final Path root = ProjectLayout.root();
    private final HttpClient http;
    private final List<String> report = new ArrayList<>();
    private CareData care;
    private String jdbcUrl;
    private String dbUser;

    private CareIngestionBenchmark(Map<String, String> options) {
        this.options = options;
        this.http = GraceInstances.http11Client();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse("instances=1,3 rate=100 warmup=90 duration=60 "
                + "concurrency=32 ceiling-duration=30 residents=50 profile=staging", args);
        new CareIngestionBenchmark(options).run();
        System.exit(0);
    }

    private int option(String name) {
        return Integer.parseInt(options.get(name));
    }

    private void run() throws Exception {
        System.out.printf("care ingestion benchmark: %s, JDK %s, %d cores, options %s%n", Instant.now(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), options);
        try (PostgresServer postgres = PostgresServer.start(); RedisServer redis = RedisServer.start()) {
            Map<String, String> env = GraceInstances.environment(SETTINGS, postgres, "grace_care_bench", redis);
            jdbcUrl = env.get("GRACE_DB_URL");
            dbUser = env.get("GRACE_DB_USER");
            for (String count : options.get("instances").split(",")) {
                int n = Integer.parseInt(count.trim());
                List<PayaraInstance> instances = GraceInstances.startFleet(http,
                        root.resolve("grace-webapp/target/grace.war"), n, env, "care-bench", options.get("profile"));
                try {
                    if (care == null) {
                        care = CareData.build(http, instances.get(0).baseUrl(), option("residents"));
                    }
                    if (n == 1) {
                        measure("1 instance, direct", instances.get(0).baseUrl());
                    } else {
                        try (NginxLoadBalancer nginx = NginxLoadBalancer.start(
                                instances.stream().map(PayaraInstance::port).toList())) {
                            measure(n + " instances behind nginx", nginx.url());
                        }
                    }
                } finally {
                    instances.parallelStream().forEach(PayaraInstance::close);
                }
            }
        }
        System.out.println();
        report.forEach(System.out::println);
    }

    // ------------------------------------------------------------------------------------------------ measuring

    /** One POST: what was sent, when, and what came back. */
    static final class Post {
        /** The n-th transcript of its run: resident {@code n % residents}, transcript {@code n % mix}. */
        final int n;
        final boolean counted;
        volatile long scheduledNanos;
        volatile long sentEpochMicros;
        volatile long answeredNanos;
        volatile int status;
        volatile long interactionId = -1;
        volatile String error;

        Post(int n, boolean counted) {
            this.n = n;
            this.counted = counted;
        }

        TranscriptMix.Transcript transcript() {
            return TranscriptMix.at(n);
        }

        long latencyNanos() {
            return answeredNanos - scheduledNanos;
        }
    }

    private void measure(String setup, String baseUrl) throws Exception {
        int rate = option("rate");
        int warmup = option("warmup");
        int duration = option("duration");
        try (BenchLock lock = BenchLock.take(); NotificationPoller poller = new NotificationPoller(jdbcUrl, dbUser)) {
            String loadBefore = GraceInstances.loadAverage();
            long firstNotification = poller.start();
            long firstInteraction = maxInteractionId();
            System.out.printf("%s: open loop at %d/s, %d s warm-up + %d s (load %s)%n", setup, rate, warmup,
                    duration, loadBefore);
            List<Post> open = openLoop(baseUrl, rate, warmup, duration);
            awaitScreened(firstInteraction, Duration.ofMinutes(5));
            poller.catchUp();
            String loadAfterOpen = GraceInstances.loadAverage();
            OpenLoopResult openResult = OpenLoopResult.of(open, poller, rate, duration);

            long ceilingFirstInteraction = maxInteractionId();
            int concurrency = option("concurrency");
            int ceilingSeconds = option("ceiling-duration");
            System.out.printf("%s: closed loop, %d clients, %d s%n", setup, concurrency, ceilingSeconds);
            long c0 = System.nanoTime();
            List<Post> closed = closedLoop(baseUrl, concurrency, ceilingSeconds);
            double postingSeconds = (System.nanoTime() - c0) / 1e9;
            double screenedAfter = awaitScreened(ceilingFirstInteraction, Duration.ofMinutes(10));
            double screenedSeconds = (System.nanoTime() - c0) / 1e9;
            String loadAfter = GraceInstances.loadAverage();

            List<Post> all = new ArrayList<>(open);
            all.addAll(closed);
            Verdict verdict = Verdict.check(jdbcUrl, dbUser, care, all, firstInteraction, firstNotification);

            long accepted = closed.stream().filter(p -> p.status == 202).count();
            long closedErrors = closed.size() - accepted;
            double[] closedLatency = percentiles(closed.stream().filter(p -> p.status == 202)
                    .mapToLong(Post::latencyNanos).toArray());
            List<String> section = new ArrayList<>();
            section.add("## " + setup);
            section.add("");
            section.add("Lock waited " + lock.waitedSeconds() + " s. Load average (1 min) before " + loadBefore
                    + ", after the open loop " + loadAfterOpen + ", after the ceiling " + loadAfter + ".");
            section.add("");
            section.addAll(openResult.lines());
            section.add("");
            section.add(String.format("Ceiling (closed loop, %d clients, %.1f s): %d posted, %d accepted = **%.0f/s**, "
                            + "%d errors %s; POST p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms; backlog screened "
                            + "%.1f s after the last POST (%d transcripts screened in %.1f s from the first = %.0f/s)",
                    concurrency, postingSeconds, closed.size(), accepted, accepted / postingSeconds, closedErrors,
                    errorKinds(closed), closedLatency[0], closedLatency[1], closedLatency[2], closedLatency[3],
                    screenedAfter, closed.size(), screenedSeconds, closed.size() / screenedSeconds));
            section.add("");
            section.addAll(verdict.lines());
            section.add("");
            section.forEach(System.out::println);
            report.addAll(section);
        }
    }

    /** Sends {@code rate}/s at fixed times for warm-up + duration seconds; waits for every answer (30 s timeout). */
    private List<Post> openLoop(String baseUrl, int rate, int warmupSeconds, int seconds) throws InterruptedException {
        int warm = rate * warmupSeconds;
        int total = warm + rate * seconds;
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        List<Post> posts = new ArrayList<>(total);
        AtomicInteger outstanding = new AtomicInteger();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long worstLag = 0;
        for (int i = 0; i < total; i++) {
            Post post = new Post(i, i >= warm);
            post.scheduledNanos = start + i * period;
            long wait;
            while ((wait = post.scheduledNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            worstLag = Math.max(worstLag, System.nanoTime() - post.scheduledNanos);
            posts.add(post);
            outstanding.incrementAndGet();
            send(baseUrl, post).whenComplete((r, e) -> outstanding.decrementAndGet());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.printf("open loop: %d sent, sender at most %.1f ms late, %d unanswered%n", total, worstLag / 1e6,
                outstanding.get());
        return posts;
    }

    private List<Post> closedLoop(String baseUrl, int clients, int seconds) throws Exception {
        List<Post> posts = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        int i = next.getAndIncrement();
                        Post post = new Post(i, true);
                        post.scheduledNanos = System.nanoTime();
                        posts.add(post);
                        send(baseUrl, post).join();
                    }
                    return null;
                }));
            }
            for (var f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(posts);
    }

    private java.util.concurrent.CompletableFuture<HttpResponse<String>> send(String baseUrl, Post post) {
        int slot = post.n % care.residentIds().size();
        long resident = care.residentIds().get(slot);
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("text", post.transcript().text()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/residents/" + resident
                        + "/interactions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + care.deviceCredentials().get(slot))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        post.sentEpochMicros = epochMicros();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
            post.answeredNanos = System.nanoTime();
            if (e != null) {
                post.error = e.getClass().getSimpleName();
                return;
            }
            post.status = r.statusCode();
            if (r.statusCode() == 202) {
                try {
                    post.interactionId = JSON.readTree(r.body()).path("interactionId").asLong(-1);
                } catch (IOException ex) {
                    post.error = "unreadable 202 body";
                }
            } else {
                post.error = "status " + r.statusCode();
            }
        });
    }

    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    static String errorKinds(List<Post> posts) {
        Map<String, Long> kinds = posts.stream().filter(p -> p.status != 202)
                .collect(Collectors.groupingBy(p -> p.error == null ? "no answer" : p.error, Collectors.counting()));
        return kinds.isEmpty() ? "" : kinds.toString();
    }

    /** p50, p95, p99, max of nanosecond values, in milliseconds (NaN when empty). */
    static double[] percentiles(long[] nanos) {
        if (nanos.length == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double[] out = new double[4];
        double[] qs = {0.50, 0.95, 0.99};
        for (int i = 0; i < qs.length; i++) {
            int index = (int) Math.ceil(qs[i] * sorted.length) - 1;
            out[i] = sorted[Math.max(0, index)] / 1e6;
        }
        out[3] = sorted[sorted.length - 1] / 1e6;
        return out;
    }

    private long maxInteractionId() throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(max(id), 0) FROM interactions"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until every interaction above {@code afterId} is screened; seconds waited. */
    private double awaitScreened(long afterId, Duration limit) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM interactions WHERE id > ? AND detected_at IS NULL")) {
            ps.setLong(1, afterId);
            while (true) {
                long pending;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    pending = rs.getLong(1);
                }
                if (pending == 0) {
                    return (System.nanoTime() - t0) / 1e9;
                }
                if (System.nanoTime() > deadline) {
                    System.out.printf("%d interactions still unscreened after %s%n", pending, limit);
                    return Double.NaN;
                }
                Thread.sleep(50);
            }
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, dbUser, "");
    }

    // ------------------------------------------------------------------------------------------------ pieces

    /**
     * Reads new {@code incident_alert} notification rows every {@value #POLL_MILLIS} ms in id order (ids are in
     * commit order, docs/care.md), noting per interaction its first row's {@code created_at} and when the client
     * first saw it.
     */
    static final class NotificationPoller implements AutoCloseable {
        final Map<Long, Long> createdMicros = new ConcurrentHashMap<>();
        final Map<Long, Long> seenMicros = new ConcurrentHashMap<>();
        private final Connection connection;
        private volatile boolean running;
        private volatile long lastId;
        private Thread thread;

        NotificationPoller(String url, String user) throws SQLException {
            connection = DriverManager.getConnection(url, user, "");
        }

        /** Starts polling after the newest existing notification; returns its id. */
        long start() throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement("SELECT coalesce(max(id), 0) FROM notifications");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                lastId = rs.getLong(1);
            }
            running = true;
            thread = new Thread(this::loop, "notification-poller");
            thread.setDaemon(true);
            thread.start();
            return lastId;
        }

        private void loop() {
            while (running) {
                try {
                    pollOnce();
                } catch (SQLException e) {
                    System.out.println("poller: " + e.getMessage());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
            }
        }

        private synchronized void pollOnce() throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement("SELECT n.id, i.interaction_id, "
                    + "(extract(epoch FROM n.created_at) * 1000000)::bigint FROM notifications n JOIN incidents i ON "
                    + "i.id = n.incident_id WHERE n.id > ? AND n.type = 'incident_alert' ORDER BY n.id LIMIT 20000")) {
                ps.setLong(1, lastId);
                try (ResultSet rs = ps.executeQuery()) {
                    long seen = epochMicros();
                    while (rs.next()) {
                        lastId = rs.getLong(1);
                        long interaction = rs.getLong(2);
                        seenMicros.putIfAbsent(interaction, seen);
                        createdMicros.merge(interaction, rs.getLong(3), Math::min);
                    }
                }
            }
        }

        /** One more read, so that rows committed before now are counted. */
        void catchUp() throws SQLException {
            pollOnce();
        }

        @Override
        public void close() throws SQLException {
            running = false;
            if (thread != null) {
                try {
                    thread.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            connection.close();
        }
    }

    /** The open loop's figures over the counted (post-warm-up) transcripts. */
    record OpenLoopResult(List<String> lines) {
        static OpenLoopResult of(List<Post> posts, NotificationPoller poller, int rate, int seconds) {
            List<Post> counted = posts.stream().filter(p -> p.counted).toList();
            long accepted = counted.stream().filter(p -> p.status == 202).count();
            double[] post = percentiles(counted.stream().filter(p -> p.status == 202)
                    .mapToLong(Post::latencyNanos).toArray());
            List<Long> toCreated = new ArrayList<>();
            List<Long> toSeen = new ArrayList<>();
            int alerting = 0;
            int missing = 0;
            for (Post p : counted) {
                if (!p.transcript().alerting() || p.interactionId < 0) {
                    continue;
                }
                alerting++;
                Long created = poller.createdMicros.get(p.interactionId);
                Long seen = poller.seenMicros.get(p.interactionId);
                if (created == null || seen == null) {
                    missing++;
                    continue;
                }
                toCreated.add((created - p.sentEpochMicros) * 1000);
                toSeen.add((seen - p.sentEpochMicros) * 1000);
            }
            double[] created = percentiles(toCreated.stream().mapToLong(Long::longValue).toArray());
            double[] seen = percentiles(toSeen.stream().mapToLong(Long::longValue).toArray());
            List<String> lines = new ArrayList<>();
            lines.add(String.format("Open loop at %d/s for %d s (after the warm-up): %d posted, %d accepted (202), "
                    + "%d errors %s; %d alerting transcripts, %d without a notification row", rate, seconds,
                    counted.size(), accepted, counted.size() - accepted, errorKinds(counted), alerting, missing));
            lines.add("");
            lines.add("| measure (ms) | n | p50 | p95 | p99 | max |");
            lines.add("|---|---:|---:|---:|---:|---:|");
            lines.add(row("POST answered (202), from its scheduled send time", (int) accepted, post));
            lines.add(row("POST sent -> notification `created_at` (PostgreSQL clock)", toCreated.size(), created));
            lines.add(row("POST sent -> notification row seen by the client (" + POLL_MILLIS + " ms poll)",
                    toSeen.size(), seen));
            return new OpenLoopResult(lines);
        }

        private static String row(String name, int n, double[] p) {
            return String.format("| %s | %d | %.0f | %.0f | %.0f | %.0f |", name, n, p[0], p[1], p[2], p[3]);
        }
    }

    /** Whether every transcript ended as it must: screened, its incident once, its recipients once. */
    record Verdict(List<String> lines) {
        static Verdict check(String url, String user, CareData care, List<Post> posts, long afterInteraction,
                             long afterNotification) throws SQLException {
            Map<Long, Post> byInteraction = new HashMap<>();
            for (Post p : posts) {
                if (p.interactionId >= 0) {
                    byInteraction.put(p.interactionId, p);
                }
            }
            Map<Long, String> severity = new HashMap<>();
            Map<Long, Integer> incidents = new HashMap<>();
            Map<Long, Set<Long>> recipients = new HashMap<>();
            Map<Long, Integer> notifications = new HashMap<>();
            Map<Long, Integer> alertRows = new HashMap<>();
            long unscreened;
            long failedJobs;
            long repeatedJobs;
            long rowsUnposted;
            try (Connection c = DriverManager.getConnection(url, user, "")) {
                unscreened = count(c, "SELECT count(*) FROM interactions WHERE id > ? AND detected_at IS NULL",
                        afterInteraction);
                rowsUnposted = count(c, "SELECT count(*) FROM interactions WHERE id > ?", afterInteraction)
                        - byInteraction.size();
                failedJobs = count(c, "SELECT count(*) FROM grace_jobs WHERE type = 'detect-incidents' AND "
                        + "status <> 'completed' AND (payload->>'interactionId')::bigint > ?", afterInteraction);
                repeatedJobs = count(c, "SELECT count(*) FROM grace_jobs WHERE type = 'detect-incidents' AND "
                        + "attempts > 1 AND (payload->>'interactionId')::bigint > ?", afterInteraction);
                try (PreparedStatement ps = c.prepareStatement("SELECT i.interaction_id, i.severity, "
                        + "(SELECT count(*) FROM incidents j WHERE j.interaction_id = i.interaction_id), "
                        + "(SELECT array_agg(n.user_id) FROM notifications n WHERE n.incident_id = i.id AND "
                        + "n.id > ?), "
                        + "(SELECT count(*) FROM alert_log a WHERE a.incident_id = i.id AND a.kind = 'alert_sent') "
                        + "FROM incidents i WHERE i.interaction_id > ?")) {
                    ps.setLong(1, afterNotification);
                    ps.setLong(2, afterInteraction);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long interaction = rs.getLong(1);
                            severity.put(interaction, rs.getString(2));
                            incidents.put(interaction, rs.getInt(3));
                            java.sql.Array users = rs.getArray(4);
                            List<Long> ids = users == null ? List.of() : Arrays.asList((Long[]) users.getArray());
                            recipients.put(interaction, new TreeSet<>(ids));
                            notifications.put(interaction, ids.size());
                            alertRows.put(interaction, rs.getInt(5));
                        }
                    }
                }
            }
            int alerting = 0;
            int expectedNotifications = 0;
            int foundNotifications = 0;
            List<String> wrong = new ArrayList<>();
            for (Map.Entry<Long, Post> e : byInteraction.entrySet()) {
                long interaction = e.getKey();
                TranscriptMix.Transcript t = e.getValue().transcript();
                if (!t.alerting()) {
                    if (incidents.containsKey(interaction)) {
                        wrong.add("interaction " + interaction + " (no incident expected) has a " + severity.get(
                                interaction) + " incident");
                    }
                    continue;
                }
                alerting++;
                Set<Long> want = care.recipients(t.severity());
                expectedNotifications += want.size();
                foundNotifications += notifications.getOrDefault(interaction, 0);
                if (!incidents.containsKey(interaction)) {
                    wrong.add("interaction " + interaction + " has no incident (" + t.severity() + " expected)");
                } else if (incidents.get(interaction) != 1 || !t.severity().equals(severity.get(interaction))
                        || !want.equals(recipients.get(interaction))
                        || notifications.get(interaction) != want.size() || alertRows.get(interaction) != 1) {
                    wrong.add("interaction " + interaction + ": " + incidents.get(interaction) + " incident(s) "
                            + severity.get(interaction) + " (expected 1 " + t.severity() + "), notifications to "
                            + recipients.get(interaction) + " x" + notifications.get(interaction) + " (expected "
                            + want + "), " + alertRows.get(interaction) + " alert_sent rows");
                }
            }
            List<String> lines = new ArrayList<>();
            lines.add(String.format("Check over all %d transcripts accepted in this configuration (warm-up, open loop "
                            + "and ceiling): %d unscreened, %d alerting with %d incidents found, notifications "
                            + "expected %d / found %d, %d wrong, %d stored interactions the client has no 202 for, "
                            + "%d detection jobs not completed, %d run more than once",
                    byInteraction.size(), unscreened, alerting, incidents.size(), expectedNotifications,
                    foundNotifications, wrong.size(), rowsUnposted, failedJobs, repeatedJobs));
            wrong.stream().limit(10).forEach(w -> lines.add("    " + w));
            return new Verdict(lines);
        }

        private static long count(Connection c, String sql, long arg) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }

    static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }
}
