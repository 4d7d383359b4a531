package org.grace.webapp.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.grace.testsupport.FreePorts;
import org.grace.testsupport.PostgresServer;
import org.grace.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Reminders, escalation, e-mail and retention on three real Payara Micro processes (a, b, c) sharing one real
 * PostgreSQL and one real Redis, with a real SMTP server (GreenMail) in this JVM. The claims are about the cluster,
 * so every request goes to a chosen instance and every job may run on any of the three; the last test kills c with
 * SIGKILL. One class, three boots: the tests share the instances and each looks only at its own incident or
 * reminder.
 *
 * <p>Test timing: escalation after 5 s then every 3 s, 3 steps; reminder grace period 5 s; retention every 5 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CareDeliveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct horse battery staple";
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final Duration AFTER = Duration.ofSeconds(5);
    private static final Duration INTERVAL = Duration.ofSeconds(3);
    private static final int STEPS = 3;
    private static final int OLD_READ = 7;
    /** Three boots one after the other on two cores shared with other builds took 161 s; one alone over 120 s. */
    private static final Duration BOOT = Duration.ofMinutes(5);

    private static PostgresServer postgres;
    private static RedisServer redis;
    private static int smtpPort;
    private static GreenMail smtp;
    private static GraceProcess a;
    private static GraceProcess b;
    private static GraceProcess c;
    private static long organizationId;
    private static long facilityId;
    private static long residentId;
    private static final Map<String, Long> userIds = new LinkedHashMap<>();
    private static final Map<String, String> tokens = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
        redis = RedisServer.start();
        smtpPort = FreePorts.next(); // GreenMail starts on it in the first test, after a failed attempt
        String key = SigningKeys.newPrivateKeyPem();
        Map<String, String> env = new HashMap<>();
        env.put("GRACE_DB_URL", postgres.jdbcUrl());
        env.put("GRACE_DB_USER", postgres.user());
        env.put("GRACE_REDIS_URL", redis.url());
        env.put("GRACE_INSTANCES", "3");
        env.put("GRACE_DB_POOL_SIZE", "16");
        env.put("GRACE_AUTH_SIGNING_KEY", key);
        env.put("GRACE_AUTH_PBKDF2_ITERATIONS", "10000");
        env.put("GRACE_REDIS_CALL_TIMEOUT", "250ms");
        env.put("GRACE_MAIL_HOST", "127.0.0.1");
        env.put("GRACE_MAIL_PORT", Integer.toString(smtpPort));
        env.put("GRACE_MAIL_TLS", "none");
        env.put("GRACE_MAIL_FROM", "alerts@rose.example");
        env.put("GRACE_MAIL_TIMEOUT", "3s");
        env.put("GRACE_ESCALATION_AFTER", AFTER.toSeconds() + "s");
        env.put("GRACE_ESCALATION_INTERVAL", INTERVAL.toSeconds() + "s");
        env.put("GRACE_ESCALATION_MAX_STEPS", Integer.toString(STEPS));
        env.put("GRACE_REMINDERS_GRACE_PERIOD", "5s");
        env.put("GRACE_RETENTION_SCHEDULE", "*/5 * * * * *");
        env.put("GRACE_RETENTION_READ_NOTIFICATIONS", "30d");
        long boot = System.nanoTime();
        a = GraceProcess.start("care-a", with(env, "GRACE_INSTANCE_ID", "a"), BOOT);
        b = GraceProcess.start("care-b", with(env, "GRACE_INSTANCE_ID", "b"), BOOT);
        c = GraceProcess.start("care-c", with(env, "GRACE_INSTANCE_ID", "c"), BOOT);
        System.out.printf("CareDeliveryIT: three instances up in %.1f s%n", (System.nanoTime() - boot) / 1e9);

        HttpResponse<String> setup = send(a, "POST", "/api/setup", null, Map.of("organizationName", "Rose Court",
                "email", "admin@rose.example", "displayName", "Ada Admin", "password", PASSWORD));
        assertThat(setup.statusCode()).as(setup.body()).isEqualTo(201);
        userIds.put("admin", GraceProcess.json(setup).path("user").path("id").asLong());
        try (Connection db = postgres.dataSource().getConnection()) {
            organizationId = one(db, "SELECT organization_id FROM users WHERE id = ?", userIds.get("admin"));
            facilityId = one(db, "INSERT INTO facilities (organization_id, name, time_zone) VALUES (?, 'Rose Court', "
                    + "'Europe/London') RETURNING id", organizationId);
            for (String[] u : new String[][] {{"director", "facility_director"}, {"manager", "care_manager"},
                    {"staff1", "care_staff"}, {"staff2", "care_staff"}}) {
                long id = one(db, "INSERT INTO users (organization_id, email, display_name, role, password_hash) "
                        + "SELECT organization_id, ?, ?, ?, password_hash FROM users WHERE id = ? RETURNING id",
                        u[0] + "@rose.example", u[0], u[1], userIds.get("admin"));
                userIds.put(u[0], id);
                one(db, "INSERT INTO facility_staff (organization_id, facility_id, user_id) VALUES (?, ?, ?) "
                        + "RETURNING user_id", organizationId, facilityId, id);
            }
            residentId = one(db, "INSERT INTO residents (organization_id, facility_id, full_name, room) "
                    + "VALUES (?, ?, 'Margaret Hill', '12') RETURNING id", organizationId, facilityId);
            // Retention's material: read and old (to delete), read and recent, unread and old (both kept).
            for (int i = 0; i < OLD_READ; i++) {
                notification(db, "40 days", "39 days");
            }
            notification(db, "29 days", "28 days");
            notification(db, "3 days", "1 day");
            notification(db, "40 days", null);
            notification(db, "400 days", null);
        }
        for (String who : userIds.keySet()) {
            HttpResponse<String> login = send(b, "POST", "/api/auth/login", null, Map.of("email",
                    who + "@rose.example", "password", PASSWORD, "client", "api"));
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            tokens.put(who, GraceProcess.json(login).path("accessToken").asText());
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable x : new AutoCloseable[] {a, b, c, redis, postgres}) {
            try {
                if (x != null) {
                    x.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    @Order(1)
    void aCriticalAlertIsEmailedToEveryRecipientAndRetriedWhileTheSmtpServerIsDown() throws Exception {
        long incident = report(a, "staff1", "critical", "Found on the floor, not breathing normally");
        // Nothing listens on the SMTP port yet: every message's first attempt fails.
        await(Duration.ofSeconds(30), () -> count("SELECT count(*) FROM outbound_messages WHERE dedupe_key = ? "
                + "AND attempts >= 1 AND last_error IS NOT NULL", "incident:" + incident + ":alert") == 5);
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        long up = System.nanoTime();
        await(Duration.ofSeconds(60), () -> critical().size() >= 5);
        System.out.printf("CareDeliveryIT: 5 critical e-mails arrived %.1f s after the SMTP server started%n",
                (System.nanoTime() - up) / 1e9);
        GraceProcess.sleep(2000); // a duplicate, if any, would arrive now
        List<String> to = new ArrayList<>();
        for (MimeMessage m : critical()) {
            to.add(m.getRecipients(Message.RecipientType.TO)[0].toString());
        }
        assertThat(to).containsExactlyInAnyOrder("admin@rose.example", "director@rose.example",
                "manager@rose.example", "staff1@rose.example", "staff2@rose.example");
        Map<String, Object> attempts = rows("SELECT address, attempts, sent_at IS NOT NULL AS sent FROM "
                + "outbound_messages WHERE dedupe_key = ? ORDER BY address", "incident:" + incident + ":alert");
        System.out.println("CareDeliveryIT: critical e-mail attempts " + attempts);
        assertThat(count("SELECT count(*) FROM outbound_messages WHERE dedupe_key = ? AND sent_at IS NOT NULL "
                + "AND attempts >= 2", "incident:" + incident + ":alert")).isEqualTo(5);
        acknowledge(b, "manager", incident); // no escalation for this one: the next tests count theirs
    }

    @Test
    @Order(2)
    void aHighIncidentEscalatesExactlyOncePerStepAcrossThreeInstances() throws Exception {
        long incident = report(a, "staff1", "high", "Hit another resident, now very agitated");
        await(Duration.ofSeconds(60), () -> count("SELECT count(*) FROM alert_log WHERE incident_id = ? "
                + "AND kind = 'escalation'", incident) >= STEPS);
        GraceProcess.sleep(INTERVAL.multipliedBy(2).toMillis() + 2000); // a step too many would show now
        List<String> steps = strings("SELECT (detail->>'step') || ':' || (detail->'recipients')::text FROM alert_log "
                + "WHERE incident_id = ? AND kind = 'escalation' ORDER BY (detail->>'step')::int", incident);
        long director = userIds.get("director");
        long admin = userIds.get("admin");
        assertThat(steps).containsExactly("1:[" + director + "]", "2:[" + admin + "]",
                "3:[" + director + ", " + admin + "]");
        assertThat(strings("SELECT user_id || '@' || dedupe_key FROM notifications WHERE incident_id = ? "
                + "AND type = 'escalation' ORDER BY user_id, dedupe_key", incident)).containsExactly(
                admin + "@incident:" + incident + ":escalation:2", admin + "@incident:" + incident + ":escalation:3",
                director + "@incident:" + incident + ":escalation:1",
                director + "@incident:" + incident + ":escalation:3");
        Map<String, Object> owners = rows("SELECT payload->>'step' AS step, lease_owner || ' ' || status FROM "
                + "grace_jobs WHERE type = 'escalate-incident' AND (payload->>'incidentId')::bigint = ? "
                + "ORDER BY 1", incident);
        System.out.println("CareDeliveryIT: escalation steps ran on " + owners);
        assertThat(owners).hasSize(STEPS);
        assertThat(owners.values()).allSatisfy(v -> assertThat(v.toString()).endsWith(" completed"));
        // Not early: step n is due AFTER + (n-1) x INTERVAL after detection (database clock on both sides).
        assertThat(count("SELECT count(*) FROM alert_log l JOIN incidents i ON i.id = l.incident_id WHERE "
                + "l.incident_id = ? AND l.kind = 'escalation' AND l.occurred_at < i.detected_at + "
                + "make_interval(secs => ? + ((l.detail->>'step')::int - 1) * ?)", incident, AFTER.toSeconds(),
                INTERVAL.toSeconds())).isZero();
        await(Duration.ofSeconds(30), () -> escalationMails(incident).size() >= 4);
        GraceProcess.sleep(1000);
        assertThat(escalationMails(incident)).containsExactlyInAnyOrder(
                "director@rose.example | director@rose.example Escalation 1",
                "admin@rose.example | admin@rose.example Escalation 2",
                "director@rose.example | director@rose.example Escalation 3",
                "admin@rose.example | admin@rose.example Escalation 3");
    }

    @Test
    @Order(3)
    void anIncidentAcknowledgedInTimeDoesNotEscalate() throws Exception {
        long incident = report(b, "staff2", "high", "Says he fell in the bathroom, bruise on the arm");
        acknowledge(c, "manager", incident);
        // Past the time of every step, with margin: the step 1 job must have run by then and found it acknowledged.
        GraceProcess.sleep(AFTER.plus(INTERVAL.multipliedBy(STEPS)).toMillis() + 3000);
        assertThat(count("SELECT count(*) FROM alert_log WHERE incident_id = ? AND kind = 'escalation'", incident))
                .isZero();
        assertThat(count("SELECT count(*) FROM notifications WHERE incident_id = ? AND type = 'escalation'",
                incident)).isZero();
        assertThat(rows("SELECT payload->>'step' AS step, status FROM grace_jobs WHERE type = 'escalate-incident' "
                + "AND (payload->>'incidentId')::bigint = ?", incident)).containsExactly(Map.entry("1", "completed"));
    }

    @Test
    @Order(4)
    void aDailyReminderIsDeliveredOncePerOccurrenceAndAMissedOneAlertsOnce() throws Exception {
        int before = count("SELECT count(*) FROM care_reminders");
        HttpResponse<String> bad = send(a, "POST", "/api/residents/" + residentId + "/reminders", "manager",
                Map.of("kind", "medication", "text", "Donepezil 10 mg", "assignedRole", "care_staff",
                        "schedule", Map.of("times", List.of("08:00", "25:00"), "weekdays", List.of("Funday"))));
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        JsonNode error = GraceProcess.json(bad);
        assertThat(error.path("fields").has("schedule.times[1]")).as(bad.body()).isTrue();
        assertThat(error.path("fields").has("schedule.weekdays[0]")).as(bad.body()).isTrue();
        assertThat(error.path("requestId").asText()).isNotBlank();
        HttpResponse<String> badCron = send(b, "POST", "/api/residents/" + residentId + "/reminders", "manager",
                Map.of("kind", "meal", "text", "Lunch", "assignedRole", "care_staff",
                        "schedule", Map.of("cron", "61 12 * * *")));
        assertThat(badCron.statusCode()).as(badCron.body()).isEqualTo(400);
        assertThat(GraceProcess.json(badCron).path("fields").path("schedule.cron").asText()).contains("61");
        assertThat(count("SELECT count(*) FROM care_reminders")).as("nothing written").isEqualTo(before);

        // Three times of day a few seconds ahead (facility time, Europe/London), so three occurrences come due now.
        LocalTime now = LocalTime.now(LONDON).truncatedTo(ChronoUnit.SECONDS);
        java.time.format.DateTimeFormatter hms = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");
        List<String> times = List.of(hms.format(now.plusSeconds(8)), hms.format(now.plusSeconds(12)),
                hms.format(now.plusSeconds(16)));
        HttpResponse<String> created = send(c, "POST", "/api/residents/" + residentId + "/reminders", "manager",
                Map.of("kind", "medication", "text", "Donepezil 10 mg with water", "assignedRole", "care_staff",
                        "schedule", Map.of("times", times)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long reminder = GraceProcess.json(created).path("id").asLong();
        String base = "/api/residents/" + residentId + "/reminders/" + reminder;

        // The first occurrence is marked done as soon as it is delivered (well within the 5 s grace period).
        await(Duration.ofSeconds(40), () -> count("SELECT count(*) FROM reminder_occurrences WHERE reminder_id = ?",
                reminder) >= 1);
        long first = one("SELECT id FROM reminder_occurrences WHERE reminder_id = ? ORDER BY due_at LIMIT 1", reminder);
        HttpResponse<String> done = send(a, "POST", base + "/occurrences/" + first + "/done", "staff1", null);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(GraceProcess.json(done).path("doneAt").isTextual()).isTrue();

        await(Duration.ofSeconds(40), () -> count("SELECT count(*) FROM reminder_occurrences WHERE reminder_id = ? "
                + "AND missed_alert_at IS NOT NULL", reminder) >= 2);
        GraceProcess.sleep(3000); // a second delivery or alert, if any, would show now
        Map<String, Object> occurrences = rows("SELECT to_char(due_at AT TIME ZONE 'Europe/London', 'HH24:MI:SS'), "
                + "delivered_by || ' recipients=' || recipients || ' done=' || (done_at IS NOT NULL) || ' missed=' "
                + "|| (missed_alert_at IS NOT NULL) FROM reminder_occurrences WHERE reminder_id = ? ORDER BY due_at",
                reminder);
        System.out.println("CareDeliveryIT: reminder occurrences " + occurrences);
        assertThat(occurrences.keySet()).containsExactlyElementsOf(times);
        assertThat(occurrences.values()).extracting(Object::toString).allSatisfy(v ->
                assertThat(v).contains("recipients=2"));
        assertThat(occurrences.values()).extracting(v -> v.toString().replaceFirst("^\\S+ ", "")).containsExactly(
                "recipients=2 done=true missed=false", "recipients=2 done=false missed=true",
                "recipients=2 done=false missed=true");
        // One notification per assigned care worker per occurrence, nothing more.
        assertThat(count("SELECT count(*) FROM notifications WHERE type = 'reminder' AND dedupe_key LIKE "
                + "'reminder-occurrence:%' AND link = ?", "/residents/" + residentId + "/reminders/" + reminder))
                .isEqualTo(6);
        // The missed alert: once per missed occurrence, to the care manager, logged once; none for the done one.
        assertThat(strings("SELECT kind || ' ' || (detail->>'severity') || ' ' || (detail->'recipients')::text FROM "
                + "alert_log WHERE kind = 'reminder_missed' AND (detail->>'reminderId')::bigint = ? ORDER BY id",
                reminder)).containsExactly("reminder_missed medium [" + userIds.get("manager") + "]",
                "reminder_missed medium [" + userIds.get("manager") + "]");
        assertThat(count("SELECT count(*) FROM notifications WHERE dedupe_key LIKE 'reminder-missed:%' AND "
                + "user_id = ? AND link = ?", userIds.get("manager"), "/residents/" + residentId + "/reminders/"
                + reminder)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM alert_log WHERE dedupe_key = ?", "reminder-missed:" + first)).isZero();
        // The chain goes on: exactly one queued occurrence, tomorrow's first time.
        assertThat(strings("SELECT to_char(run_at AT TIME ZONE 'Europe/London', 'HH24:MI:SS') || ' ' || "
                + "(run_at::date - now()::date) FROM grace_jobs WHERE type = 'reminder-due' AND status = 'pending' "
                + "AND (payload->>'reminderId')::bigint = ?", reminder)).hasSize(1).first().asString()
                .startsWith(times.get(0));
        HttpResponse<String> list = send(b, "GET", base + "/occurrences", "staff2", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(GraceProcess.json(list).size()).isEqualTo(3);
    }

    @Test
    @Order(5)
    void retentionDeletesExactlyTheOldReadNotificationsOnceAcrossTheCluster() throws Exception {
        await(Duration.ofSeconds(30), () -> count("SELECT count(*) FROM notifications WHERE read_at IS NOT NULL "
                + "AND created_at < now() - interval '30 days'") == 0);
        GraceProcess.sleep(6000); // at least one more occurrence, which must find nothing more to delete
        assertThat(count("SELECT count(*) FROM notifications WHERE type = 'system' AND read_at IS NOT NULL"))
                .as("read, younger than 30 days: kept").isEqualTo(2);
        assertThat(count("SELECT count(*) FROM notifications WHERE type = 'system' AND read_at IS NULL"))
                .as("unread, however old: kept").isEqualTo(2);
        assertThat(count("SELECT coalesce(sum(deleted), 0) FROM retention_runs")).isEqualTo(OLD_READ);
        assertThat(count("SELECT count(*) FROM retention_runs WHERE deleted > 0")).as("deleted by one run").isOne();
        Map<String, Object> runs = rows("SELECT split_part(instance, ' ', 1) AS instance, count(*) FROM "
                + "retention_runs GROUP BY 1 ORDER BY 1");
        int completed = count("SELECT count(*) FROM grace_jobs WHERE type = 'retention-read-notifications' "
                + "AND status = 'completed'");
        System.out.println("CareDeliveryIT: retention occurrences by instance " + runs + ", completed jobs "
                + completed);
        // Each occurrence did its work once: one run row per completed occurrence job, never two for one.
        assertThat(count("SELECT count(*) FROM retention_runs")).isEqualTo(completed);
        assertThat(count("SELECT count(*) FROM grace_jobs WHERE type = 'retention-read-notifications' AND "
                + "status = 'completed' AND idempotency_key NOT IN (SELECT occurrence FROM retention_runs)")).isZero();
        assertThat(count("SELECT count(*) FROM incidents")).as("incidents are never deleted").isEqualTo(
                count("SELECT count(DISTINCT incident_id) FROM alert_log WHERE kind = 'incident_reported'"));
    }

    @Test
    @Order(6)
    void escalationStillHappensWhenTheInstanceThatRecordedTheIncidentIsKilled() throws Exception {
        long incident = report(c, "staff1", "high", "Trying to leave through the fire exit, fell on the stairs");
        c.kill(); // SIGKILL right after the 201: step 1 is only a row in grace_jobs now
        await(Duration.ofSeconds(60), () -> count("SELECT count(*) FROM alert_log WHERE incident_id = ? "
                + "AND kind = 'escalation'", incident) >= STEPS);
        GraceProcess.sleep(INTERVAL.toMillis() + 2000);
        assertThat(strings("SELECT detail->>'step' FROM alert_log WHERE incident_id = ? AND kind = 'escalation' "
                + "ORDER BY id", incident)).containsExactly("1", "2", "3");
        Map<String, Object> owners = rows("SELECT payload->>'step' AS step, lease_owner FROM grace_jobs WHERE "
                + "type = 'escalate-incident' AND (payload->>'incidentId')::bigint = ? ORDER BY 1", incident);
        System.out.println("CareDeliveryIT: after c was killed, escalation steps ran on " + owners);
        assertThat(owners.values()).hasSize(STEPS).allSatisfy(o -> assertThat(o).isIn("a", "b"));
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static long report(GraceProcess on, String who, String severity, String summary) {
        HttpResponse<String> r = send(on, "POST", "/api/incidents", who, Map.of("residentId", residentId,
                "categories", List.of("fall_injury"), "severity", severity, "summary", summary));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode body = GraceProcess.json(r);
        long id = body.path("incident").path("id").asLong(body.path("id").asLong());
        assertThat(id).as(r.body()).isPositive();
        return id;
    }

    private static void acknowledge(GraceProcess on, String who, long incident) {
        HttpResponse<String> r = send(on, "POST", "/api/incidents/" + incident + "/acknowledge", who, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static List<MimeMessage> critical() {
        List<MimeMessage> out = new ArrayList<>();
        try {
            for (MimeMessage m : smtp.getReceivedMessages()) {
                if (m.getSubject().startsWith("Critical:")) {
                    out.add(m);
                }
            }
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * The escalation e-mails of {@code incident} that reached the SMTP server, as "address Escalation n": each
     * received message names its stored message in the X-Grace-Message header, and the stored message its step.
     */
    private static List<String> escalationMails(long incident) {
        Map<String, Object> stored = rows("SELECT id::text, address || ' Escalation ' || split_part(dedupe_key, ':', 4) "
                + "FROM outbound_messages WHERE dedupe_key LIKE ?", "incident:" + incident + ":escalation:%");
        List<String> out = new ArrayList<>();
        try {
            for (MimeMessage m : smtp.getReceivedMessages()) {
                String[] id = m.getHeader("X-Grace-Message");
                if (id != null && stored.containsKey(id[0])) {
                    out.add(m.getRecipients(Message.RecipientType.TO)[0] + " | " + stored.get(id[0]));
                }
            }
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static HttpResponse<String> send(GraceProcess on, String method, String path, String who, Object body) {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(on.baseUrl() + path))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (who != null) {
                r.header("Authorization", "Bearer " + tokens.get(who));
            }
            return on.send(r.build());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void notification(Connection db, String age, String readAge) throws Exception {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO notifications (organization_id, user_id, type, "
                + "title, message, priority, created_at, read_at) VALUES (?, ?, 'system', 'Old news', '', 'low', "
                + "now() - ?::interval, now() - ?::interval)")) {
            ps.setLong(1, organizationId);
            ps.setLong(2, userIds.get("manager"));
            ps.setString(3, age);
            ps.setString(4, readAge);
            ps.executeUpdate();
        }
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> out = new HashMap<>(env);
        out.put(key, value);
        return out;
    }

    private static void await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            GraceProcess.sleep(200);
        }
    }

    private static long one(Connection db, String sql, Object... params) throws Exception {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long one(String sql, Object... params) {
        try (Connection db = postgres.dataSource().getConnection()) {
            return one(db, sql, params);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int count(String sql, Object... params) {
        return (int) one(sql, params);
    }

    /** The first column of each row, duplicates kept. */
    private static List<String> strings(String sql, Object... params) {
        try (Connection db = postgres.dataSource().getConnection();
             PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** First column to second column (or to null), in the query's order. */
    private static Map<String, Object> rows(String sql, Object... params) {
        try (Connection db = postgres.dataSource().getConnection();
             PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                boolean two = rs.getMetaData().getColumnCount() > 1;
                while (rs.next()) {
                    out.put(rs.getString(1), two ? rs.getString(2) : null);
                }
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
