package org.grace.webapp.it.care;

import static org.assertj.core.api.Assertions.assertThat;
import static org.grace.webapp.it.care.CareClient.expect;
import static org.grace.webapp.it.care.CareClient.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
import org.grace.testsupport.PostgresDatabase;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.grace.webapp.it.GraceProcess;
import org.grace.webapp.it.WithGrace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The care workflows on three Payara Micro processes sharing one PostgreSQL and one Redis (the class's, through
 * {@link WithGrace}; {@link CareWorld} builds on them):
 * who may do what (every endpoint, every role, another organisation), bad input, and the first acknowledgement
 * winning across instances, unread counts and the dashboard, and a thousand transcripts posted round-robin (the
 * last test, on the same instances, to keep the boots to three). Documents (issue 17) run last on the same instances:
 * {@link DocumentScenarios}.
 */
@WithGrace
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CareWorkflowsIT {
    static final List<String> ROLES = List.of("admin", "director", "manager", "staff", "family", "manager2", "bAdmin");
    static CareWorld world;

    @BeforeAll
    static void start(GraceFleet fleet, PostgresDatabase database) throws Exception {
        long t0 = System.nanoTime();
        world = CareWorld.start(fleet, database, 3);
        System.out.printf("CareWorkflowsIT: 3 instances up and the world built in %.1f s%n",
                (System.nanoTime() - t0) / 1e9);
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
        // Another instance's cached count is dropped by the cache's invalidation message, which arrives a few
        // milliseconds after the write (docs/cache.md, "update on one instance seen by another"): within 1 s here.
        long afterRead = awaitUnreadCount(director, world.instance(2), unread - 1);
        expect(director.post(world.instance(0), "/api/notifications/" + newest + "/unread", null), 200);
        long afterUnread = awaitUnreadCount(director, world.instance(1), unread);
        System.out.printf("CareWorkflowsIT unread count: another instance agreed %d ms after mark-read, %d ms after "
                + "mark-unread%n", afterRead, afterUnread);
        JsonNode page = GraceProcess.json(director.get(world.instance(2), "/api/notifications?limit=3"));
        assertThat(page.path("items").size()).isEqualTo(3);
        assertThat(page.path("nextCursor").asText()).isNotEmpty();

        JsonNode dashboard = GraceProcess.json(director.get(world.instance(0), "/api/dashboard"));
        assertThat(dashboard.path("openIncidents").asLong()).isEqualTo(count("SELECT count(*) FROM incidents "
                + "WHERE facility_id = ? AND status <> 'resolved'", world.willow));
        assertThat(dashboard.path("acknowledgedLast7Days").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(dashboard.path("averageResponseSeconds7d").isNumber()).isTrue();
    }

    /** The known mix: what companion devices hear in a day, alarming and ordinary. */
    static final List<String> TRANSCRIPTS = List.of(
            "resident: I fell over in the bathroom and now I'm lying on the floor and my hip hurts",
            "resident: I can't breathe, my chest hurts so much",
            "resident: She is choking on her food and turning blue",
            "resident: Someone hit me last night and took my money from my purse",
            "resident: I'm so scared, I keep crying and I want my mum",
            "resident: Where am I? I don't know this place and I don't recognise you",
            "resident: I didn't take my tablets this morning, the nurse forgot my dose",
            "resident: He keeps hitting the other residents and shouting",
            "resident: I tripped and fell and hit my head, there is blood everywhere",
            "resident: We had a lovely cup of tea and talked about the garden",
            "resident: I did not fall, I just sat down on the chair",
            "resident: If I fell, would somebody come and help me?",
            "resident: The weather is lovely today and the birds are singing",
            "resident: My granddaughter visited and we looked at old photos",
            "companion: Did you fall today? resident: No, I'm fine, thank you");

    @Test
    @Order(6)
    void aThousandTranscriptsRoundRobinOnThreeInstancesGiveEachExpectedIncidentOnceWithOneNotificationPerRecipient()
            throws Exception {
        org.grace.webapp.incidents.detection.IncidentDetector detector =
                org.grace.webapp.incidents.detection.IncidentDetector.withBundledRules();
        Map<String, String> expectedSeverity = new LinkedHashMap<>();
        for (String t : TRANSCRIPTS) {
            var result = detector.detect(t);
            expectedSeverity.put(t, result.incidentDetected() ? result.severity().wireName() : null);
        }
        assertThat(expectedSeverity.values().stream().filter(java.util.Objects::nonNull).count())
                .as("the mix has positives").isGreaterThanOrEqualTo(8);
        assertThat(expectedSeverity.values()).as("and negatives").containsNull();
        assertThat(expectedSeverity.values()).contains("medium", "high", "critical");
        Map<String, List<Long>> recipients = Map.of(
                "low", List.of(),
                "medium", sorted(world.userId("director"), world.userId("manager")),
                "high", sorted(world.userId("director"), world.userId("manager"), world.userId("admin"),
                        world.userId("admin2")),
                "critical", sorted(world.userId("director"), world.userId("manager"), world.userId("admin"),
                        world.userId("admin2"), world.userId("staff")));

        int total = 1000;
        long[] interactionIds = new long[total];
        long[] latencyNanos = new long[total];
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        try {
            List<Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                int n = i;
                posts.add(pool.submit(() -> {
                    long resident = world.willowResidents.get(n % CareWorld.WILLOW_RESIDENTS);
                    String text = TRANSCRIPTS.get(n % TRANSCRIPTS.size());
                    String body = n % 2 == 0 || !text.startsWith("resident: ") || text.indexOf(':', 10) > 0
                            ? json("text", text)
                            : json("turns", List.of(Map.of("speaker", "resident", "text", text.substring(10))));
                    CareClient device = new CareClient("device", world.deviceCredentials.get(resident));
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = device.post(world.instance(n), "/api/residents/" + resident
                            + "/interactions", body);
                    latencyNanos[n] = System.nanoTime() - t0;
                    interactionIds[n] = expect(r, 202).path("interactionId").asLong();
                    return null;
                }));
            }
            for (Future<?> f : posts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double postSeconds = (System.nanoTime() - start) / 1e9;
        Long[] ids = Arrays.stream(interactionIds).boxed().toArray(Long[]::new);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(300);
        long pending;
        while ((pending = countWithIds("SELECT count(*) FROM interactions WHERE id = ANY (?) AND detected_at IS NULL",
                ids)) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        double allDetectedSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(pending).as("interactions still unscreened").isZero();

        Map<Long, String> severityByInteraction = new LinkedHashMap<>();
        Map<Long, Long> incidentByInteraction = new LinkedHashMap<>();
        Map<Long, Long> incidentsPerInteraction = new LinkedHashMap<>();
        Map<Long, List<Long>> recipientsByIncident = new LinkedHashMap<>();
        Map<Long, Long> notificationsByIncident = new LinkedHashMap<>();
        Map<Long, Long> alertRowsByIncident = new LinkedHashMap<>();
        try (Connection c = world.db().getConnection()) {
            java.sql.Array idArray = c.createArrayOf("bigint", ids);
            eachRow(c, "SELECT interaction_id, min(id), min(severity), count(*) FROM incidents "
                    + "WHERE interaction_id = ANY (?) GROUP BY interaction_id", idArray, rs -> {
                incidentByInteraction.put(rs.getLong(1), rs.getLong(2));
                severityByInteraction.put(rs.getLong(1), rs.getString(3));
                incidentsPerInteraction.put(rs.getLong(1), rs.getLong(4));
            });
            eachRow(c, "SELECT n.incident_id, array_agg(DISTINCT n.user_id ORDER BY n.user_id), count(*) "
                    + "FROM notifications n JOIN incidents i ON i.id = n.incident_id "
                    + "WHERE i.interaction_id = ANY (?) GROUP BY n.incident_id", idArray, rs -> {
                recipientsByIncident.put(rs.getLong(1), Arrays.asList((Long[]) rs.getArray(2).getArray()));
                notificationsByIncident.put(rs.getLong(1), rs.getLong(3));
            });
            eachRow(c, "SELECT a.incident_id, count(*) FROM alert_log a JOIN incidents i ON i.id = a.incident_id "
                    + "WHERE i.interaction_id = ANY (?) AND a.kind = 'alert_sent' GROUP BY a.incident_id", idArray,
                    rs -> alertRowsByIncident.put(rs.getLong(1), rs.getLong(2)));
        }
        int expectedIncidents = 0;
        int expectedNotifications = 0;
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String text = TRANSCRIPTS.get(i % TRANSCRIPTS.size());
            String want = expectedSeverity.get(text);
            long interaction = interactionIds[i];
            if (want == null) {
                if (incidentByInteraction.containsKey(interaction)) {
                    wrong.add("negative " + interaction + " has an incident: " + text);
                }
                continue;
            }
            expectedIncidents++;
            Long incident = incidentByInteraction.get(interaction);
            if (incident == null || incidentsPerInteraction.get(interaction) != 1) {
                wrong.add("positive " + interaction + " has " + incidentsPerInteraction.get(interaction)
                        + " incidents: " + text);
                continue;
            }
            if (!want.equals(severityByInteraction.get(interaction))) {
                wrong.add("incident " + incident + " severity " + severityByInteraction.get(interaction) + " not "
                        + want);
            }
            List<Long> wantRecipients = recipients.get(want);
            expectedNotifications += wantRecipients.size();
            List<Long> got = recipientsByIncident.getOrDefault(incident, List.of());
            long rows = notificationsByIncident.getOrDefault(incident, 0L);
            if (!got.equals(wantRecipients) || rows != wantRecipients.size()) {
                wrong.add("incident " + incident + " (" + want + ") notified " + got + " in " + rows + " rows, want "
                        + wantRecipients);
            }
            long alertRows = alertRowsByIncident.getOrDefault(incident, 0L);
            if (alertRows != (wantRecipients.isEmpty() ? 0 : 1)) {
                wrong.add("incident " + incident + " has " + alertRows + " alert_sent rows");
            }
        }
        long failedJobs = count("SELECT count(*) FROM grace_jobs WHERE type = 'detect-incidents' AND status = 'failed'");
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        String lag = notificationLag(ids);
        System.out.printf("CareWorkflowsIT volume: %d transcripts posted over 3 instances in %.1f s (%.0f/s), "
                        + "POST latency p50 %.1f ms p95 %.1f ms p99 %.1f ms; all screened after %.1f s; "
                        + "%d incidents expected, %d found; %d notifications expected, %d found; %s; "
                        + "failed detection jobs %d; mismatches %d%n",
                total, postSeconds, total / postSeconds, sorted[total / 2] / 1e6, sorted[total * 95 / 100] / 1e6,
                sorted[total * 99 / 100] / 1e6, allDetectedSeconds, expectedIncidents, incidentByInteraction.size(),
                expectedNotifications, notificationsByIncident.values().stream().mapToLong(Long::longValue).sum(),
                lag, failedJobs, wrong.size());
        assertThat(wrong).as("first mismatches").isEmpty();
        assertThat(incidentByInteraction).hasSize(expectedIncidents);
        assertThat(failedJobs).isZero();
    }

    /** p50/p95/max of interaction stored -> its notification row written, from PostgreSQL's clock. */
    static String notificationLag(Long[] ids) throws Exception {
        try (Connection c = world.db().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY ms), max(ms) FROM (SELECT "
                        + "extract(epoch FROM min(n.created_at) - x.created_at) * 1000 AS ms FROM interactions x "
                        + "JOIN incidents i ON i.interaction_id = x.id JOIN notifications n ON n.incident_id = i.id "
                        + "WHERE x.id = ANY (?) GROUP BY x.id, x.created_at) lags")) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Double[] p = (Double[]) rs.getArray(1).getArray();
                return String.format("stored -> notification row p50 %.0f ms p95 %.0f ms max %.0f ms (under load of the "
                        + "run itself)", p[0], p[1], rs.getDouble(2));
            }
        }
    }

    /** Reads one row of a query. */
    @FunctionalInterface
    interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /** Runs {@code sql}, whose one parameter is {@code ids}, and hands each row to {@code reader}. */
    static void eachRow(Connection c, String sql, java.sql.Array ids, RowReader reader) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        }
    }

    static long countWithIds(String sql, Long[] ids) throws Exception {
        try (Connection c = world.db().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static List<Long> sorted(long... ids) {
        return Arrays.stream(ids).sorted().boxed().toList();
    }

    @Test
    @Order(7)
    void transcriptsForOneResidentAreLimitedAcrossInstancesAndARefusedOneStoresNothing() throws Exception {
        long resident = world.birchResidents.get(1);
        CareClient staff2 = world.user("staff2");
        int attempts = 300;
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < attempts; i++) {
                GraceProcess where = world.instance(i);
                answers.add(pool.submit(() -> staff2.post(where, "/api/residents/" + resident + "/interactions",
                        json("text", "Sat in the lounge and listened to music."))));
            }
            int accepted = 0;
            HttpResponse<String> refused = null;
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 202) {
                    accepted++;
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                    refused = r;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // 200 a minute (the test's GRACE_RATELIMIT_INGEST_RESIDENT_PER_MINUTE), refilled while the calls ran.
            long allowance = 200 + (long) Math.ceil(seconds * 200 / 60) + 1;
            System.out.printf("CareWorkflowsIT resident limit: %d of %d accepted in %.1f s over 3 instances "
                    + "(allowance %d)%n", accepted, attempts, seconds, allowance);
            assertThat(refused).as("some were refused").isNotNull();
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.headers().firstValue("RateLimit-Policy").orElse("")).contains("ingest-resident");
            assertThat(accepted).isBetween(150, (int) allowance);
            assertThat(count("SELECT count(*) FROM interactions WHERE resident_id = ?", resident))
                    .as("a refused transcript stored nothing").isEqualTo(accepted);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(8)
    void runningTheDetectionJobAgainForAnInteractionWritesNoSecondIncidentOrAlert() throws Exception {
        long resident = world.willowResidents.get(9);
        CareClient device = new CareClient("device", world.deviceCredentials.get(resident));
        long interaction = expect(device.post(world.instance(2), "/api/residents/" + resident + "/interactions",
                json("text", "resident: She is choking on her food and turning blue")), 202).path("interactionId")
                .asLong();
        awaitZero("SELECT count(*) FROM interactions WHERE id = ? AND detected_at IS NULL", interaction);
        long notifications = count("SELECT count(*) FROM notifications n JOIN incidents i ON i.id = n.incident_id "
                + "WHERE i.interaction_id = ?", interaction);
        assertThat(count("SELECT count(*) FROM incidents WHERE interaction_id = ?", interaction)).isEqualTo(1);
        assertThat(notifications).isEqualTo(5);
        // Three more executions of the same work, as a retry or a lost lease would cause, picked up by any instance.
        try (Connection c = world.db().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO grace_jobs (type, payload, max_attempts) VALUES ('detect-incidents', "
                        + "jsonb_build_object('interactionId', ?::bigint), 1)")) {
            for (int i = 0; i < 3; i++) {
                ps.setLong(1, interaction);
                ps.executeUpdate();
            }
        }
        awaitZero("SELECT count(*) FROM grace_jobs WHERE type = 'detect-incidents' AND status IN ('pending', "
                + "'running') AND (payload ->> 'interactionId')::bigint = ?", interaction);
        assertThat(count("SELECT count(*) FROM grace_jobs WHERE type = 'detect-incidents' AND status = 'completed' "
                + "AND (payload ->> 'interactionId')::bigint = ?", interaction)).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM incidents WHERE interaction_id = ?", interaction)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM notifications n JOIN incidents i ON i.id = n.incident_id "
                + "WHERE i.interaction_id = ?", interaction)).isEqualTo(notifications);
        assertThat(count("SELECT count(*) FROM alert_log a JOIN incidents i ON i.id = a.incident_id "
                + "WHERE i.interaction_id = ? AND a.kind = 'alert_sent'", interaction)).isEqualTo(1);
    }

    /**
     * A facility this instance has not heard of (made as if while Redis was unreachable, so no eviction ever reached
     * the cached facility list) is looked up in PostgreSQL before a write naming it is refused.
     */
    @Test
    @Order(9)
    void aFacilityMissingFromAStaleCachedListIsCheckedInPostgresqlBeforeAWriteIsRefused() {
        CareClient admin = world.user("admin");
        expect(admin.get(world.instance(1), "/api/facilities"), 200);
        long organization = count("SELECT organization_id FROM facilities WHERE id = ?", world.willow);
        long quiet = count("INSERT INTO facilities (organization_id, name, time_zone) VALUES (?, 'Quiet Lodge', "
                + "'Europe/London') RETURNING id", organization);
        assertThat(ids(admin.get(world.instance(1), "/api/facilities").body()))
                .as("instance 1 still answers its cached list, without the new facility").doesNotContain(quiet);

        expect(admin.post(world.instance(1), "/api/residents", json("facilityId", quiet, "fullName",
                "Arrived Today")), 201);
        expect(admin.post(world.instance(1), "/api/devices", json("facilityId", quiet, "name", "Lodge tablet")), 201);
        assertThat(expect(admin.get(world.instance(1), "/api/facilities/" + quiet), 200).path("name").asText())
                .isEqualTo("Quiet Lodge");
        expect(world.user("manager").get(world.instance(1), "/api/facilities/" + quiet), 404);
        expect(world.user("bAdmin").post(world.instance(1), "/api/residents", json("facilityId", quiet,
                "fullName", "Not Theirs")), 400);
    }

    /**
     * A device that lost an answer resends with the same Idempotency-Key: the first and four resends arrive at the
     * same moment on the three instances, and one interaction, one detection job, one incident and one alert exist.
     */
    @Test
    @Order(10)
    void aTranscriptResentWithItsIdempotencyKeyIsStoredScreenedAndAlertedOnce() throws Exception {
        long resident = world.willowResidents.get(8);
        CareClient device = new CareClient("device", world.deviceCredentials.get(resident));
        String path = "/api/residents/" + resident + "/interactions";
        String body = json("text", "resident: I fell over in my room and I can't get up, my hip really hurts");
        String key = "tablet-" + resident + "-" + java.util.UUID.randomUUID();
        List<Callable<HttpResponse<String>>> sends = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            GraceProcess where = world.instance(i);
            sends.add(() -> device.send(where, "POST", path, body, "Idempotency-Key", key));
        }
        List<HttpResponse<String>> answers = together(sends);
        List<Long> ids = new ArrayList<>();
        int replayed = 0;
        for (HttpResponse<String> r : answers) {
            ids.add(expect(r, 202).path("interactionId").asLong());
            replayed += r.headers().firstValue("Idempotent-Replayed").map(v -> 1).orElse(0);
        }
        long interaction = ids.get(0);
        assertThat(ids).as("every send answers the same interaction").containsOnly(interaction);
        assertThat(replayed).as("four of five are resends").isEqualTo(4);
        assertThat(count("SELECT count(*) FROM interactions WHERE idempotency_key = ?", key)).isEqualTo(1);
        awaitZero("SELECT count(*) FROM interactions WHERE id = ? AND detected_at IS NULL", interaction);
        assertThat(count("SELECT count(*) FROM grace_jobs WHERE type = 'detect-incidents' "
                + "AND (payload ->> 'interactionId')::bigint = ?", interaction)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM incidents WHERE interaction_id = ?", interaction)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM alert_log a JOIN incidents i ON i.id = a.incident_id "
                + "WHERE i.interaction_id = ? AND a.kind = 'alert_sent'", interaction)).isEqualTo(1);

        // A resend later, on another instance: the same answer again.
        HttpResponse<String> late = device.send(world.instance(2), "POST", path, body, "Idempotency-Key", key);
        assertThat(expect(late, 202).path("interactionId").asLong()).isEqualTo(interaction);
        assertThat(late.headers().firstValue("Idempotent-Replayed")).contains("true");
        // The key reused for another transcript is refused, and that transcript is not stored.
        HttpResponse<String> reused = device.send(world.instance(0), "POST", path, json("text",
                "resident: lovely lunch today"), "Idempotency-Key", key);
        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(GraceProcess.json(reused).path("message").asText()).contains("Idempotency-Key");
        // A malformed key is a field error; a new key is a new interaction; no key works as before.
        JsonNode badKey = expect(device.send(world.instance(1), "POST", path, body, "Idempotency-Key",
                "x".repeat(201)), 400);
        assertThat(badKey.path("fields").has("Idempotency-Key")).isTrue();
        long other = expect(device.send(world.instance(1), "POST", path, body, "Idempotency-Key", key + "-2"), 202)
                .path("interactionId").asLong();
        long unkeyed = expect(device.post(world.instance(2), path, body), 202).path("interactionId").asLong();
        assertThat(List.of(other, unkeyed)).doesNotContain(interaction).doesNotHaveDuplicates();
        assertThat(count("SELECT count(*) FROM interactions WHERE resident_id = ? AND text = 'resident: lovely "
                + "lunch today'", resident)).isZero();
    }

    /** Milliseconds until {@code instance} answers {@code expected} as the unread count; fails after 1 s. */
    static long awaitUnreadCount(CareClient user, GraceProcess instance, long expected) {
        long start = System.nanoTime();
        while (true) {
            long seen = GraceProcess.json(user.get(instance, "/api/notifications/unread-count")).path("unread")
                    .asLong();
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (seen == expected) {
                return elapsed;
            }
            assertThat(elapsed).as("the cached unread count on another instance still says " + seen + ", not "
                    + expected + ", after " + elapsed + " ms").isLessThan(1000);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    @Order(11)
    void aDocumentUploadedOnOneInstanceIsByteIdenticalOnTheOthersWith304AndExactRanges() {
        new DocumentScenarios(world).uploadOnOneInstanceDownloadOnTheOthers();
    }

    @Test
    @Order(12)
    void hostileUploadsAreRefusedWithJsonErrorsAndLeaveNoRowAndNoBlob() throws Exception {
        new DocumentScenarios(world).hostileUploadsAreRefusedAndLeaveNothing();
    }

    @Test
    @Order(13)
    void everyDocumentEndpointAnswersEachRoleAndTheOtherOrganisationAsTheResidentsRulesSay() {
        new DocumentScenarios(world).everyDocumentEndpointAnswersEachRoleAsTheResidentsRulesSay();
    }

    @Test
    @Order(14)
    void photosGetThumbnailsWithoutTheirLocationByAJobAndTheyGoWithThePhoto() throws Exception {
        long started = System.nanoTime();
        new DocumentScenarios(world).photosGetThumbnailsWithoutTheirLocation();
        System.out.printf("CareWorkflowsIT: thumbnails made, checked and deleted in %.1f s%n",
                (System.nanoTime() - started) / 1e9);
    }

    static void awaitZero(String sql, Object... params) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (count(sql, params) > 0) {
            assertThat(System.nanoTime()).as("waited 60 s for: " + sql).isLessThan(deadline);
            Thread.sleep(200);
        }
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
