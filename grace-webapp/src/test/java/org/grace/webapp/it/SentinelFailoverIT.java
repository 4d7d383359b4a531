package org.grace.webapp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.grace.webapp.it.Fixtures.PASSWORD;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.grace.testsupport.NginxExtension.NginxLoadBalancers;
import org.grace.testsupport.NginxLoadBalancer;
import org.grace.testsupport.RedisSentinelGroup;
import org.grace.testsupport.WithNginx;
import org.grace.testsupport.WithRedisSentinel;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.grace.webapp.it.LoadRecorder.Outcome;
import org.junit.jupiter.api.Test;

/**
 * Three instances on {@code redis-sentinel://} (a master, a replica and three sentinels, real processes) behind nginx:
 * the master is killed with SIGKILL under load. Requests keep succeeding (each Redis feature answers from its
 * fallback while Redis is away) and every instance is back on Redis, through the promoted replica, within 10 s of
 * the promotion.
 */
@WithGrace
@WithRedisSentinel
@WithNginx
class SentinelFailoverIT {
    @Test
    void killingTheMasterUnderLoadFailsNoRequestAndRedisIsBackWithinTenSecondsOfThePromotion(GraceFleet fleet,
            RedisSentinelGroup sentinel, NginxLoadBalancers nginx) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GRACE_AUTH_SIGNING_KEY", SigningKeys.newPrivateKeyPem());
        env.put("GRACE_AUTH_PBKDF2_ITERATIONS", "10000");
        env.put("GRACE_RATELIMIT_API_PER_MINUTE", "1000000");
        env.put("GRACE_REDIS_CALL_TIMEOUT", "250ms");
        List<GraceProcess> instances = fleet.start("sentinel", 3, env);
        assertThat(fleet.sharedEnvironment().get("GRACE_REDIS_URL")).startsWith("redis-sentinel://");
        NginxLoadBalancer lb = nginx.start(fleet.ports());
        for (GraceProcess instance : instances) {
            instance.awaitHealth(Duration.ofSeconds(30), j -> j.path("checks").path("redis").asText().equals("healthy"));
        }

        LoadRecorder setupClient = new LoadRecorder();
        Outcome setup = setupClient.send("setup", HttpRequest.newBuilder(URI.create(lb.url() + "/api/setup"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"organizationName\":\"Oak House\",\"email\":\"admin@oak.example\",\"displayName\":\"Ada\","
                                + "\"password\":\"" + PASSWORD + "\"}")).build());
        assertThat(setup.status()).as(String.valueOf(setup.failure())).isEqualTo(201);
        String token = GraceProcess.apiAccessToken(lb.url(), "admin@oak.example", PASSWORD);

        LoadRecorder load = new LoadRecorder()
                .loop("me", 4, 5, i -> HttpRequest.newBuilder(URI.create(lb.url() + "/api/auth/me"))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build())
                .loop("users", 2, 5, i -> HttpRequest.newBuilder(URI.create(lb.url() + "/api/users"))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build());
        GraceProcess.sleep(2000);
        RedisSentinelGroup.Failover failover = sentinel.killMaster();
        long promoted = System.nanoTime();
        List<Long> backAfterMs = new ArrayList<>();
        for (GraceProcess instance : instances) {
            instance.awaitHealth(Duration.ofSeconds(20), j -> !j.path("redisLatencyMs").isNull()
                    && !j.path("checks").path("redis").asText().equals("unavailable"));
            backAfterMs.add((System.nanoTime() - promoted) / 1_000_000);
        }
        GraceProcess.sleep(2000);
        List<Outcome> all = load.stop();
        List<Outcome> failed = all.stream().filter(o -> !o.ok()).toList();
        System.out.printf("SentinelFailoverIT: master killed (SIGKILL), replica promoted %d ms later; %d requests"
                        + " through nginx to 3 instances during the failover, %d failed %s; Redis answering again on"
                        + " each instance %s ms after the promotion (as /api/health saw it, polled every 200 ms)%n",
                failover.took().toMillis(), all.size(), failed.size(), LoadRecorder.statuses(failed), backAfterMs);
        assertThat(failed).as("failed requests, first: " + (failed.isEmpty() ? "" : failed.get(0))).isEmpty();
        assertThat(backAfterMs).allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(10_000));
    }
}
