package org.grace.benchmarks.livestream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.grace.launcher.PayaraInstance;
import org.grace.testsupport.FreePorts;
import org.grace.testsupport.NginxLoadBalancer;
import org.grace.testsupport.PostgresServer;
import org.grace.testsupport.ProjectLayout;
import org.grace.testsupport.RedisServer;
import org.grace.testsupport.SseClient;

/**
 * The soak benchmark of issue #13 (must-show 6): thousands of open live streams over three Grace instances behind
 * nginx, alerts caused end to end at a steady rate, and for every delivered notification the lag from its row's
 * {@code created_at} to its arrival at the client; every stream's received ids against what PostgreSQL says it should
 * have had; each instance's memory before and after. Not a test: run by hand, the figures go to
 * {@code grace-benchmarks/results/live-streams.md}.
 *
 * <p>What runs: an embedded PostgreSQL and a redis-server (grace-test-support's), three Payara Micro processes with
 * the real WAR started through the launcher's {@link PayaraInstance} (development JVM profile, as the ITs), and
 * nginx rendered from the Ansible role's template. The world: one organisation, {@code facilities} facilities, each
 * with {@code perFacility} care managers and one resident with a companion device. Each manager opens {@code tabs}
 * streams through nginx. Alerts: the devices post transcripts that the detection job turns into incidents (round
 * robin over the residents, through nginx), whose alerts notify the facility's managers, and everything else that
 * happens to such an incident in production (alert log, {@code incident-updated} on the bus).
 *
 * <p>Arguments: {@code --streams=2000 --seconds=300 --rate=20 --tabs=2 --per-facility=10}; {@code --dry-run} is
 * {@code --streams=200 --seconds=30}.
 *
 * <p>Longer than 400 lines on purpose: it is one program whose steps (servers, world, streams, the five minutes, the
 * count, memory, the second open-close cycle) are the sections of results/live-streams.md, each run once and in that
 * order; the shared pieces (servers, instances, nginx, SSE client) already live in grace-test-support.
 */
public final class LiveStreamSoak {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "soak benchmark password";
    /** Transcripts the bundled rules detect as incidents of medium severity or above (so managers are told). */
    static final List<String> TRANSCRIPTS = List.of(
            "resident: I fell over in the bathroom and now I'm lying on the floor and my hip hurts",
            "resident: I can't breathe, my chest hurts so much",
            "resident: I tripped and fell and hit my head, there is blood everywhere",
            "resident: Someone hit me last night and took my money from my purse");

    /**
     * The instances' settings besides the servers' addresses and the shared signing key: every default but these.
     * The access tokens outlive the run (a stream re-authenticates 30 s before expiry); the sign-in hashing and the
     * rate limits only make the set-up (hundreds of sign-ins from one address) quick. The stream settings keep their
     * defaults: heartbeat 15 s, 2,000 streams per instance, 10 per user.
     */
    static final String INSTANCE_SETTINGS = """
            GRACE_INSTANCES=3
            GRACE_AUTH_SIGNING_KEY_ID=soak
            GRACE_AUTH_ACCESS_TTL=60m
            GRACE_AUTH_PBKDF2_ITERATIONS=10000
            GRACE_RATELIMIT_LOGIN_PER_MINUTE=100000
            GRACE_RATELIMIT_API_PER_MINUTE=1000000
            GRACE_RATELIMIT_INGEST_DEVICE_PER_MINUTE=100000
            GRACE_RATELIMIT_INGEST_RESIDENT_PER_MINUTE=100000
            GRACE_SHUTDOWN_DRAIN=0s
            """;

    private final int streamCount;
    private final int seconds;
    private final int rate;
    private final int tabs;
    private final int perFacility;
    private final int facilities;
    private final Path root = ProjectLayout.root();
    private final HttpClient api = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpClient streamHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private PostgresServer postgres;
    private RedisServer redis;
    private String dbUrl;
    private final List<PayaraInstance> instances = new ArrayList<>();
    private final Map<String, Integer> instanceIndex = new HashMap<>();
    private NginxLoadBalancer nginx;

    private long organizationId;
    private final List<Long> residents = new ArrayList<>();
    private final List<String> deviceCredentials = new ArrayList<>();
    private final List<Tab> tabList = new ArrayList<>();

