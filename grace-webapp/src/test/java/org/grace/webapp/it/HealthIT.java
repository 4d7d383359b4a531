package org.grace.webapp.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.grace.testsupport.PostgresDatabase;
import org.grace.testsupport.PostgresServer;
import org.grace.testsupport.RedisServer;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code /api/health} of a real instance while its real PostgreSQL and Redis come and go: the database decides the
 * status code, Redis only the {@code redis} field, and both recover without restarting Grace.
 */
@WithGrace
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthIT {
    private static PostgresServer postgres;
    private static RedisServer redis;
    private static GraceProcess grace;

    @BeforeAll
    static void start(GraceFleet fleet, PostgresDatabase database, RedisServer server) {
        postgres = database.server();
        redis = server;
        grace = fleet.start("health");
    }

    @Test
    @Order(1)
    void healthyWithDatabaseAndRedisInTheGuidesShape() {
        HttpResponse<String> response = grace.awaitHealth(Duration.ofSeconds(20),
                j -> j.path("checks").path("redis").asText().equals("healthy"));
        JsonNode body = GraceProcess.json(response);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body.path("status").asText()).isEqualTo("healthy");
        assertThat(body.path("checks").path("database").asText()).isEqualTo("healthy");
        assertThat(Instant.parse(body.path("timestamp").asText())).isCloseTo(Instant.now(),
                org.assertj.core.api.Assertions.within(60, java.time.temporal.ChronoUnit.SECONDS));
        assertThat(body.path("redisLatencyMs").isNumber()).isTrue();
        assertThat(body.path("redisLatencyMs").asDouble()).isGreaterThan(0).isLessThan(500);
    }

    @Test
    @Order(2)
    void redisKilledLeavesTheInstanceHealthyAndRedisUnavailableThenBack() {
        redis.kill();
        HttpResponse<String> down = grace.awaitHealth(Duration.ofSeconds(10),
                j -> j.path("checks").path("redis").asText().equals("unavailable"));
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(GraceProcess.json(down).path("status").asText()).isEqualTo("healthy");

        redis.restart();
        HttpResponse<String> back = grace.awaitHealth(Duration.ofSeconds(15),
                j -> j.path("checks").path("redis").asText().equals("healthy"));
        assertThat(back.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void databaseStoppedIs503WithinTenSecondsAndRecoversWithinTenSeconds() {
        assertThat(grace.get("/api/health").statusCode()).isEqualTo(200);
        postgres.stop();
        long stoppedAt = System.nanoTime();
        HttpResponse<String> down = grace.awaitHealth(Duration.ofSeconds(10),
                j -> j.path("status").asText().equals("unhealthy"));
        long downAfterMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(GraceProcess.json(down).path("checks").path("database").asText()).isEqualTo("unhealthy");
        assertThat(grace.get("/health/ready").statusCode()).isEqualTo(503);

        postgres.restart();
        long restartedAt = System.nanoTime();
        HttpResponse<String> up = grace.awaitHealth(Duration.ofSeconds(10),
                j -> j.path("status").asText().equals("healthy"));
        long upAfterMs = (System.nanoTime() - restartedAt) / 1_000_000;
        assertThat(up.statusCode()).isEqualTo(200);
        System.out.printf("HealthIT: 503 %d ms after PostgreSQL stopped, 200 %d ms after it restarted%n",
                downAfterMs, upAfterMs);
        assertThat(grace.get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(grace.get("/health/live").statusCode()).isEqualTo(200);
    }
}
