package org.grace.webapp.it.care;

import static org.assertj.core.api.Assertions.assertThat;
import static org.grace.webapp.it.care.CareClient.expect;
import static org.grace.webapp.it.care.CareClient.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.grace.testsupport.NginxLoadBalancer;
import org.grace.testsupport.PostgresDatabase;
import org.grace.testsupport.RedisServer;
import org.grace.testsupport.SseClient;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.grace.webapp.it.GraceProcess;
import org.grace.webapp.it.WithGrace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The live stream of issue #13 over real HTTP: two instances on one PostgreSQL and one Redis, nginx in front rendered
 * from the Ansible role's template. Streams are opened on one instance while the change that causes a notification
 * goes through the other, so every delivery here crossed instances (by pub/sub, or by the poll while Redis is
 * stopped). Heartbeat 1 s and nginx's stream read timeout 3 s, so "a heartbeat keeps it open" takes seconds.
 */
@WithGrace
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveStreamIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static CareWorld world;
    private static NginxLoadBalancer nginx;
    private static GraceProcess a;
    private static GraceProcess b;

    private static RedisServer redis;

    @BeforeAll
    static void start(GraceFleet fleet, PostgresDatabase database, RedisServer server) throws Exception {
        redis = server;
        // A 1 s drain: the last test stops an instance and reads what its streams said before the stop.
        world = CareWorld.start(fleet, database, 2, Map.of("GRACE_SHUTDOWN_DRAIN", "1s", "GRACE_STREAM_HEARTBEAT", "1s",
                "GRACE_STREAM_MAX_CONNECTIONS", "12", "GRACE_STREAM_MAX_PER_USER", "3"));
        a = world.instance(0);
        b = world.instance(1);
        nginx = NginxLoadBalancer.start(List.of(a.port(), b.port()), Map.of("grace_lb_stream_read_timeout", "3s"));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    @Order(1)
    void aNotificationCausedThroughOneInstanceReachesAStreamOnTheOtherWithinTwoSeconds() throws Exception {
        try (SseClient manager = open(a.baseUrl(), world.user("manager").bearer, null);
             SseClient family = open(a.baseUrl(), world.user("family").bearer, null)) {
            JsonNode ready = data(manager.next("ready", Duration.ofSeconds(5)));
            assertThat(ready.path("heartbeatSeconds").asLong()).isEqualTo(1);
            assertThat(family.next("ready", Duration.ofSeconds(5))).isNotNull();
            List<Long> lags = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                long incident = report(b, "staff", "high");
                // the two come by different paths (a query, a bus event), in either order
                Map<String, SseClient.Event> got = both(manager, "notification", "incident-updated",
                        Duration.ofSeconds(2));
                SseClient.Event n = got.get("notification");
                assertThat(n).as("notification %d within 2 s", i).isNotNull();
                long lag = Duration.between(Instant.EPOCH, n.receivedAt()).toNanos() / 1_000_000;
                lags.add(lag - startMillis(start));
                JsonNode body = data(n);
                assertThat(body.path("incidentId").asLong()).isEqualTo(incident);
                assertThat(body.path("userId").asLong()).isEqualTo(world.userId("manager"));
                assertThat(n.id()).isEqualTo(body.path("id").asText());
                for (String field : List.of("organizationId", "type", "title", "message", "priority", "link",
                        "createdAt", "readAt", "acknowledgedAt")) {
                    assertThat(body.has(field)).as(field).isTrue();
                }
                JsonNode changed = data(got.get("incident-updated"));
                assertThat(changed.path("incidentId").asLong()).isEqualTo(incident);
                assertThat(changed.path("change").asText()).isEqualTo("reported");
            }
            // acknowledged through B: the manager's notifications change, and the incident too
            long last = report(b, "staff", "high");
            manager.next("notification", Duration.ofSeconds(2));
            expect(world.user("director").post(b, "/api/incidents/" + last + "/acknowledge", null), 200);
            JsonNode update = data(manager.next("notification-updated", Duration.ofSeconds(2)));
            assertThat(update.path("change").asText()).isEqualTo("acknowledged");
            // family users see neither incidents nor staff notifications
            SseClient.Event familyEvent;
            while ((familyEvent = family.next(Duration.ofMillis(500))) != null) {
                assertThat(familyEvent.isComment()).as("family got %s", familyEvent).isTrue();
            }
            System.out.printf("LiveStreamIT: notification on A after a report through B: %s ms (max %d ms)%n", lags,
                    lags.stream().mapToLong(Long::longValue).max().orElseThrow());
            // what instance A says about it on /prometheus
            assertThat(metric(a, "grace_stream_open")).isGreaterThanOrEqualTo(2);
            assertThat(metric(a, "grace_stream_events_sent_total{event=\"notification\"}")).isGreaterThanOrEqualTo(6);
            assertThat(metric(a, "grace_stream_events_sent_total{event=\"incident-updated\"}")).isGreaterThanOrEqualTo(5);
            long count = metric(a, "grace_stream_delivery_lag_seconds_count");
            assertThat(count).isGreaterThanOrEqualTo(6);
            String text = a.get("/prometheus").body();
            double sum = Double.parseDouble(text.lines().filter(l -> l.startsWith("grace_stream_delivery_lag_seconds_sum "))
                    .findFirst().orElseThrow().substring("grace_stream_delivery_lag_seconds_sum ".length()));
            System.out.printf("LiveStreamIT: instance A's delivery lag (created_at to send): %d notifications, mean %.0f ms;"
                    + " pubsub deliveries %d%n", count, sum * 1000 / count,
                    metric(a, "grace_stream_notifications_delivered_total{path=\"pubsub\"}"));
        }
    }

    @Test
    @Order(2)
    void resumingOnTheOtherInstanceWithLastEventIdGivesExactlyTheMissedOnesThenLiveOnes() throws Exception {
        long manager = world.userId("manager");
        String resumeFrom;
        try (SseClient first = open(a.baseUrl(), world.user("manager").bearer, null)) {
            first.next("ready", Duration.ofSeconds(5));
            report(b, "staff", "high");
            assertThat(first.next("notification", Duration.ofSeconds(2))).isNotNull();
            resumeFrom = first.lastEventId();
        }
        for (int i = 0; i < 4; i++) {
            report(a, "staff", "high");
        }
        List<Long> missed = idsAfter(manager, Long.parseLong(resumeFrom));
        assertThat(missed).hasSize(4);
        try (SseClient resumed = open(b.baseUrl(), world.user("manager").bearer, resumeFrom)) {
            JsonNode ready = data(resumed.next("ready", Duration.ofSeconds(5)));
            assertThat(ready.path("lastEventId").asText()).isEqualTo(resumeFrom);
            List<Long> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(Long.parseLong(resumed.next("notification", Duration.ofSeconds(3)).id()));
            }
            assertThat(got).isEqualTo(missed);
            report(a, "staff", "high");
            long live = Long.parseLong(resumed.next("notification", Duration.ofSeconds(2)).id());
            assertThat(live).isGreaterThan(missed.get(3));
            // the sweep (5 s) runs over the same ids again: nothing comes twice
            assertThat(resumed.next("notification", Duration.ofSeconds(6))).isNull();
            System.out.printf("LiveStreamIT: resumed on B after id %s: got %s, then %d live, none twice%n",
                    resumeFrom, got, live);
        }
        // the ?lastEventId= form, for a page that opens the stream itself after a token refresh
        try (SseClient query = SseClient.open(HTTP, request(b.baseUrl() + "/api/notifications/stream?lastEventId="
                + resumeFrom, world.user("manager").bearer, null), Duration.ofSeconds(10))) {
            query.next("ready", Duration.ofSeconds(5));
            assertThat(Long.parseLong(query.next("notification", Duration.ofSeconds(3)).id())).isEqualTo(missed.get(0));
        }
    }

    @Test
    @Order(3)
    void theBoundsAnswer429And503AsJson() throws Exception {
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(open(a.baseUrl(), world.user("staff").bearer, null));
            }
            SseClient refused = open(a.baseUrl(), world.user("staff").bearer, null);
            assertThat(refused.status()).isEqualTo(429);
            JsonNode body = CareClient.JSON.readTree(refused.refusal());
            assertThat(body.path("status").asInt()).isEqualTo(429);
            assertThat(body.path("requestId").asText()).isNotBlank();
            assertThat(refused.response().headers().firstValue("Content-Type").orElse("")).contains("application/json");

            // fill instance A up to its 12 (earlier tests' streams are gone: their next heartbeat failed)
            awaitOpenStreams(a, 3);
            int i = 0;
            List<String> others = List.of("admin", "director", "manager", "manager2", "staff2", "admin2");
            while (open.size() < 12) {
                SseClient s = open(a.baseUrl(), world.user(others.get(i++ % others.size())).bearer, null);
                assertThat(s.status()).as(s.refusal()).isEqualTo(200);
                open.add(s);
            }
            SseClient full = open(a.baseUrl(), world.user("family").bearer, null);
            assertThat(full.status()).isEqualTo(503);
            assertThat(full.response().headers().firstValue("Retry-After")).isPresent();
            assertThat(CareClient.JSON.readTree(full.refusal()).path("status").asInt()).isEqualTo(503);
            // the other instance still has room
            try (SseClient elsewhere = open(b.baseUrl(), world.user("family").bearer, null)) {
                assertThat(elsewhere.status()).isEqualTo(200);
            }
            System.out.printf("LiveStreamIT: 4th stream of one user -> 429 %s; 13th on the instance -> 503 %s%n",
                    refused.refusal(), full.refusal());
        } finally {
            open.forEach(SseClient::close);
        }
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(a.baseUrl()
                + "/api/notifications/stream")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(CareClient.JSON.readTree(anonymous.body()).path("status").asInt()).isEqualTo(401);
    }

    @Test
    @Order(4)
    void heartbeatsKeepAStreamOpenThroughNginxPastItsReadTimeout() throws Exception {
        awaitOpenStreams(a, 0); // the previous test's closed streams leave at their next heartbeat
        awaitOpenStreams(b, 0);
        try (SseClient s = accepted(nginx.url(), world.user("manager").bearer)) {
            s.next("ready", Duration.ofSeconds(5));
            long start = System.nanoTime();
            Thread.sleep(9_000); // three times nginx's read timeout for this location
            assertThat(s.isOpen()).as("open after 9 s through nginx (read timeout 3 s); %d heartbeats; nginx error "
                    + "log: %s", s.comments(), java.nio.file.Files.readString(nginx.errorLog())).isTrue();
            assertThat(s.comments()).isGreaterThanOrEqualTo(6);
            report(b, "staff", "high");
            assertThat(s.next("notification", Duration.ofSeconds(2))).as("and still delivering").isNotNull();
            System.out.printf("LiveStreamIT: through nginx (stream read timeout 3 s): open %d ms, %d heartbeats%n",
                    (System.nanoTime() - start) / 1_000_000, s.comments());
        }
        // The same location with a read timeout below the heartbeat (1 s) cuts the stream: the timeout above is the
        // stream location's own, and the heartbeats are what kept the stream open.
        try (NginxLoadBalancer shortTimeout = NginxLoadBalancer.start(List.of(a.port(), b.port()),
                Map.of("grace_lb_stream_read_timeout", "400ms"));
             SseClient s = accepted(shortTimeout.url(), world.user("manager").bearer)) {
            long start = System.nanoTime();
            assertThat(s.awaitEnd(Duration.ofSeconds(5))).as("nginx ends a stream silent for longer than its read "
                    + "timeout").isTrue();
            System.out.printf("LiveStreamIT: with the stream read timeout at 400 ms (below the 1 s heartbeat) nginx "
                    + "ended the stream after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Test
    @Order(5)
    void withRedisStoppedNotificationsArriveByThePollAndPubSubResumesWhenItIsBack() throws Exception {
        awaitOpenStreams(a, 0);
        try (SseClient s = accepted(a.baseUrl(), world.user("manager").bearer)) {
            s.next("ready", Duration.ofSeconds(5));
            redis.stop();
            try {
                long polls = metric(a, "grace_stream_queries_total{path=\"poll\"}");
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (metric(a, "grace_stream_queries_total{path=\"poll\"}") <= polls + 1) {
                    assertThat(System.nanoTime()).as("instance A polls once Redis is gone").isLessThan(deadline);
                    Thread.sleep(200);
                }
                List<Long> lags = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    long start = System.nanoTime();
                    report(b, "staff", "high");
                    assertThat(s.next("notification", Duration.ofSeconds(3))).as("by the poll within 3 s").isNotNull();
                    lags.add((System.nanoTime() - start) / 1_000_000);
                }
                System.out.printf("LiveStreamIT: Redis stopped: delivered by the poll after %s ms%n", lags);
                assertThat(metric(a, "grace_stream_notifications_delivered_total{path=\"poll\"}")).isGreaterThan(0);
            } finally {
                redis.restart();
            }
            // back on pub/sub: the poll stops, and a new notification is found by a pub/sub wake-up
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long pubsubBefore = metric(a, "grace_stream_notifications_delivered_total{path=\"pubsub\"}");
            long sinceBack = System.nanoTime();
            while (true) {
                long polls = metric(a, "grace_stream_queries_total{path=\"poll\"}");
                Thread.sleep(1500);
                if (metric(a, "grace_stream_queries_total{path=\"poll\"}") == polls) {
                    break;
                }
                assertThat(System.nanoTime()).as("instance A stops polling after Redis returns").isLessThan(deadline);
            }
            long backAfter = (System.nanoTime() - sinceBack) / 1_000_000;
            long pubsubDelivered = 0;
            List<Long> lags = new ArrayList<>();
            for (int i = 0; i < 5 && pubsubDelivered == 0; i++) {
                long start = System.nanoTime();
                report(b, "staff", "high");
                assertThat(s.next("notification", Duration.ofSeconds(6))).isNotNull();
                lags.add((System.nanoTime() - start) / 1_000_000);
                pubsubDelivered = metric(a, "grace_stream_notifications_delivered_total{path=\"pubsub\"}")
                        - pubsubBefore;
            }
            assertThat(pubsubDelivered).as("delivered by a pub/sub wake-up again").isGreaterThan(0);
            System.out.printf("LiveStreamIT: Redis back: polling stopped within %d ms; pub/sub delivery after %s ms%n",
                    backAfter, lags);
        }
    }

    @Test
    @Order(6)
    void aStreamAsksForReauthenticationBeforeItsAccessTokenExpiresThenCloses() throws Exception {
        Instant expires = Instant.now().plusSeconds(35); // the stream asks 30 s before: about 5 s from now
        String token = token("manager", "care_manager", expires);
        try (SseClient s = open(a.baseUrl(), token, null)) {
            assertThat(s.status()).isEqualTo(200);
            JsonNode ready = data(s.next("ready", Duration.ofSeconds(5)));
            assertThat(Instant.parse(ready.path("accessTokenExpiresAt").asText()).getEpochSecond())
                    .isEqualTo(expires.getEpochSecond());
            long start = System.nanoTime();
            SseClient.Event reauth = s.next("reauthenticate", Duration.ofSeconds(15));
            assertThat(reauth).isNotNull();
            assertThat(data(reauth).path("reason").asText()).isEqualTo("access token expiring");
            assertThat(s.awaitEnd(Duration.ofSeconds(3))).as("the server ends the stream").isTrue();
            System.out.printf("LiveStreamIT: reauthenticate %d ms after connecting, %d s before expiry%n",
                    (System.nanoTime() - start) / 1_000_000, Duration.between(Instant.now(), expires).toSeconds());
        }
    }

    @Test
    @Order(7)
    void killingTheInstanceThatHoldsAStreamLosesNothingAndDuplicatesNothingAfterTheReconnect() throws Exception {
        long manager = world.userId("manager");
        String bearer = world.user("manager").bearer;
        SseClient s = open(nginx.url(), bearer, null);
        JsonNode ready = data(s.next("ready", Duration.ofSeconds(5)));
        long startId = ready.path("lastEventId").asLong();
        GraceProcess holder = instanceId(a).equals(ready.path("instance").asText()) ? a : b;
        GraceProcess survivor = holder == a ? b : a;
        int total = 20;
        AtomicInteger created = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    report(survivor, "staff", "high");
                    created.incrementAndGet();
                    Thread.sleep(150);
                }
            } catch (Exception | AssertionError e) {
                failed.set(true);
                e.printStackTrace();
            }
        });
        writer.start();
        List<Long> received = new ArrayList<>();
        int reconnects = 0;
        long gapMillis = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (created.get() >= 5 && holder.isAlive()) {
                holder.kill();
            }
            SseClient.Event e = s.next(Duration.ofMillis(100));
            if (e != null && "notification".equals(e.name())) {
                received.add(Long.parseLong(e.id()));
            }
            if (e == null && !s.isOpen()) {
                // as a browser: reconnect (through nginx, which sends it to the survivor) with Last-Event-ID
                long lost = System.nanoTime();
                String last = received.isEmpty() ? Long.toString(startId) : Long.toString(received.get(received.size() - 1));
                s.close();
                s = open(nginx.url(), bearer, last);
                assertThat(s.status()).as(s.refusal()).isEqualTo(200);
                assertThat(data(s.next("ready", Duration.ofSeconds(5))).path("instance").asText())
                        .isEqualTo(instanceId(survivor));
                gapMillis = Math.max(gapMillis, (System.nanoTime() - lost) / 1_000_000);
                reconnects++;
            }
            if (!writer.isAlive() && received.size() >= total) {
                break;
            }
        }
        writer.join();
        // anything still on its way (heartbeats keep coming: wait for 2 s without a notification)
        SseClient.Event e;
        while ((e = s.next("notification", Duration.ofSeconds(2))) != null) {
            received.add(Long.parseLong(e.id()));
        }
        s.close();
        assertThat(failed.get()).isFalse();
        assertThat(holder.isAlive()).isFalse();
        assertThat(reconnects).isGreaterThanOrEqualTo(1);
        List<Long> expected = idsAfter(manager, startId);
        assertThat(expected).hasSize(total);
        assertThat(received).as("every notification exactly once, in order").isEqualTo(expected);
        System.out.printf("LiveStreamIT: SIGKILL of the stream's instance during %d notifications: %d reconnect(s), "
                + "longest gap %d ms, received %d, expected %d, duplicates 0%n", total, reconnects, gapMillis,
                received.size(), expected.size());
    }

    /**
     * A stopping instance closes its streams itself at SIGTERM, with a last comment saying why, so browsers reconnect
     * elsewhere at once instead of finding out when the process is gone.
     */
    @Test
    @Order(8)
    void aStoppingInstanceClosesItsStreams() throws Exception {
        GraceProcess last = a.isAlive() ? a : b;
        assertThat(last.isAlive()).isTrue();
        try (SseClient s = accepted(last.baseUrl(), world.user("manager").bearer);
             SseClient other = accepted(last.baseUrl(), world.user("director").bearer)) {
            long sigterm = System.nanoTime();
            java.util.concurrent.CompletableFuture<Duration> stopped =
                    java.util.concurrent.CompletableFuture.supplyAsync(last::terminate);
            for (SseClient stream : List.of(s, other)) {
                SseClient.Event lastEvent = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    SseClient.Event e = stream.next(Duration.ofMillis(200));
                    if (e != null) {
                        lastEvent = e;
                    } else if (!stream.isOpen()) {
                        break;
                    }
                }
                assertThat(stream.isOpen()).as("the stream ends while the instance stops").isFalse();
                assertThat(lastEvent).as("its last line says why").isNotNull();
                assertThat(lastEvent.comment()).isEqualTo("instance stopping");
            }
            long ended = (System.nanoTime() - sigterm) / 1_000_000;
            Duration stop = stopped.get(60, java.util.concurrent.TimeUnit.SECONDS);
            System.out.printf("LiveStreamIT: SIGTERM: both streams closed by the instance within %d ms, the process "
                    + "exited after %d ms%n", ended, stop.toMillis());
        }
    }

    // ---- helpers

    /** Epoch milliseconds of a {@code System.nanoTime()} reading taken moments ago. */
    private static long startMillis(long nanoTime) {
        return System.currentTimeMillis() - (System.nanoTime() - nanoTime) / 1_000_000;
    }

    /** The first event of each of the two names, whichever comes first, within {@code timeout} in all. */
    private static Map<String, SseClient.Event> both(SseClient s, String first, String second, Duration timeout) {
        Map<String, SseClient.Event> got = new java.util.HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (got.size() < 2 && System.nanoTime() < deadline) {
            SseClient.Event e = s.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (e != null && (first.equals(e.name()) || second.equals(e.name()))) {
                got.putIfAbsent(e.name(), e);
            }
        }
        return got;
    }

    /** A stream that must be accepted. */
    private static SseClient accepted(String baseUrl, String bearer) {
        SseClient s = open(baseUrl, bearer, null);
        assertThat(s.status()).as("stream refused: %s", s.refusal()).isEqualTo(200);
        return s;
    }

    private static SseClient open(String baseUrl, String bearer, String lastEventId) {
        return SseClient.open(HTTP, request(baseUrl + "/api/notifications/stream", bearer, lastEventId),
                Duration.ofSeconds(10));
    }

    private static HttpRequest request(String url, String bearer, String lastEventId) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + bearer);
        if (lastEventId != null) {
            r.header("Last-Event-ID", lastEventId);
        }
        return r.GET().build();
    }

    private static JsonNode data(SseClient.Event e) throws Exception {
        assertThat(e).as("event").isNotNull();
        return CareClient.JSON.readTree(e.data());
    }

    /** Reports an incident at Willow through {@code via}; its alert goes to Willow's managers and the admins. */
    private static long report(GraceProcess via, String reporter, String severity) {
        return expect(world.user(reporter).post(via, "/api/incidents", json("residentId",
                world.willowResidents.get(1), "severity", severity, "categories", List.of("fall_injury"),
                "summary", "found on the floor by the bed")), 201).path("incident").path("id").asLong();
    }

    private static List<Long> idsAfter(long userId, long afterId) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = world.db().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM notifications WHERE user_id = ? AND id > ? "
                     + "ORDER BY id")) {
            ps.setLong(1, userId);
            ps.setLong(2, afterId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private static String instanceId(GraceProcess p) {
        return GraceProcess.json(p.get("/api/health")).path("instance").asText();
    }

    private static long metric(GraceProcess p, String series) {
        for (String line : p.get("/prometheus").body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " on /prometheus");
    }

    private static void awaitOpenStreams(GraceProcess p, int atMost) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (metric(p, "grace_stream_open") > atMost) {
            assertThat(System.nanoTime()).as("closed streams leave the registry").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** An access token signed with the instances' key, as sign-in issues them, but expiring at {@code expires}. */
    private static String token(String user, String role, Instant expires) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("grace").audience("grace-api")
                .subject(Long.toString(world.userId(user))).claim("upn", user + "@rose.example")
                .claim("groups", List.of(role)).claim("org", organizationOf(world.userId(user)))
                .claim("csrf", UUID.randomUUID().toString()).jwtID(UUID.randomUUID().toString())
                .issueTime(new Date()).notBeforeTime(new Date()).expirationTime(Date.from(expires)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID("care-it").build(), claims);
        jwt.sign(new RSASSASigner(world.signingKey.getPrivate()));
        return jwt.serialize();
    }

    private static long organizationOf(long userId) throws Exception {
        try (Connection c = world.db().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT organization_id FROM users WHERE id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
