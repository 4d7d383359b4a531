package org.grace.webapp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.grace.webapp.it.Fixtures.PASSWORD;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.grace.testsupport.PostgresDatabase;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The revocation bound of the in-memory denial list (issue #15) on two real Payara Micro processes sharing one
 * PostgreSQL and one Redis: every instance refuses a logged-out token within 3 s of the logout, whether the logout's
 * event reaches it or not. The tests poll the other instance and fail on any request sent later than the bound that
 * was still accepted (a request is checked after it is sent, so such an acceptance is a broken bound for certain).
 */
@WithGrace
class RevocationAcrossInstancesIT {
    /** {@code DenialListInMemory.TRUSTED_FOR}. */
    private static final Duration BOUND = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static List<GraceProcess> fleet;
    private static PostgresDatabase db;

    @BeforeAll
    static void start(GraceFleet grace, PostgresDatabase database) {
        db = database;
        Map<String, String> env = FleetSettings.sharedKeyQuickSignIn(SigningKeys.newPrivateKeyPem(), "revocation");
        env.put("GRACE_RATELIMIT_API_PER_MINUTE", "100000"); // the polling below is not what is limited
        fleet = grace.start("revocation", 2, env);
        HttpResponse<String> setup = fleet.get(0).send(post(fleet.get(0), "/api/setup", null, "{\"organizationName\":"
                + "\"Rose Court\",\"email\":\"admin@rose.example\",\"displayName\":\"Ada\",\"password\":\"" + PASSWORD
                + "\"}"));
        assertThat(setup.statusCode()).as(setup.body()).isEqualTo(201);
    }

    @Test
    void aLogoutOnOneInstanceIsRefusedByTheOtherWithinTheBound() {
        GraceProcess a = fleet.get(0);
        GraceProcess b = fleet.get(1);
        String token = GraceProcess.apiAccessToken(a.baseUrl(), "admin@rose.example", PASSWORD);
        assertThat(me(a, token).statusCode()).isEqualTo(200);
        assertThat(me(b, token).statusCode()).isEqualTo(200);

        HttpResponse<String> logout = b.send(post(b, "/api/auth/logout", token, null));
        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(204);
        Instant loggedOut = Instant.now();
        assertThat(me(b, token).statusCode()).as("the instance that logged out refuses at once").isEqualTo(401);
        Duration took = refusedWithinBound(a, token, loggedOut);
        System.out.printf("logout on B refused by A %d ms after B answered the logout%n", took.toMillis());
    }

    @Test
    void aDenialWhoseEventWasLostIsStillRefusedByEveryInstanceWithinTheBound() throws Exception {
        String token = GraceProcess.apiAccessToken(fleet.get(0).baseUrl(), "admin@rose.example", PASSWORD);
        for (GraceProcess instance : fleet) {
            assertThat(me(instance, token).statusCode()).isEqualTo(200);
        }
        // The logout as PostgreSQL holds it, with no event and no Redis key: what an instance that missed the event
        // (its pub/sub connection down at that moment) must still learn of.
        String jti = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1])).path("jti").asText();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO revoked_access_tokens (jti, expires_at) VALUES (?, ?)")) {
            ps.setString(1, jti);
            ps.setTimestamp(2, Timestamp.from(Instant.now().plus(Duration.ofMinutes(20))));
            ps.executeUpdate();
        }
        Instant committed = Instant.now();
        for (GraceProcess instance : fleet) {
            Duration took = refusedWithinBound(instance, token, committed);
            System.out.printf("denial without an event refused by %s %d ms after its commit%n", instance.baseUrl(),
                    took.toMillis());
        }
    }

    /**
     * Polls {@code /api/auth/me} with {@code token} until it is refused (at most 20 s); fails when a request sent more
     * than {@link #BOUND} after {@code since} was accepted, or when no refusal came. Returns when the refused request
     * was sent, counted from {@code since}.
     */
    private static Duration refusedWithinBound(GraceProcess instance, String token, Instant since) {
        Instant giveUp = since.plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(giveUp)) {
            Instant sent = Instant.now();
            HttpResponse<String> r = me(instance, token);
            if (r.statusCode() == 401) {
                assertThat(GraceProcess.json(r).path("message").asText()).contains("revoked");
                return Duration.between(since, sent);
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(Duration.between(since, sent)).as("accepted though sent after the bound").isLessThanOrEqualTo(
                    BOUND);
            GraceProcess.sleep(20);
        }
        throw new AssertionError("still accepted 20 s after the denial at " + instance.baseUrl());
    }

    private static HttpResponse<String> me(GraceProcess instance, String token) {
        return instance.send(HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/api/auth/me"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(15)).GET().build());
    }

    private static HttpRequest post(GraceProcess instance, String path, String token, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(instance.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .POST(json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }
}