    /** Interaction id to the epoch microsecond its POST was sent. */
    private final Map<Long, Long> postedAt = new ConcurrentHashMap<>();
    private final AtomicInteger postFailures = new AtomicInteger();
    private final List<Delivery> deliveries = new ArrayList<>();
    private volatile boolean collecting = true;
    private volatile boolean closingStreams;
    private int incidentUpdates;
    private int heartbeats;
    private int reauthenticates;
    private int foreign;
    private int reconnects;
    private int failedReconnects;
    private String classGrowth = "";
    private int staleFacilityAnswers;
    private final List<double[]> loadSamples = Collections.synchronizedList(new ArrayList<>());

    record Delivery(long id, long incidentId, String type, long createdMicros, long arrivedMicros) {
    }

    /** One open stream (a browser tab) of one user, as the client saw it. */
    static final class Tab {
        final long userId;
        final String bearer;
        SseClient client;
        long readyFrom;
        String instance;
        long lastId;
        final Set<Long> ids = new HashSet<>();
        int duplicates;

        Tab(long userId, String bearer) {
            this.userId = userId;
            this.bearer = bearer;
        }
    }

    private LiveStreamSoak(Map<String, Integer> plan) {
        streamCount = plan.get("streams");
        seconds = plan.get("seconds");
        rate = plan.get("rate");
        tabs = plan.get("tabs");
        perFacility = plan.get("per-facility");
        int users = (streamCount + tabs - 1) / tabs;
        this.facilities = Math.max(1, (users + perFacility - 1) / perFacility);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            if (arg.equals("--dry-run")) {
                a.putIfAbsent("streams", "200");
                a.putIfAbsent("seconds", "30");
            } else if (arg.startsWith("--") && arg.contains("=")) {
                a.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        Map<String, Integer> plan = new HashMap<>(Map.of("streams", 2000, "seconds", 300, "rate", 20, "tabs", 2,
                "per-facility", 10));
        a.forEach((k, v) -> {
            if (!plan.containsKey(k)) {
                throw new IllegalArgumentException("unknown argument --" + k);
            }
            plan.put(k, Integer.parseInt(v));
        });
        LiveStreamSoak soak = new LiveStreamSoak(plan);
        Thread cleanup = new Thread(soak::stopAll, "soak-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            soak.run();
        } finally {
            soak.stopAll();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        say("load before: " + uptime());
        say(String.format("plan: %d streams (%d users x %d tabs) over 3 instances, %d facilities x %d managers, "
                        + "%d alerts/s for %d s", streamCount, (streamCount + tabs - 1) / tabs,
                tabs, facilities, perFacility, rate, seconds));
        startServers();
        buildWorld();

        say("warm-up: 15 s of alerts with no stream open");
        drive(15);
        awaitDetected(new ArrayList<>(postedAt.keySet()), Duration.ofSeconds(120));
        postedAt.clear();
        Map<Integer, ProcessMemory> before = memory("before streams");
        Map<String, Long> classesBefore = ProcessMemory.liveBytesByClass(instances.get(0).process().pid());

        long t0 = System.nanoTime();
        openStreams();
        say(String.format("%d streams open in %.1f s", tabList.size(), (System.nanoTime() - t0) / 1e9));
        Thread.sleep(5000); // the catch-ups (on each dispatcher) make them live
        Map<Integer, Long> open = metricPerInstance("grace_stream_open");
        say("streams per instance (grace_stream_open): " + open);
        Map<Integer, ProcessMemory> withStreams = memory("with streams, idle");
        growth(classesBefore, ProcessMemory.liveBytesByClass(instances.get(0).process().pid()), open.get(0));

        Thread collector = new Thread(this::collect, "soak-collector");
        collector.start();
        ScheduledExecutorService loadSampler = Executors.newSingleThreadScheduledExecutor();
        loadSampler.scheduleAtFixedRate(() -> loadSamples.add(loadAverage()), 0, 10, TimeUnit.SECONDS);
        String loadStart = uptime();
        long runStart = System.nanoTime();
        drive(seconds);
        double driveSeconds = (System.nanoTime() - runStart) / 1e9;
        String loadEnd = uptime();
        loadSampler.shutdownNow();
        List<Long> interactions = new ArrayList<>(postedAt.keySet());
        awaitDetected(interactions, Duration.ofSeconds(180));
        Map<Long, List<Long>> expectedByUser = awaitDelivered(Duration.ofSeconds(60));
        Map<Integer, ProcessMemory> after = memory("after the run, streams still open");
        Map<String, Map<Integer, Double>> server = serverMetrics();

        closingStreams = true;
        collecting = false;
        collector.join();
        Map<Integer, Long> openAfterClose = closeStreams();
        Map<Integer, ProcessMemory> closed = memory("streams closed");

        report(before, withStreams, after, closed, open, openAfterClose, expectedByUser, interactions, server,
                driveSeconds, loadStart, loadEnd);

        // A leak would grow with every stream that came and went; a pool (buffers, threads) would not. So: every
        // stream once more, open then closed, and the heap again.
        openStreams();
        Thread.sleep(5000);
        Map<Integer, Long> reopened = metricPerInstance("grace_stream_open");
        Map<Integer, Long> openAfterSecondClose = closeStreams();
        Map<Integer, ProcessMemory> second = memory("after a second open-close cycle of every stream");
        StringBuilder line = new StringBuilder("second cycle: streams open " + reopened + ", then after close "
                + openAfterSecondClose + "; heap (MB) after the first close -> after the second:");
        for (int i = 0; i < instances.size(); i++) {
            line.append(String.format(" [%d] %s -> %s;", i + 1, closed.get(i).mb(closed.get(i).heapUsedKb()),
                    second.get(i).mb(second.get(i).heapUsedKb())));
        }
        System.out.println(line);
        Files.writeString(Path.of("target").toAbsolutePath().resolve("live-streams-" + tabList.size() + ".txt"),
                line + "\n", java.nio.file.StandardOpenOption.APPEND);
    }

    /** The classes whose live bytes grew most on instance 1 when its streams opened, per stream. */
    private void growth(Map<String, Long> before, Map<String, Long> after, long streams) throws IOException {
        List<Map.Entry<String, Long>> grown = new ArrayList<>();
        after.forEach((k, v) -> grown.add(Map.entry(k, v - before.getOrDefault(k, 0L))));
        grown.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        StringBuilder out = new StringBuilder(String.format("instance 1, live bytes by class, with %d streams minus "
                + "before (bytes per stream):%n", streams));
        for (Map.Entry<String, Long> e : grown.subList(0, Math.min(15, grown.size()))) {
            out.append(String.format("  %-90s %10d  %7.0f%n", e.getKey(), e.getValue(),
                    e.getValue() / (double) Math.max(1, streams)));
        }
        System.out.print(out);
        classGrowth = out.toString();
    }

    /** Closes every client's stream and waits (up to 60 s) until the instances have noticed; their open counts. */
    private Map<Integer, Long> closeStreams() throws InterruptedException {
        for (Tab t : tabList) {
            t.client.close();
        }
        long closeDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long t0 = System.nanoTime();
        while (metricPerInstance("grace_stream_open").values().stream().mapToLong(Long::longValue).sum() > 0
                && System.nanoTime() < closeDeadline) {
            Thread.sleep(500);
        }
        Map<Integer, Long> left = metricPerInstance("grace_stream_open");
        say(String.format("clients closed their streams; instances' open counts %s after %.1f s", left,
                (System.nanoTime() - t0) / 1e9));
        return left;
    }

    // ---- servers and instances

    private void startServers() throws Exception {
        postgres = PostgresServer.start();
        dbUrl = postgres.createDatabase("grace_soak");
        redis = RedisServer.start();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String key = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.UTF_8))
                .encodeToString(rsa.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        Map<String, String> env = settings(INSTANCE_SETTINGS);
        env.put("GRACE_DB_URL", dbUrl);
        env.put("GRACE_DB_USER", postgres.user());
        env.put("GRACE_REDIS_URL", redis.url());
        env.put("GRACE_AUTH_SIGNING_KEY", key);
        for (int i = 1; i <= 3; i++) {
            Path dir = ProjectLayout.scratch("soak-payara-" + i + "-");
            PayaraInstance instance = PayaraInstance.builder()
                    .payaraMicroJar(root.resolve("payara-config/target/payara-micro.jar"))
                    .war(root.resolve("grace-webapp/target/grace.war"))
                    .port(FreePorts.next()).rootDir(dir).name("soak-" + i).env(env)
                    .logFile(dir.resolveSibling(dir.getFileName() + ".log")).start();
            instances.add(instance);
            long t = System.nanoTime();
            String id = awaitDeployed(instance);
            instanceIndex.put(id, i - 1);
            say(String.format("instance %d (%s, pid %d, port %d) up in %.0f s", i, id, instance.process().pid(),
                    instance.port(), (System.nanoTime() - t) / 1e9));
        }
        nginx = NginxLoadBalancer.start(instances.stream().map(PayaraInstance::port).toList(), Map.of(),
                2 * streamCount + 1024);
        say("nginx on " + nginx.url() + " (worker_connections " + (2 * streamCount + 1024) + ")");
    }

    /** Waits until {@code /api/health} answers from Grace; returns the instance's id. */
    private String awaitDeployed(PayaraInstance instance) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!instance.process().isAlive()) {
                throw new IllegalStateException("Payara Micro exited with " + instance.process().exitValue());
            }
            try {
                HttpResponse<String> r = api.send(HttpRequest.newBuilder(URI.create(instance.baseUrl()
                        + "/api/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if ((r.statusCode() == 200 || r.statusCode() == 503) && r.body().contains("\"checks\"")) {
                    return JSON.readTree(r.body()).path("instance").asText();
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("instance on port " + instance.port() + " did not deploy in 10 minutes");
    }

    private static Map<String, String> settings(String lines) {
        Map<String, String> env = new HashMap<>();
        lines.lines().filter(l -> !l.isBlank())
                .forEach(l -> env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return env;
    }

    private void stopAll() {
        collecting = false;
        for (Tab t : tabList) {
            if (t.client != null) {
                t.client.close();
            }
        }
        if (nginx != null) {
            nginx.close();
            nginx = null;
        }
        instances.parallelStream().forEach(PayaraInstance::close);
        instances.clear();
        if (redis != null) {
            redis.close();
            redis = null;
        }
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    // ---- the world

    private void buildWorld() throws Exception {
        long t = System.nanoTime();
        JsonNode setup = expect(call("POST", "/api/setup", null, body(Map.of("organizationName", "Soak Homes",
                "email", "admin@soak.example", "displayName", "Soak Admin", "password", PASSWORD))), 201);
        long adminId = setup.path("user").path("id").asLong();
        String admin = signIn("admin@soak.example");
        List<Long> facilityIds = new ArrayList<>();
        for (int f = 0; f < facilities; f++) {
            long facility = expect(call("POST", "/api/facilities", admin, body(Map.of("name", "Wing " + f))), 201)
                    .path("id").asLong();
            facilityIds.add(facility);
            long resident = expect(created(admin, "/api/residents", body(Map.of("facilityId", facility,
                    "fullName", "Resident " + f))), 201).path("id").asLong();
            residents.add(resident);
            deviceCredentials.add(expect(created(admin, "/api/devices", body(Map.of("facilityId", facility,
                    "residentId", resident, "name", "Tablet " + f))), 201).path("credential").asText());
        }
        // The managers straight into the tables (with the admin's password hash): thousands of API calls of set-up
        // would only make the run longer. Membership is what decides who gets an alert.
        int users = (streamCount + tabs - 1) / tabs;
        List<long[]> managers = new ArrayList<>();
        try (Connection c = db()) {
            c.setAutoCommit(false);
            organizationId = one(c, "SELECT organization_id FROM users WHERE id = " + adminId);
            try (PreparedStatement user = c.prepareStatement("INSERT INTO users (organization_id, email, display_name, "
                    + "role, password_hash) SELECT ?, ?, ?, 'care_manager', password_hash FROM users WHERE id = ? "
                    + "RETURNING id");
                 PreparedStatement member = c.prepareStatement("INSERT INTO facility_staff (organization_id, "
                         + "facility_id, user_id) VALUES (?, ?, ?)")) {
                for (int u = 0; u < users; u++) {
                    long facility = facilityIds.get(u % facilities);
                    user.setLong(1, organizationId);
                    user.setString(2, "m" + u + "@soak.example");
                    user.setString(3, "Manager " + u);
                    user.setLong(4, adminId);
                    long id;
                    try (ResultSet rs = user.executeQuery()) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                    member.setLong(1, organizationId);
                    member.setLong(2, facility);
                    member.setLong(3, id);
                    member.executeUpdate();
                    managers.add(new long[] {u, id});
                }
            }
            c.commit();
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> tokens = new ArrayList<>();
            for (long[] m : managers) {
                tokens.add(pool.submit(() -> signIn("m" + m[0] + "@soak.example")));
            }
            for (int i = 0; i < managers.size(); i++) {
                String token = tokens.get(i).get();
                for (int k = 0; k < tabs && tabList.size() < streamCount; k++) {
                    tabList.add(new Tab(managers.get(i)[1], token));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        say(String.format("world: %d facilities, %d residents with a device, %d managers signed in, in %.0f s; %d "
                        + "set-up calls answered 'no such facility' first and were tried again", facilities,
                residents.size(), users, (System.nanoTime() - t) / 1e9, staleFacilityAnswers));
    }

    /**
     * POSTs something into a facility created a moment ago (through nginx, so usually on another instance). The
     * instances cache an organisation's facilities (two-level cache, evicted on every instance through Redis), and on
     * this loaded machine another instance answered "no such facility" for a facility created on its neighbour
     * milliseconds earlier: tried again, up to 5 s, and counted.
     */
    private HttpResponse<String> created(String bearer, String path, String json) throws Exception {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> r = call("POST", path, bearer, json);
            if (r.statusCode() != 400 || !r.body().contains("no such facility") || attempt == 20) {
                return r;
            }
            staleFacilityAnswers++;
            Thread.sleep(250);
        }
    }

    private String signIn(String email) throws Exception {
        return expect(call("POST", "/api/auth/login", null, body(Map.of("email", email, "password", PASSWORD,
                "client", "api"))), 200).path("accessToken").asText();
    }

    // ---- streams

    private void openStreams() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> opened = new ArrayList<>();
            for (Tab t : tabList) {
                opened.add(pool.submit(() -> {
                    open(t, null);
                    return null;
                }));
            }
            for (Future<?> f : opened) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void open(Tab t, String lastEventId) throws IOException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(nginx.url() + "/api/notifications/stream"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + t.bearer);
        if (lastEventId != null) {
            r.header("Last-Event-ID", lastEventId);
        }
        SseClient client = SseClient.open(streamHttp, r.GET().build(), Duration.ofSeconds(60));
        if (client.status() != 200) {
            throw new IllegalStateException("stream refused: " + client.status() + " " + client.refusal());
        }
        SseClient.Event ready = client.next("ready", Duration.ofSeconds(60));
        if (ready == null) {
            client.close();
            throw new IllegalStateException("no ready within 60 s");
        }
        JsonNode data = JSON.readTree(ready.data());
        if (lastEventId == null) {
            t.readyFrom = data.path("lastEventId").asLong();
            t.lastId = t.readyFrom;
        }
        t.instance = data.path("instance").asText();
        t.client = client;
    }

    /** The client side: drains every stream's queue (each event was stamped on arrival by its reader thread). */
    private void collect() {
        while (collecting) {
            for (Tab t : tabList) {
                SseClient.Event e;
                while ((e = t.client.next(Duration.ZERO)) != null) {
                    handle(t, e);
                }
                if (!t.client.isOpen() && !closingStreams) {
                    // as a browser's EventSource: reconnect through nginx with the last id seen
                    reconnects++;
                    try {
                        open(t, Long.toString(t.lastId));
                    } catch (Exception ex) {
                        failedReconnects++;
                        say("reconnect failed: " + ex);
                    }
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException ex) {
                return;
            }
        }
    }

    private void handle(Tab t, SseClient.Event e) {
        synchronized (t) {
            handleLocked(t, e);
        }
    }

    private void handleLocked(Tab t, SseClient.Event e) {
        if (e.isComment()) {
            heartbeats++;
            return;
        }
        switch (e.name()) {
            case "notification" -> {
                long id = Long.parseLong(e.id());
                JsonNode d;
                try {
                    d = JSON.readTree(e.data());
                } catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
                if (d.path("userId").asLong() != t.userId) {
                    foreign++;
                }
                t.lastId = Math.max(t.lastId, id);
                if (!t.ids.add(id)) {
                    t.duplicates++;
                    return;
                }
                deliveries.add(new Delivery(id, d.path("incidentId").asLong(), d.path("type").asText(),
                        micros(Instant.parse(d.path("createdAt").asText())), micros(e.receivedAt())));
            }
            case "incident-updated" -> incidentUpdates++;
            case "reauthenticate" -> reauthenticates++;
            default -> {
                // ready (after a reconnect), notification-updated
            }
        }
    }

    // ---- alerts

    /** Posts {@code rate} transcripts a second for {@code duration} seconds, round robin over the residents. */
    private void drive(int duration) throws InterruptedException {
        int total = rate * duration;
        AtomicInteger next = new AtomicInteger();
        ExecutorService posters = Executors.newFixedThreadPool(16);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            int n = next.getAndIncrement();
            if (n < total) {
                posters.submit(() -> post(n));
            }
        }, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
        while (next.get() < total) {
            Thread.sleep(100);
        }
        ticker.shutdownNow();
        posters.shutdown();
        posters.awaitTermination(60, TimeUnit.SECONDS);
        say(String.format("posted %d transcripts in %.1f s (%d failed)", total, (System.nanoTime() - start) / 1e9,
                postFailures.get()));
    }

    private void post(int n) {
        int r = n % residents.size();
        long sent = micros(Instant.now());
        try {
            HttpResponse<String> response = call("POST", "/api/residents/" + residents.get(r) + "/interactions",
                    deviceCredentials.get(r),
                    body(Map.of("text", TRANSCRIPTS.get((n / residents.size()) % TRANSCRIPTS.size()))));
            if (response.statusCode() == 202) {
                postedAt.put(JSON.readTree(response.body()).path("interactionId").asLong(), sent);
            } else {
                postFailures.incrementAndGet();
                say("transcript POST: " + response.statusCode() + " " + response.body());
            }
        } catch (Exception e) {
            postFailures.incrementAndGet();
            say("transcript POST failed: " + e);
        }
    }

    private void awaitDetected(List<Long> interactions, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pending;
        while ((pending = countOf("SELECT count(*) FROM interactions WHERE id = ANY (?) AND detected_at IS NULL",
                interactions)) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        say(pending == 0 ? "every transcript screened" : pending + " transcripts still unscreened after " + timeout);
    }

    /**
     * Waits until the streams have received every notification PostgreSQL holds for their users (or the timeout);
     * returns the notification ids by user.
     */
    private Map<Long, List<Long>> awaitDelivered(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<Long, List<Long>> byUser = notificationsByUser();
            long expected = 0;
            for (Tab t : tabList) {
                expected += byUser.getOrDefault(t.userId, List.of()).stream().filter(id -> id > t.readyFrom).count();
            }
            Thread.sleep(200);
            long received = deliveryCount();
            if (received >= expected || System.nanoTime() > deadline) {
                say("delivered " + received + " of " + expected + " expected");
                return byUser;
            }
            Thread.sleep(800);
        }
    }

    private long deliveryCount() {
        long n = 0;
        for (Tab t : tabList) {
            synchronized (t) {
                n += t.ids.size();
            }
        }
        return n;
    }

    private Map<Long, List<Long>> notificationsByUser() throws SQLException {
        Map<Long, List<Long>> byUser = new HashMap<>();
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement("SELECT user_id, id FROM notifications "
                + "WHERE organization_id = ? ORDER BY id")) {
            ps.setLong(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byUser.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getLong(2));
                }
            }
        }
        return byUser;
    }

    // ---- measurements

    private Map<Integer, ProcessMemory> memory(String phase) {
        Map<Integer, ProcessMemory> m = new TreeMap<>();
        for (int i = 0; i < instances.size(); i++) {
            m.put(i, ProcessMemory.afterFullGc(instances.get(i).process().pid()));
        }
        StringBuilder line = new StringBuilder("memory " + phase + ":");
        m.forEach((i, p) -> line.append(String.format(" [%d] RSS %s MB, heap %s MB, %d threads;", i + 1,
                p.mb(p.rssKb()), p.mb(p.heapUsedKb()), p.threads())));
        say(line.toString());
        return m;
    }

    private Map<Integer, Long> metricPerInstance(String series) {
        Map<Integer, Long> values = new TreeMap<>();
        for (int i = 0; i < instances.size(); i++) {
            values.put(i, Math.round(metric(instances.get(i), series)));
        }
        return values;
    }

    private Map<String, Map<Integer, Double>> serverMetrics() {
        Map<String, Map<Integer, Double>> all = new LinkedHashMap<>();
        for (String s : List.of("grace_stream_delivery_lag_seconds_count", "grace_stream_delivery_lag_seconds_sum",
                "grace_stream_notifications_delivered_total{path=\"pubsub\"}",
                "grace_stream_notifications_delivered_total{path=\"sweep\"}",
                "grace_stream_notifications_delivered_total{path=\"catch-up\"}",
                "grace_stream_queries_total{path=\"pubsub\"}", "grace_stream_queries_total{path=\"sweep\"}",
                "grace_stream_events_sent_total{event=\"incident-updated\"}")) {
            Map<Integer, Double> v = new TreeMap<>();
            for (int i = 0; i < instances.size(); i++) {
                v.put(i, metric(instances.get(i), s));
            }
            all.put(s, v);
        }
        return all;
    }

    private double metric(PayaraInstance instance, String series) {
        try {
            HttpResponse<String> r = api.send(HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/prometheus"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith(series + " ")) {
                    return Double.parseDouble(line.substring(series.length() + 1).trim());
                }
            }
            return 0;
        } catch (IOException e) {
            throw new IllegalStateException("/prometheus of " + instance.baseUrl() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void report(Map<Integer, ProcessMemory> before, Map<Integer, ProcessMemory> withStreams,
                        Map<Integer, ProcessMemory> after, Map<Integer, ProcessMemory> closed,
                        Map<Integer, Long> open, Map<Integer, Long> openAfterClose,
                        Map<Long, List<Long>> byUser, List<Long> interactions,
                        Map<String, Map<Integer, Double>> server, double driveSeconds, String loadStart,
                        String loadEnd) throws Exception {
        long expected = 0;
        long lost = 0;
        long duplicates = 0;
        long unexpected = 0;
        int streamsWithLoss = 0;
        for (Tab t : tabList) {
            Set<Long> want = new HashSet<>();
            for (long id : byUser.getOrDefault(t.userId, List.of())) {
                if (id > t.readyFrom) {
                    want.add(id);
                }
            }
            expected += want.size();
            long missing = want.stream().filter(id -> !t.ids.contains(id)).count();
            lost += missing;
            streamsWithLoss += missing > 0 ? 1 : 0;
            unexpected += t.ids.stream().filter(id -> !want.contains(id)).count();
            duplicates += t.duplicates;
        }
        Map<Long, Long> incidentToInteraction = new HashMap<>();
        long incidents;
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement("SELECT id, interaction_id FROM incidents "
                + "WHERE interaction_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("bigint", interactions.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    incidentToInteraction.put(rs.getLong(1), rs.getLong(2));
                }
            }
            incidents = incidentToInteraction.size();
        }
        List<Long> createdLag = new ArrayList<>();
        List<Long> postLag = new ArrayList<>();
        Map<String, Integer> types = new TreeMap<>();
        for (Delivery d : deliveries) {
            createdLag.add(d.arrivedMicros() - d.createdMicros());
            types.merge(d.type(), 1, Integer::sum);
            Long interaction = incidentToInteraction.get(d.incidentId());
            Long posted = interaction == null ? null : postedAt.get(interaction);
            if (posted != null) {
                postLag.add(d.arrivedMicros() - posted);
            }
        }
        Collections.sort(createdLag);
        Collections.sort(postLag);
        Map<String, Integer> perInstanceStreams = new TreeMap<>();
        for (Tab t : tabList) {
            perInstanceStreams.merge(t.instance, 1, Integer::sum);
        }

        StringBuilder out = new StringBuilder();
        out.append(String.format("%n==== live-stream soak: %d streams, %d alerts/s for %d s ====%n", tabList.size(),
                rate, seconds));
        out.append(String.format("transcripts posted: %d in %.1f s (%.1f/s), failed %d; incidents detected: %d%n",
                interactions.size(), driveSeconds, interactions.size() / driveSeconds, postFailures.get(), incidents));
        out.append(String.format("notifications expected on the streams: %d; received: %d; lost: %d (on %d streams); "
                        + "duplicates: %d; unexpected: %d; other users' notifications: %d%n", expected,
                deliveries.size(), lost, streamsWithLoss, duplicates, unexpected, foreign));
        out.append(String.format("types: %s; incident-updated events: %d; heartbeats: %d; reauthenticate: %d; "
                + "reconnects: %d (failed %d)%n", types, incidentUpdates, heartbeats, reauthenticates, reconnects,
                failedReconnects));
        out.append("| lag | n | p50 | p95 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n");
        out.append(lagRow("created_at to arrival", createdLag));
        out.append(lagRow("transcript POST to arrival", postLag));
        out.append("\n| instance | streams (ready) | grace_stream_open | RSS before | RSS with streams | RSS after run "
                + "| RSS streams closed | heap before | heap with streams | heap after run | heap streams closed "
                + "| threads before / with / after | heap per stream | RSS per stream |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
        for (int i = 0; i < instances.size(); i++) {
            String id = null;
            for (Map.Entry<String, Integer> e : instanceIndex.entrySet()) {
                if (e.getValue() == i) {
                    id = e.getKey();
                }
            }
            int n = perInstanceStreams.getOrDefault(id, 0);
            ProcessMemory b = before.get(i);
            ProcessMemory w = withStreams.get(i);
            ProcessMemory a = after.get(i);
            ProcessMemory c = closed.get(i);
            out.append(String.format("| %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %d / %d / %d | %s | %s |%n",
                    i + 1, n, open.get(i), b.mb(b.rssKb()), w.mb(w.rssKb()), a.mb(a.rssKb()), c.mb(c.rssKb()),
                    b.mb(b.heapUsedKb()), w.mb(w.heapUsedKb()), a.mb(a.heapUsedKb()), c.mb(c.heapUsedKb()),
                    b.threads(), w.threads(), a.threads(),
                    n == 0 ? "-" : String.format("%.1f KB", (w.heapUsedKb() - b.heapUsedKb()) / (double) n),
                    n == 0 ? "-" : String.format("%.1f KB", (w.rssKb() - b.rssKb()) / (double) n)));
        }
        out.append("(MB; heap = in use right after a full GC; per stream = (with streams - before) / streams)\n");
        out.append("streams open after the clients closed theirs: " + openAfterClose + "\n");
        out.append(classGrowth);
        out.append("server side: ");
        server.forEach((k, v) -> out.append(k).append(' ').append(v).append("; "));
        double count = server.get("grace_stream_delivery_lag_seconds_count").values().stream()
                .mapToDouble(Double::doubleValue).sum();
        double sum = server.get("grace_stream_delivery_lag_seconds_sum").values().stream()
                .mapToDouble(Double::doubleValue).sum();
        out.append(String.format("%nserver-side mean created_at-to-send lag: %.0f ms over %.0f sends%n",
                count == 0 ? 0 : sum * 1000 / count, count));
        double[] lmin = {Double.MAX_VALUE};
        double[] lmax = {0};
        double lsum = 0;
        synchronized (loadSamples) {
            for (double[] s : loadSamples) {
                lmin[0] = Math.min(lmin[0], s[0]);
                lmax[0] = Math.max(lmax[0], s[0]);
                lsum += s[0];
            }
        }
        out.append(String.format("load (1 min) during the run: min %.2f, mean %.2f, max %.2f over %d samples; "
                + "at start: %s; at end: %s; now: %s%n", lmin[0], lsum / Math.max(1, loadSamples.size()), lmax[0],
                loadSamples.size(), loadStart, loadEnd, uptime()));
        System.out.print(out);
        Path file = Path.of("target").toAbsolutePath().resolve("live-streams-" + tabList.size() + ".txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out.toString());
        say("written to " + file);
    }

    private static String lagRow(String name, List<Long> sorted) {
        if (sorted.isEmpty()) {
            return "| " + name + " | 0 | - | - | - | - |\n";
        }
        return String.format("| %s | %d | %s | %s | %s | %s |%n", name, sorted.size(), ms(pct(sorted, 50)),
                ms(pct(sorted, 95)), ms(pct(sorted, 99)), ms(sorted.get(sorted.size() - 1)));
    }

    private static long pct(List<Long> sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static String ms(long micros) {
        return String.format("%.0f ms", micros / 1000.0);
    }

    // ---- helpers

    private HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
        // Every call here is JSON (or nothing); the type on a call without a body is harmless.
        HttpRequest.BodyPublisher content = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(nginx.url() + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").method(method, content);
        return api.send((bearer == null ? request : request.header("Authorization", "Bearer " + bearer)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode expect(HttpResponse<String> r, int status) throws IOException {
        if (r.statusCode() != status) {
            throw new IllegalStateException("expected " + status + " but got " + r.statusCode() + " for "
                    + r.request().method() + " " + r.request().uri() + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private static String body(Map<String, Object> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection db() throws SQLException {
        return DriverManager.getConnection(dbUrl, postgres.user(), "");
    }

    private static long one(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long countOf(String sql, List<Long> ids) throws SQLException {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(sql)) {
            Array array = c.createArrayOf("bigint", ids.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    private static double[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException e) {
            return new double[] {0, 0, 0};
        }
    }

    private static String uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return s;
        } catch (IOException e) {
            return "(uptime failed: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void say(String line) {
        System.out.println(Instant.now() + " " + line);
        System.out.flush();
    }
}
