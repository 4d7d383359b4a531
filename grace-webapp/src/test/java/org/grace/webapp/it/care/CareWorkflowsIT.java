package org.grace.webapp.it.care;

import static org.assertj.core.api.Assertions.assertThat;
import static org.grace.webapp.it.care.CareClient.expect;
import static org.grace.webapp.it.care.CareClient.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.grace.webapp.it.GraceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The care workflows on three Payara Micro processes sharing one PostgreSQL and one Redis ({@link CareWorld}):
 * who may do what (every endpoint, every role, another organisation), bad input, and the first acknowledgement
 * winning across instances. {@link TranscriptVolumeIT}-style volume runs in {@code transcriptsRoundRobin...} below,
 * on the same instances, to keep the boots to three.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CareWorkflowsIT {
    static final List<String> ROLES = List.of("admin", "director", "manager", "staff", "family", "manager2", "bAdmin");
    static CareWorld world;

    @BeforeAll
    static void start() throws Exception {
        long t0 = System.nanoTime();
        world = CareWorld.start(3);
        System.out.printf("CareWorkflowsIT: 3 instances up and the world built in %.1f s%n",
                (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    /** Expected statuses by role, written "admin=200 director=200|409 ...". */
    static Map<String, String> expected(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : spec.trim().split("\\s+")) {
            String[] kv = part.split("=");
            out.put(kv[0], kv[1]);
        }
        assertThat(out.keySet()).as("every role has an expectation in: " + spec).containsExactlyElementsOf(ROLES);
        return out;
    }

    @Test
    @Order(1)
    void everyEndpointAnswersEachRoleAndTheOtherOrganisationAsTheRulesSay() {
        long w0 = world.willowResidents.get(0);
        long willow = world.willow;
        CareClient admin = world.user("admin");
        JsonNode incident = expect(world.user("manager").post(world.instance(0), "/api/incidents", json("residentId", w0,
                "categories", List.of("fall_injury"), "severity", "high", "summary", "Found on the floor by the bed")),
                201);
        long i1 = incident.path("incident").path("id").asLong();
        long spareDevice = expect(admin.post(world.instance(1), "/api/devices", json("facilityId", willow,
                "name", "Spare tablet")), 201).path("device").path("id").asLong();
        long managersNotification = notificationsOf("manager").get(0);

        String[][] table = {
            {"GET", "/api/facilities", null, "admin=200 director=200 manager=200 staff=200 family=403 manager2=200 bAdmin=200"},
            {"GET", "/api/facilities/" + willow, null, "admin=200 director=200 manager=200 staff=200 family=403 manager2=404 bAdmin=404"},
            {"PATCH", "/api/facilities/" + willow, json("address", "1 Willow Lane"), "admin=200 director=403 manager=403 staff=403 family=403 manager2=403 bAdmin=404"},
            {"GET", "/api/facilities/" + willow + "/staff", null, "admin=200 director=200 manager=200 staff=403 family=403 manager2=404 bAdmin=404"},
            {"PUT", "/api/facilities/" + willow + "/staff/" + world.userId("staff"), null, "admin=204 director=204 manager=403 staff=403 family=403 manager2=403 bAdmin=404"},
            {"GET", "/api/residents", null, "admin=200 director=200 manager=200 staff=200 family=200 manager2=200 bAdmin=200"},
            {"GET", "/api/residents/" + w0, null, "admin=200 director=200 manager=200 staff=200 family=200 manager2=404 bAdmin=404"},
            {"PATCH", "/api/residents/" + w0, json("room", "W100"), "admin=200 director=200 manager=200 staff=403 family=403 manager2=404 bAdmin=404"},
            {"POST", "/api/residents", json("facilityId", willow, "fullName", "New Resident"), "admin=201 director=201 manager=201 staff=403 family=403 manager2=400 bAdmin=400"},
            {"GET", "/api/residents/" + w0 + "/family", null, "admin=200 director=200 manager=200 staff=200 family=403 manager2=404 bAdmin=404"},
            {"POST", "/api/residents/" + w0 + "/family", json("userId", world.userId("family"), "relationship", "daughter"), "admin=201 director=201 manager=201 staff=403 family=403 manager2=404 bAdmin=404"},
            {"GET", "/api/residents/" + w0 + "/interactions", null, "admin=200 director=200 manager=200 staff=200 family=403 manager2=404 bAdmin=404"},
            {"POST", "/api/residents/" + w0 + "/interactions", json("text", "We had a cup of tea together."), "admin=202 director=202 manager=202 staff=202 family=403 manager2=404 bAdmin=404"},
            {"GET", "/api/devices", null, "admin=200 director=200 manager=403 staff=403 family=403 manager2=403 bAdmin=200"},
            {"POST", "/api/devices", json("facilityId", willow, "name", "Hall speaker"), "admin=201 director=201 manager=403 staff=403 family=403 manager2=403 bAdmin=400"},
            {"POST", "/api/devices/" + spareDevice + "/revoke", null, "admin=200 director=200 manager=403 staff=403 family=403 manager2=403 bAdmin=404"},
            {"GET", "/api/incidents", null, "admin=200 director=200 manager=200 staff=200 family=200 manager2=200 bAdmin=200"},
            {"GET", "/api/incidents/" + i1, null, "admin=200 director=200 manager=200 staff=200 family=200 manager2=404 bAdmin=404"},
            {"POST", "/api/incidents", json("residentId", w0, "categories", List.of("behaviour"), "severity", "low", "summary", "Refused lunch"), "admin=201 director=201 manager=201 staff=201 family=403 manager2=404 bAdmin=404"},
            {"POST", "/api/incidents/" + i1 + "/acknowledge", null, "admin=200 director=409 manager=409 staff=409 family=403 manager2=404 bAdmin=404"},
            {"POST", "/api/incidents/" + i1 + "/resolve", json("note", "Checked, no injury"), "admin=200 director=409 manager=409 staff=409 family=403 manager2=404 bAdmin=404"},
            {"POST", "/api/incidents/" + i1 + "/reopen", json("note", "Bruise found later"), "admin=200 director=409 manager=409 staff=403 family=403 manager2=404 bAdmin=404"},
            {"GET", "/api/notifications", null, "admin=200 director=200 manager=200 staff=200 family=200 manager2=200 bAdmin=200"},
            {"GET", "/api/notifications/unread-count", null, "admin=200 director=200 manager=200 staff=200 family=200 manager2=200 bAdmin=200"},
            {"POST", "/api/notifications/" + managersNotification + "/read", null, "admin=404 director=404 manager=200 staff=404 family=404 manager2=404 bAdmin=404"},
            {"GET", "/api/dashboard", null, "admin=200 director=200 manager=200 staff=200 family=403 manager2=200 bAdmin=200"},
        };
        List<String> failures = new ArrayList<>();
        int n = 0;
        int checked = 0;
        for (String[] row : table) {
            Map<String, String> want = expected(row[3]);
            for (String role : ROLES) {
                HttpResponse<String> r = world.user(role).send(world.instance(n++), row[0], row[1], row[2]);
                checked++;
                if (!Arrays.asList(want.get(role).split("\\|")).contains(Integer.toString(r.statusCode()))) {
                    failures.add(row[0] + " " + row[1] + " as " + role + ": want " + want.get(role) + ", got "
                            + r.statusCode() + " " + r.body());
                }
                if (r.statusCode() >= 400) {
                    JsonNode error = GraceProcess.json(r);
                    assertThat(error.path("status").asInt()).as("JSON error of " + row[1]).isEqualTo(r.statusCode());
                    assertThat(error.path("requestId").asText()).isNotEmpty();
                }
            }
            // Nobody signed in: 401 everywhere (the ingestion endpoint included).
            HttpResponse<String> anonymous = new CareClient("anonymous", null).send(world.instance(n++), row[0],
                    row[1], row[2]);
            if (anonymous.statusCode() != 401) {
                failures.add(row[0] + " " + row[1] + " anonymous: want 401, got " + anonymous.statusCode());
            }
        }
        System.out.println("CareWorkflowsIT isolation: " + table.length + " endpoints x " + ROLES.size()
                + " callers = " + checked + " answers checked (+ anonymous), mismatches: " + failures.size());
        assertThat(failures).isEmpty();

        // What the lists contain: another organisation's and another facility's rows never appear.
        String oakList = world.user("bAdmin").get(world.instance(0), "/api/residents").body();
        assertThat(ids(oakList)).containsExactly(world.oakResident);
        assertThat(ids(world.user("manager2").get(world.instance(1), "/api/residents").body()))
                .containsExactlyInAnyOrderElementsOf(world.birchResidents);
        JsonNode familyResidents = GraceProcess.json(world.user("family").get(world.instance(2), "/api/residents"));
        assertThat(ids(familyResidents.toString())).containsExactly(w0);
        assertThat(familyResidents.get(0).has("notes")).as("family see no care notes").isFalse();
        JsonNode familyIncidents = GraceProcess.json(world.user("family").get(world.instance(0), "/api/incidents"));
        assertThat(familyIncidents.path("items").size()).isGreaterThan(0);
        familyIncidents.path("items").forEach(item -> {
            assertThat(item.path("residentId").asLong()).isEqualTo(w0);
            assertThat(item.has("matchedPhrases") || item.has("trail")).isFalse();
        });
        assertThat(GraceProcess.json(world.user("family").get(world.instance(1), "/api/incidents/" + i1))
                .has("trail")).as("family see severity and summary, not the audit trail").isFalse();
        assertThat(GraceProcess.json(world.user("bAdmin").get(world.instance(2), "/api/incidents"))
                .path("items").size()).isZero();
        assertThat(ids(world.user("bAdmin").get(world.instance(0), "/api/facilities").body()))
                .containsExactly(world.oakWard);
        JsonNode detail = GraceProcess.json(world.user("admin").get(world.instance(1), "/api/incidents/" + i1));
        List<String> kinds = new ArrayList<>();
        detail.path("trail").forEach(e -> kinds.add(e.path("kind").asText()));
        assertThat(kinds).containsExactly("incident_reported", "alert_sent", "acknowledgement", "resolution", "reopen");
    }

    @Test
    @Order(2)
    void aDeviceCredentialWorksOnlyForIngestionOnlyForItsResidentAndNotOnceRevoked() {
        long w1 = world.willowResidents.get(1);
        CareClient device = new CareClient("device", world.deviceCredentials.get(w1));
        expect(device.post(world.instance(0), "/api/residents/" + w1 + "/interactions",
                json("turns", List.of(Map.of("speaker", "resident", "text", "Lovely morning.")))), 202);
        assertThat(device.get(world.instance(1), "/api/residents/" + w1).statusCode()).isEqualTo(401);
        assertThat(device.get(world.instance(2), "/api/residents/" + w1 + "/interactions").statusCode())
                .isEqualTo(401);
        assertThat(device.post(world.instance(0), "/api/residents/" + world.willowResidents.get(2) + "/interactions",
                json("text", "Hello")).statusCode()).as("another resident than the device's").isEqualTo(404);
        assertThat(device.post(world.instance(1), "/api/residents/" + world.oakResident + "/interactions",
                json("text", "Hello")).statusCode()).as("another organisation's resident").isEqualTo(404);
        assertThat(new CareClient("forged", "gdc_notarealcredential").post(world.instance(2), "/api/residents/" + w1
                + "/interactions", json("text", "Hello")).statusCode()).isEqualTo(401);

        JsonNode spare = expect(world.user("director").post(world.instance(0), "/api/devices", json("facilityId",
                world.willow, "residentId", w1, "name", "Soon revoked")), 201);
        CareClient revoked = new CareClient("revoked", spare.path("credential").asText());
        expect(revoked.post(world.instance(1), "/api/residents/" + w1 + "/interactions", json("text", "Hi")), 202);
        expect(world.user("admin").post(world.instance(2), "/api/devices/" + spare.path("device").path("id").asLong()
                + "/revoke", null), 200);
        HttpResponse<String> after = revoked.post(world.instance(0), "/api/residents/" + w1 + "/interactions",
                json("text", "Hi again"));
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(GraceProcess.json(after).path("message").asText()).contains("revoked");
        // The listing never shows a credential, only its hint.
        String listing = world.user("admin").get(world.instance(1), "/api/devices").body();
        assertThat(listing).doesNotContain(world.deviceCredentials.get(w1)).contains("credentialHint");
    }

    @Test
    @Order(3)
    void badInputIsAClearJsonErrorAndLeavesNothingHalfWritten() {
        long w2 = world.willowResidents.get(2);
        CareClient device = new CareClient("device", world.deviceCredentials.get(w2));
        CareClient staff = world.user("staff");
        long interactionsBefore = count("SELECT count(*) FROM interactions");
        long incidentsBefore = count("SELECT count(*) FROM incidents");

        String big = "a".repeat(64 * 1024 + 1);
        HttpResponse<String> tooLarge = device.post(world.instance(0), "/api/residents/" + w2 + "/interactions",
                json("text", big));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(GraceProcess.json(tooLarge).path("message").asText()).contains("65536");
        assertThat(staff.post(world.instance(1), "/api/residents/" + w2 + "/interactions", json("turns",
                List.of(Map.of("speaker", "resident", "text", big)))).statusCode()).isEqualTo(413);
        String exactlyAtTheLimit = "b".repeat(64 * 1024);
        expect(staff.post(world.instance(2), "/api/residents/" + w2 + "/interactions", json("text",
                exactlyAtTheLimit)), 202);

        JsonNode badReport = expect(staff.post(world.instance(0), "/api/incidents", json("residentId", w2,
                "categories", List.of("alien_abduction"), "severity", "catastrophic", "summary", "x")), 400);
        assertThat(badReport.path("fields").has("severity")).isTrue();
        assertThat(badReport.path("fields").has("categories")).isTrue();
        JsonNode badTranscript = expect(device.post(world.instance(1), "/api/residents/" + w2 + "/interactions",
                json("text", "", "startedAt", "yesterday")), 400);
        assertThat(badTranscript.path("fields").path("startedAt").asText()).contains("ISO-8601");
        assertThat(badTranscript.path("fields").has("text")).isTrue();
        JsonNode badResident = expect(world.user("manager").post(world.instance(2), "/api/residents", json(
                "facilityId", world.willow, "dateOfBirth", "2-3-1941", "status", "asleep")), 400);
        assertThat(badResident.path("fields").has("fullName")).isTrue();
        assertThat(badResident.path("fields").has("dateOfBirth")).isTrue();
        assertThat(badResident.path("fields").has("status")).isTrue();
        HttpResponse<String> malformed = staff.post(world.instance(0), "/api/residents/" + w2 + "/interactions",
                "{\"text\": \"unterminated");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(GraceProcess.json(malformed).path("message").asText()).contains("line 1");
        assertThat(staff.post(world.instance(1), "/api/incidents/1/resolve", json("note", " ")).statusCode())
                .isEqualTo(400);

        assertThat(count("SELECT count(*) FROM interactions")).as("only the valid transcript was stored")
                .isEqualTo(interactionsBefore + 1);
        assertThat(count("SELECT count(*) FROM incidents")).isEqualTo(incidentsBefore);
        assertThat(count("SELECT count(*) FROM interactions x WHERE NOT EXISTS (SELECT 1 FROM grace_jobs j "
                + "WHERE j.type = 'detect-incidents' AND (j.payload ->> 'interactionId')::bigint = x.id)"))
                .as("every interaction has its detection job").isZero();
        assertThat(count("SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id "
                + "WHERE u.organization_id <> n.organization_id")).isZero();
    }

    @Test
    @Order(4)
    void concurrentAcknowledgementsOnThreeInstancesOneWinsTwoAre409AndOneAuditRow() throws Exception {
        List<String> rounds = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            long resident = world.willowResidents.get(3 + round);
            long id = expect(world.user("staff").post(world.instance(round), "/api/incidents", json("residentId",
                    resident, "categories", List.of("medical_emergency"), "severity", "critical", "summary",
                    "Struggling to breathe")), 201).path("incident").path("id").asLong();
            List<String> acknowledgers = List.of("admin", "director", "manager");
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                CareClient who = world.user(acknowledgers.get(i));
                GraceProcess where = world.instance(i);
                calls.add(() -> who.post(where, "/api/incidents/" + id + "/acknowledge", null));
            }
            List<HttpResponse<String>> answers = together(calls);
            List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).sorted().toList();
            rounds.add(statuses.toString());
            assertThat(statuses).as("round " + round).containsExactly(200, 409, 409);
            HttpResponse<String> winner = answers.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
            String winnerName = GraceProcess.json(winner).path("acknowledgedByName").asText();
            answers.stream().filter(r -> r.statusCode() == 409).forEach(r -> assertThat(GraceProcess.json(r)
                    .path("message").asText()).contains("already acknowledged by " + winnerName));
            assertThat(count("SELECT count(*) FROM alert_log WHERE incident_id = ? AND kind = 'acknowledgement'", id))
                    .isEqualTo(1);
            assertThat(count("SELECT count(*) FROM notifications WHERE incident_id = ? AND acknowledged_at IS NULL",
                    id)).as("every recipient's notification is acknowledged").isZero();
            assertThat(count("SELECT count(*) FROM notifications WHERE incident_id = ?", id))
                    .as("critical: director, manager, staff of Willow and both organisation admins").isEqualTo(5);
            assertThat(count("SELECT count(*) FROM incidents WHERE id = ? AND response_time_ms IS NOT NULL", id))
                    .isEqualTo(1);
        }
        System.out.println("CareWorkflowsIT concurrent acknowledgement, statuses per round: " + rounds);

        // The append-only log refuses changes even from the database owner.
        try (Connection c = world.db().getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE alert_log SET kind = 'reopen'")) {
            ps.executeUpdate();
            throw new AssertionError("alert_log accepted an UPDATE");
        } catch (java.sql.SQLException e) {
            assertThat(e.getMessage()).contains("append-only");
        }
    }

    @Test
    @Order(5)
    void unreadCountReadAndUnreadAndTheDashboardFollowTheChanges() {
        CareClient director = world.user("director");
        long unread = GraceProcess.json(director.get(world.instance(0), "/api/notifications/unread-count"))
                .path("unread").asLong();
        assertThat(unread).isPositive();
        long newest = notificationsOf("director").get(0);
        assertThat(expect(director.post(world.instance(1), "/api/notifications/" + newest + "/read",
                null), 200).path("unread").asLong()).isEqualTo(unread - 1);
        assertThat(GraceProcess.json(director.get(world.instance(2), "/api/notifications/unread-count"))
                .path("unread").asLong()).as("the cached count was evicted on every instance").isEqualTo(unread - 1);
        expect(director.post(world.instance(0), "/api/notifications/" + newest + "/unread", null), 200);
        assertThat(GraceProcess.json(director.get(world.instance(1), "/api/notifications/unread-count"))
                .path("unread").asLong()).isEqualTo(unread);
        JsonNode page = GraceProcess.json(director.get(world.instance(2), "/api/notifications?limit=3"));
        assertThat(page.path("items").size()).isEqualTo(3);
        assertThat(page.path("nextCursor").asText()).isNotEmpty();

        JsonNode dashboard = GraceProcess.json(director.get(world.instance(0), "/api/dashboard"));
        assertThat(dashboard.path("openIncidents").asLong()).isEqualTo(count("SELECT count(*) FROM incidents "
                + "WHERE facility_id = ? AND status <> 'resolved'", world.willow));
        assertThat(dashboard.path("acknowledgedLast7Days").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(dashboard.path("averageResponseSeconds7d").isNumber()).isTrue();
    }

    /** The notification ids of a user, newest first. */
    static List<Long> notificationsOf(String user) {
        JsonNode page = GraceProcess.json(world.user(user).get(world.instance(0), "/api/notifications"));
        List<Long> ids = new ArrayList<>();
        page.path("items").forEach(n -> ids.add(n.path("id").asLong()));
        assertThat(ids).as(user + " has notifications").isNotEmpty();
        return ids;
    }

    static List<Long> ids(String jsonArray) {
        List<Long> out = new ArrayList<>();
        try {
            CareClient.JSON.readTree(jsonArray).forEach(n -> out.add(n.path("id").asLong()));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + jsonArray, e);
        }
        return out;
    }

    static long count(String sql, Object... params) {
        try (Connection c = world.db().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(sql + ": " + e, e);
        }
    }

    /** Runs the calls at the same moment (after a latch) and returns their results in order. */
    static <T> List<T> together(List<Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch ready = new CountDownLatch(calls.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> call : calls) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.call();
                }));
            }
            ready.await();
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
