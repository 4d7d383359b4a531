package org.grace.webapp.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.grace.testsupport.NginxExtension.NginxLoadBalancers;
import org.grace.testsupport.NginxLoadBalancer;
import org.grace.testsupport.PostgresDatabase;
import org.grace.testsupport.WithNginx;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.grace.webapp.it.LoadRecorder.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fleet as an operator runs it: three instances through the launcher on one PostgreSQL and one Redis with one
 * signing key, nginx in front configured by the Ansible role's template. One boot of three instances serves every
 * scenario, in order: health probes under concurrency, histograms that add up across instances, a PostgreSQL outage
 * under load, and a rolling restart under mixed load with jobs running. Each prints its figures.
 */
@WithGrace
@WithNginx
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetUnderFaultsIT {
    /** GRACE_SHUTDOWN_DRAIN of the fleet: long enough for the readiness watch to see many probes of the drain. */
    private static final Duration DRAIN = Duration.ofSeconds(2);
    private static final String PASSWORD = "correct horse battery staple";
    private static final String JOB_TYPE = "purge-expired-tokens";

    private static GraceFleet fleet;
    private static PostgresDatabase database;
    private static NginxLoadBalancer lb;
    private static final List<GraceProcess> instances = new ArrayList<>();
    private static final Map<String, String> env = new HashMap<>();
    private static String token;

    @BeforeAll
    static void start(GraceFleet graceFleet, PostgresDatabase db, NginxLoadBalancers nginx) throws Exception {
        fleet = graceFleet;
        database = db;
        // Failsafe's rerun of a failed test runs this again in the same JVM, with a new fleet: start from nothing.
        instances.clear();
        env.clear();
        env.put("GRACE_AUTH_SIGNING_KEY", SigningKeys.newPrivateKeyPem());
        env.put("GRACE_AUTH_SIGNING_KEY_ID", "fleet");
        env.put("GRACE_AUTH_PBKDF2_ITERATIONS", "10000");
        env.put("GRACE_RATELIMIT_API_PER_MINUTE", "1000000");
        env.put("GRACE_RATELIMIT_LOGIN_PER_MINUTE", "1000");
        // The scenarios are about PostgreSQL and instances. On two cores at a load average over 30 a Redis answer
        // took over 250 ms at times; the token denial check then fell back to PostgreSQL, which during the outage
        // answered a signed-in read with 401 "sign-in cannot be checked right now" (seen in a run; see
        // docs/operations.md). A 1 s deadline keeps Redis answering here.
        env.put("GRACE_REDIS_CALL_TIMEOUT", "1s");
        // The rolling restart stops instances as production does: serving, readiness 503, for the drain first.
        env.put("GRACE_SHUTDOWN_DRAIN", DRAIN.toMillis() + "ms");
        instances.addAll(fleet.start("fleet", 3, env));
        lb = nginx.start(fleet.ports());

        LoadRecorder client = new LoadRecorder();
        Outcome setup = client.send("setup", post("/api/setup", "{\"organizationName\":\"Rose Court\","
                + "\"email\":\"admin@rose.example\",\"displayName\":\"Ada Admin\",\"password\":\"" + PASSWORD + "\"}",
                null));
        assertThat(setup.status()).as(String.valueOf(setup.failure())).isEqualTo(201);
        HttpResponse<String> login = instances.get(0).send(HttpRequest.newBuilder(
                URI.create(lb.url() + "/api/auth/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"admin@rose.example\",\"password\":\""
                        + PASSWORD + "\",\"client\":\"api\"}")).build());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        token = GraceProcess.json(login).path("accessToken").asText();
        assertThat(token).isNotBlank();
    }

    @Test
    @Order(1)
    void sixtyFourConcurrentHealthProbesOnAHealthyInstanceAreAll200() throws Exception {
        GraceProcess target = instances.get(0);
        int probes = 64;
        int rounds = 10;
        ExecutorService pool = Executors.newFixedThreadPool(probes);
        LoadRecorder client = new LoadRecorder();
        try {
            List<Outcome> all = new CopyOnWriteArrayList<>();
            for (int round = 0; round < rounds; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Outcome>> futures = new ArrayList<>();
                for (int i = 0; i < probes; i++) {
                    futures.add(pool.submit(() -> {
                        go.await();
                        return client.send("health", HttpRequest.newBuilder(URI.create(target.baseUrl()
                                + "/api/health")).timeout(Duration.ofSeconds(20)).build());
                    }));
                }
                go.countDown();
                for (Future<Outcome> f : futures) {
                    all.add(f.get());
                }
            }
            Map<Integer, Long> statuses = LoadRecorder.statuses(all);
            double slowest = all.stream().mapToDouble(o -> (o.endNanos() - o.startNanos()) / 1e6).max().orElse(0);
            System.out.printf("FleetUnderFaultsIT health: %d rounds of %d concurrent GET /api/health on one instance:"
                    + " %s (status: count), slowest %.1f ms%n", rounds, probes, statuses, slowest);
            assertThat(statuses).containsOnlyKeys(200);
            assertThat(all).hasSize(probes * rounds);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(2)
    void requestHistogramsOfThreeInstancesAddUpToAFleetP95() throws Exception {
        int requests = 300;
        LoadRecorder client = new LoadRecorder();
        for (int i = 0; i < requests; i++) {
            Outcome o = client.send("users", get("/api/users"));
            assertThat(o.status()).as(String.valueOf(o.failure())).isEqualTo(200);
        }
        Map<Double, Long> fleetBuckets = new TreeMap<>();
        long fleetCount = 0;
        double fleetSum = 0;
        List<Long> perInstance = new ArrayList<>();
        for (GraceProcess instance : instances) {
            String text = instance.get("/prometheus").body();
            assertThat(text).contains("# TYPE grace_http_request_duration_seconds histogram",
                    "grace_redis_call_duration_seconds_bucket", "grace_db_call_duration_seconds_bucket",
                    "process_cpu_usage_ratio", "process_resident_memory_bytes", "grace_db_pool_active_connections",
                    "grace_db_pool_max_connections");
            PrometheusText.checkWithPromtool(text);
            assertThat(PrometheusText.seriesOfAlerts()).allSatisfy(name -> assertThat(text)
                    .as("series used by monitoring/alerts.yml").contains("\n" + name));
            String series = "grace_http_request_duration_seconds_bucket{route=\"/api/users\",status_class=\"2xx\",le=\"";
            Map<Double, Long> buckets = PrometheusText.buckets(text, series);
            buckets.forEach((le, n) -> fleetBuckets.merge(le, n, Long::sum));
            long count = PrometheusText.value(text,
                    "grace_http_request_duration_seconds_count{route=\"/api/users\",status_class=\"2xx\"}").longValue();
            fleetSum += PrometheusText.value(text,
                    "grace_http_request_duration_seconds_sum{route=\"/api/users\",status_class=\"2xx\"}");
            assertThat(buckets.get(Double.POSITIVE_INFINITY)).isEqualTo(count);
            perInstance.add(count);
            fleetCount += count;
        }
        double p95 = PrometheusText.quantile(0.95, fleetBuckets);
        double p50 = PrometheusText.quantile(0.50, fleetBuckets);
        System.out.printf("FleetUnderFaultsIT metrics: %d GET /api/users through nginx; per-instance counts %s, summed"
                        + " %d; fleet p50 %.1f ms, p95 %.1f ms (from summed buckets), mean %.1f ms%n", requests,
                perInstance, fleetCount, p50 * 1000, p95 * 1000, fleetSum / fleetCount * 1000);
        assertThat(fleetCount).isEqualTo(requests);
        assertThat(perInstance).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(p95).isGreaterThan(0).isGreaterThanOrEqualTo(p50);
    }

    @Test
    @Order(3)
    void aFiveSecondPostgresOutageCostsClientsAtMostTwoSecondsMoreAndOnlyJson() throws Exception {
        // Warm the cached read on every instance (level 1 and Redis) before the database goes.
        for (int i = 0; i < 9; i++) {
            assertThat(new LoadRecorder().send("me", get("/api/auth/me")).status()).isEqualTo(200);
        }
        String script = pageScript();
        LoadRecorder load = new LoadRecorder()
                .loop("users", 6, 0, i -> get("/api/users"))
                .loop("me", 1, 20, i -> get("/api/auth/me"))
                .loop("static", 1, 20, i -> get(script))
                .loop("live", 1, 20, i -> get("/health/live"));
        GraceProcess.sleep(2000);
        long stopped = System.nanoTime();
        database.server().stop();
        long stopReturned = System.nanoTime();
        GraceProcess.sleep(5000 - (stopReturned - stopped) / 1_000_000);
        long restartCalled = System.nanoTime();
        database.server().restart();
        long back = System.nanoTime();
        GraceProcess.sleep(4000);
        List<Outcome> all = load.stop();

        List<Outcome> users = LoadRecorder.of(all, "users");
        List<Outcome> failures = users.stream().filter(o -> !o.ok()).toList();
        assertThat(failures).as("the outage is seen by clients at all").isNotEmpty();
        // When clients saw errors: from the first error answer to the last one.
        long firstFailure = failures.stream().mapToLong(Outcome::endNanos).min().orElseThrow();
        long lastFailure = failures.stream().mapToLong(Outcome::endNanos).max().orElseThrow();
        Outcome firstSuccessAfter = users.stream().filter(Outcome::ok).filter(o -> o.endNanos() > back)
                .min(java.util.Comparator.comparingLong(Outcome::endNanos)).orElseThrow();
        double outageS = (back - stopped) / 1e9;
        double errorsS = (lastFailure - firstFailure) / 1e9;
        double firstSuccessS = (firstSuccessAfter.endNanos() - back) / 1e9;
        long lastFailureAfterBackMs = (lastFailure - back) / 1_000_000;
        Map<Integer, Long> failureStatuses = LoadRecorder.statuses(failures);
        long json = failures.stream().filter(Outcome::jsonError).count();
        long retryAfter = failures.stream().filter(o -> o.retryAfter() != null).count();
        System.out.printf("FleetUnderFaultsIT postgres outage: down %.2f s from stop() called to restart() returned"
                        + " (stop took %d ms, restart %d ms) under 6 clients of GET /api/users through nginx with 3"
                        + " instances: %d requests, %d errors %s seen over %.2f s (first %.2f s after stop, last %d ms"
                        + " after PostgreSQL was back), %d of them JSON, %d with Retry-After; first success %.0f ms"
                        + " after PostgreSQL was back%n",
                outageS, (stopReturned - stopped) / 1_000_000, (back - restartCalled) / 1_000_000, users.size(),
                failures.size(), failureStatuses, errorsS, (firstFailure - stopped) / 1e9, lastFailureAfterBackMs,
                json, retryAfter, firstSuccessS * 1000);
        for (String kind : List.of("me", "static", "live")) {
            List<Outcome> side = LoadRecorder.of(all, kind);
            System.out.printf("FleetUnderFaultsIT postgres outage: %s during the run %s%n", kind,
                    LoadRecorder.statuses(side));
            assertThat(LoadRecorder.statuses(side)).as(kind + " needs no database").containsOnlyKeys(200);
        }
        assertThat(json).as("every error the platform's JSON: " + failures.get(0)).isEqualTo(failures.size());
        assertThat(retryAfter).as("every error with Retry-After").isEqualTo(failures.size());
        assertThat(errorsS).as("errors last at most the outage + 2 s").isLessThanOrEqualTo(outageS + 2);
        assertThat(firstSuccessS).as("first success within 2 s of PostgreSQL back").isLessThanOrEqualTo(2);
    }

    @Test
    @Order(4)
    void aRollingRestartUnderMixedLoadFailsNoRequestAndCompletesEveryJobOnce() throws Exception {
        AtomicInteger created = new AtomicInteger();
        List<Long> jobs = new CopyOnWriteArrayList<>();
        AtomicBoolean enqueueing = new AtomicBoolean(true);
        Thread enqueuer = new Thread(() -> {
            while (enqueueing.get()) {
                jobs.add(enqueueJob());
                GraceProcess.sleep(100);
            }
        }, "enqueuer");
        enqueuer.start();
        long runId = System.nanoTime();
        // A POST written on a keep-alive connection just as a reload closes it is never read by nginx and gets no
        // answer; browsers send it again, and so does this client (each creates a user with its own e-mail: a
        // second copy of one that was applied would be a 409, counted as a failure). See docs/operations.md. The JDK
        // client resends a GET once by itself, which may meet another closed connection: sent again here too.
        LoadRecorder load = new LoadRecorder().resendUnanswered("post").resendUnanswered("get")
                .loop("get", 4, 10, i -> get("/api/users"))
                .loop("post", 2, 50, i -> post("/api/users", "{\"email\":\"u" + runId + "-"
                        + created.incrementAndGet() + "@rose.example\",\"displayName\":\"New Carer\",\"role\":"
                        + "\"care_staff\",\"password\":\"" + PASSWORD + "\"}", token));
        GraceProcess.sleep(2000);
        List<String> readiness = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            GraceProcess old = instances.get(i);
            lb.drain(java.util.Set.of(old.port()));
            GraceProcess.sleep(1000); // requests nginx already sent to it finish
            ReadinessWatch watch = new ReadinessWatch(old);
            long signalled = System.nanoTime();
            Thread stopper = new Thread(old::terminate);
            stopper.start();
            watch.run(signalled);
            stopper.join(60_000);
            double stopS = (System.nanoTime() - signalled) / 1e9;
            readiness.add(String.format("%s: %s, exit after %.1f s", "fleet-" + (i + 1), watch.summary(), stopS));
            assertThat(old.isAlive()).isFalse();
            assertThat(stopS).as("exit within the 30 s deregistration delay").isLessThan(30);
            assertThat(watch.readyAfterSignal).as("no 200 from /health/ready once stopping").isZero();
            assertThat(watch.notDrainingInDrain).as("only 503 from /health/ready during the drain").isZero();

            GraceProcess replacement = fleet.start("fleet-r" + (i + 1), withInstances(env));
            List<Integer> ports = new ArrayList<>(lb.upstreamPorts());
            ports.set(ports.indexOf(old.port()), replacement.port());
            instances.set(i, replacement);
            lb.upstreams(ports);
            lb.drain(java.util.Set.of());
        }
        GraceProcess.sleep(2000);
        List<Outcome> all = load.stop();
        enqueueing.set(false);
        enqueuer.join();

        Map<String, Long> jobStates = awaitJobs(jobs, Duration.ofSeconds(60));
        List<Outcome> failed = all.stream().filter(o -> !o.ok()).toList();
        System.out.printf("FleetUnderFaultsIT rolling restart: 3 instances replaced one by one behind nginx under %d"
                        + " GETs and %d POSTs (%d GETs and %d POSTs sent again after their connection closed"
                        + " unanswered): %d failed %s; %d jobs enqueued during it: %s; readiness on SIGTERM: %s%n",
                LoadRecorder.of(all, "get").size(), LoadRecorder.of(all, "post").size(), load.resent("get"),
                load.resent("post"),
                failed.size(),
                LoadRecorder.statuses(failed), jobs.size(), jobStates, readiness);
        assertThat(failed).as("failed requests, first: " + (failed.isEmpty() ? "" : failed.get(0))).isEmpty();
        assertThat(jobStates).as("every job completed, none twice or failed").containsOnlyKeys("completed/1");
    }

    /**
     * A job still running when its instance gets SIGTERM is handed back when the job system's shutdown grace (20 s)
     * ends, not left leased until its lease expires, and then completes once on another instance. The job is
     * {@value #JOB_TYPE}, held in its {@code DELETE FROM refresh_tokens} by a table lock this test holds until the
     * hand-back is seen (nothing else uses that table here: no sign-in runs meanwhile).
     */
    @Test
    @Order(5)
    void aJobStillRunningAtSigtermIsHandedBackAtOnceAndCompletesOnceElsewhere() throws Exception {
        long id;
        String owner;
        long signalled;
        long handedBack;
        GraceProcess holder;
        Thread stopper;
        try (Connection lock = database.dataSource().getConnection()) {
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.execute("LOCK TABLE refresh_tokens IN ACCESS EXCLUSIVE MODE");
            }
            id = enqueueJob();
            JobRow running = awaitJob(id, row -> row.status.equals("running"), Duration.ofSeconds(60));
            owner = running.owner;
            long pid = Long.parseLong(owner.split(":")[1]);
            holder = instances.stream().filter(p -> p.pid() == pid).findFirst().orElseThrow(() ->
                    new AssertionError("lease owner " + owner + " is none of the running instances"));
            stopper = new Thread(holder::terminate, "sigterm");
            signalled = System.nanoTime();
            stopper.start();
            JobRow back = awaitJob(id, row -> !owner.equals(row.owner), Duration.ofSeconds(45));
            handedBack = System.nanoTime();
            assertThat(back.beforeLeaseOf(running)).as("handed back before the old lease (" + running.leaseExpires
                    + ") would have expired; seen " + back).isTrue();
            lock.rollback();
        }
        JobRow done = awaitJob(id, row -> row.status.equals("completed"), Duration.ofSeconds(60));
        long completed = System.nanoTime();
        stopper.join(60_000);
        double exitS = (System.nanoTime() - signalled) / 1e9;
        System.out.printf("FleetUnderFaultsIT job hand-back: job %d running on %s at SIGTERM (held by a table lock):"
                        + " handed back %.1f s after SIGTERM (drain %s + jobs' shutdown grace 20 s; its lease ran"
                        + " 60 s), completed on %s %.1f s after SIGTERM, attempts %d; instance exited after %.1f s%n",
                id, owner, (handedBack - signalled) / 1e9, DRAIN, done.owner, (completed - signalled) / 1e9,
                done.attempts, exitS);
        assertThat(done.owner).as("completed elsewhere").isNotEqualTo(owner);
        assertThat(done.attempts).as("ran to completion once (the handed-back attempt is not counted)").isEqualTo(1);
        assertThat(holder.isAlive()).isFalse();
        instances.remove(holder);
    }

    /** One row of grace_jobs as the tests read it, with the database's clock at the read. */
    private record JobRow(String status, int attempts, String owner, java.sql.Timestamp leaseExpires,
                          java.sql.Timestamp readAt) {
        boolean beforeLeaseOf(JobRow earlier) {
            return earlier.leaseExpires != null && readAt.before(earlier.leaseExpires);
        }
    }

    private static JobRow awaitJob(long id, java.util.function.Predicate<JobRow> condition, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JobRow row = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT status, attempts, lease_owner, lease_expires_at,"
                         + " clock_timestamp() FROM grace_jobs WHERE id = " + id)) {
                rs.next();
                row = new JobRow(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getTimestamp(4),
                        rs.getTimestamp(5));
            }
            if (condition.test(row)) {
                return row;
            }
            GraceProcess.sleep(50);
        }
        throw new AssertionError("job " + id + " not as expected within " + timeout + "; last " + row);
    }

    private static Map<String, String> withInstances(Map<String, String> base) {
        Map<String, String> e = new HashMap<>(base);
        e.put("GRACE_INSTANCES", "3");
        return e;
    }

    private static long enqueueJob() {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("INSERT INTO grace_jobs (type, payload, max_attempts) VALUES ('"
                     + JOB_TYPE + "', '{}'::jsonb, 5) RETURNING id")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until none of the jobs is pending or running; returns {@code status/attempts} to count. */
    private static Map<String, Long> awaitJobs(List<Long> ids, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String list = ids.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("0");
        while (true) {
            Map<String, Long> states = new TreeMap<>();
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT status || '/' || attempts, count(*) FROM grace_jobs WHERE id IN ("
                         + list + ") GROUP BY 1")) {
                while (rs.next()) {
                    states.put(rs.getString(1), rs.getLong(2));
                }
            }
            boolean open = states.keySet().stream().anyMatch(k -> k.startsWith("pending") || k.startsWith("running"));
            if (!open || System.nanoTime() > deadline) {
                return states;
            }
            GraceProcess.sleep(250);
        }
    }

    /** The staff page's script as the page names it (its name carries its content hash, so it changes). */
    private static String pageScript() throws java.io.IOException {
        String page = java.nio.file.Files.readString(java.nio.file.Path.of("src/main/webapp/index.html"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("src=\"(/static/[^\"]+\\.js)\"").matcher(page);
        assertThat(m.find()).as("index.html names its script").isTrue();
        return m.group(1);
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(lb.url() + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static HttpRequest post(String path, String body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(lb.url() + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b.build();
    }

    /** Polls {@code /health/ready} of a stopping instance directly until it no longer answers. */
    private static final class ReadinessWatch {
        private final GraceProcess instance;
        private final Map<String, Integer> seen = new TreeMap<>();
        int readyAfterSignal;
        /** Answers other than 503 (the container's 500 among them) between 100 ms after SIGTERM and the drain's end. */
        int notDrainingInDrain;

        ReadinessWatch(GraceProcess instance) {
            this.instance = instance;
        }

        void run(long signalled) {
            LoadRecorder client = new LoadRecorder();
            long until = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (instance.isAlive() && System.nanoTime() < until) {
                Outcome o = client.send("ready", HttpRequest.newBuilder(URI.create(instance.baseUrl()
                        + "/health/ready")).timeout(Duration.ofSeconds(5)).build());
                String key = o.status() == -1 ? "no answer" : Integer.toString(o.status());
                seen.merge(key, 1, Integer::sum);
                // A probe sent in the first 100 ms may have reached the instance before the signal did.
                if (o.status() == 200 && o.startNanos() - signalled > 100_000_000L) {
                    readyAfterSignal++;
                }
                if (o.status() != -1 && o.status() != 503 && o.startNanos() - signalled > 100_000_000L
                        && o.endNanos() - signalled < DRAIN.toNanos()) {
                    notDrainingInDrain++;
                }
                if (o.status() == -1) {
                    break;
                }
                GraceProcess.sleep(20);
            }
        }

        String summary() {
            return "/health/ready " + seen;
        }
    }

    static JsonNode body(HttpResponse<String> r) {
        return GraceProcess.json(r);
    }
}
