package org.grace.webapp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grace.testsupport.NginxExtension.NginxLoadBalancers;
import org.grace.testsupport.NginxLoadBalancer;
import org.grace.testsupport.WithNginx;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.junit.jupiter.api.Test;

/**
 * The test harness for claims about a fleet, used as the cluster tests will: two instances started by
 * {@link GraceExtension} on one PostgreSQL and one Redis, nginx in front configured by the Ansible role's template.
 * Both serve through nginx; one killed with SIGKILL costs callers nothing (nginx retries the refused connection on
 * the other); the other stops on SIGTERM within Payara's stop timeout. Then, with no instance left, nginx's own
 * answers (no upstream, a header or request line too long, a body too large, a request it cannot read) are the
 * platform's JSON.
 */
@WithGrace
@WithNginx
class GraceFleetBehindNginxIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void twoInstancesServeThroughNginxAndAKilledOneCostsCallersNothing(GraceFleet fleet, NginxLoadBalancers nginx)
            throws Exception {
        List<GraceProcess> instances = fleet.start("fleet", 2, Map.of());
        NginxLoadBalancer lb = nginx.start(fleet.ports());

        assertThat(instanceIds(lb, 20)).as("both instances answer through nginx").hasSize(2);

        GraceProcess killed = instances.get(0);
        killed.kill();
        assertThat(killed.isAlive()).isFalse();
        assertThat(fleet.ports()).containsExactly(instances.get(1).port());
        Set<String> afterKill = instanceIds(lb, 20);
        assertThat(afterKill).as("every request answered 200 by the survivor").hasSize(1);

        Duration stopped = instances.get(1).terminate();
        System.out.printf("GraceFleetBehindNginxIT: SIGTERM to exit %d ms%n", stopped.toMillis());
        assertThat(instances.get(1).isAlive()).isFalse();
        assertThat(fleet.running()).isEmpty();

        nginxAnswersItsOwnErrorsInTheJsonOfThePlatform(lb);
    }

    /**
     * With no instance left, what nginx answers by itself: every status the platform's JSON, its status the one in
     * the body, never nginx's HTML page.
     */
    private static void nginxAnswersItsOwnErrorsInTheJsonOfThePlatform(NginxLoadBalancer lb) throws Exception {
        HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> unavailable = http1.send(get(lb, "/api/health").build(),
                HttpResponse.BodyHandlers.ofString());
        assertJsonError(unavailable, 503);
        assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("1");
        assertJsonError(http1.send(get(lb, "/api/health").header("X-Padding", "a".repeat(20_000)).build(),
                HttpResponse.BodyHandlers.ofString()), 431);
        assertJsonError(http1.send(get(lb, "/api/" + "a".repeat(12_000)).build(),
                HttpResponse.BodyHandlers.ofString()), 414);
        assertJsonError(http1.send(get(lb, "/.grace-errors/400").build(), HttpResponse.BodyHandlers.ofString()), 404);

        // Written by hand: the body announced is refused from its Content-Length before any of it is sent, and a
        // request that is not HTTP at all cannot be sent by an HTTP client.
        assertThat(raw(lb, "POST /api/auth/login HTTP/1.1\r\nHost: lb\r\nContent-Type: application/json\r\n"
                + "Content-Length: 3145728\r\n\r\n")).startsWith("HTTP/1.1 413")
                .contains("Content-Type: application/json").contains("{\"status\":413,");
        assertThat(raw(lb, "NOT HTTP\r\n\r\n")).startsWith("HTTP/1.1 400")
                .contains("Content-Type: application/json").contains("{\"status\":400,");
    }

    private static HttpRequest.Builder get(NginxLoadBalancer lb, String path) {
        return HttpRequest.newBuilder(URI.create(lb.url() + path)).timeout(Duration.ofSeconds(10));
    }

    /** Sends bytes as they are and reads nginx's answer until it closes or 2 s pass without a byte. */
    private static String raw(NginxLoadBalancer lb, String request) throws Exception {
        URI at = URI.create(lb.url());
        try (java.net.Socket socket = new java.net.Socket(at.getHost(), at.getPort())) {
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (java.net.SocketTimeoutException endOfAnswer) {
                // nginx keeps the connection open for the rest of a body it will not read: what came is the answer.
            }
            return answer.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static void assertJsonError(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(GraceProcess.json(r).path("status").asInt()).as(r.body()).isEqualTo(status);
        assertThat(GraceProcess.json(r).path("requestId").asText()).isNotEmpty();
    }

    /** Sends {@code n} health requests through nginx, each of which must be a 200; returns the instances seen. */
    private static Set<String> instanceIds(NginxLoadBalancer lb, int n) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(lb.url() + "/api/health"))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            seen.add(GraceProcess.json(r).path("instance").asText());
        }
        return seen;
    }
}
