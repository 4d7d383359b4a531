package org.grace.webapp.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a real instance answers where Payara Micro's HTTP listener, not a resource, would decide: bodies beyond the
 * listener's old limit, methods and media types no resource takes, and compression (the listener's, configured by
 * payara-config). Every error is Grace's JSON; large answers are compressed and small ones are not.
 */
@WithGrace
class HttpListenerAnswersIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** HTTP/1.1, as nginx speaks to the instances (Java's client would otherwise upgrade to HTTP/2 cleartext). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static GraceProcess grace;

    @BeforeAll
    static void start(GraceFleet fleet) {
        // Fewer PBKDF2 iterations: the compression test creates a dozen users on a shared, busy machine.
        grace = fleet.start("http-answers", Map.of("GRACE_AUTH_PBKDF2_ITERATIONS", "10000"));
    }

    @Test
    void aBodyOfTwoMegabytesGetsTheJson413() throws Exception {
        HttpResponse<String> response = send(request("/api/auth/login")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"" + "a".repeat(2 * 1024 * 1024) + "\"}")));
        assertIsGraceError(response, 413);
        assertThat(GraceProcess.json(response).path("message").asText()).contains("larger than");
    }

    @Test
    void statusesNoResourceAnswersAreJsonToo() throws Exception {
        assertIsGraceError(send(request("/no/such/page").GET()), 404);
        assertIsGraceError(send(request("/api/no/such/resource").GET()), 404);
        assertIsGraceError(send(request("/api/health").DELETE()), 405);
        assertIsGraceError(send(request("/api/auth/login").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))), 415);
        assertIsGraceError(send(request("/api/health").header("Accept", "text/html").GET()), 406);
        HttpResponse<String> trace = send(request("/api/health").method("TRACE", HttpRequest.BodyPublishers.noBody())
                .header("Cookie", "grace_access=secret-cookie"));
        assertIsGraceError(trace, 405);
        assertThat(trace.body()).doesNotContain("secret-cookie");
        HttpResponse<String> options = send(request("/api/health")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(options.body()).as("no generated API description").doesNotContain("wadl");
        assertIsGraceError(send(request("/api/application.wadl").GET()), 404);
    }

    @Test
    void largeJsonIsCompressedAndSmallAnswersAreNot() throws Exception {
        HttpResponse<String> setUp = send(request("/api/setup").header("Content-Type", "application/json")
                .POST(json(Map.of("organizationName", "Rose House", "email", "admin@rose.example",
                        "displayName", "Ada Admin", "password", "correct horse battery"))));
        assertThat(setUp.statusCode()).as(setUp.body()).isEqualTo(201);
        HttpResponse<String> login = send(request("/api/auth/login").header("Content-Type", "application/json")
                .POST(json(Map.of("email", "admin@rose.example", "password", "correct horse battery",
                        "client", "api"))));
        String bearer = "Bearer " + GraceProcess.json(login).path("accessToken").asText();
        for (int i = 1; i <= 12; i++) {
            HttpResponse<String> created = send(request("/api/users").header("Authorization", bearer)
                    .header("Content-Type", "application/json")
                    .POST(json(Map.of("email", "carer" + i + "@rose.example", "displayName", "Carer Number " + i,
                            "role", "care_staff", "password", "long enough password " + i))));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }

        HttpResponse<byte[]> list = HTTP.send(request("/api/users").header("Authorization", bearer)
                .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(list.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Accept-Encoding"));
        byte[] plain = new GZIPInputStream(new ByteArrayInputStream(list.body())).readAllBytes();
        assertThat(plain.length).isGreaterThan(1024).isGreaterThan(list.body().length);
        JsonNode users = JSON.readTree(new String(plain, StandardCharsets.UTF_8));
        assertThat(users.size()).isEqualTo(13);

        HttpResponse<byte[]> me = HTTP.send(request("/api/auth/me").header("Authorization", bearer)
                .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body().length).isLessThan(1024);
        assertThat(me.headers().firstValue("Content-Encoding")).as("under 1 KB stays plain").isEmpty();
        assertThat(JSON.readTree(me.body()).path("email").asText()).isEqualTo("admin@rose.example");

        HttpResponse<byte[]> unasked = HTTP.send(request("/api/users").header("Authorization", bearer).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(unasked.headers().firstValue("Content-Encoding")).as("not without Accept-Encoding").isEmpty();
        assertThat(JSON.readTree(unasked.body()).size()).isEqualTo(13);
    }

    /**
     * Issue #11: a 64 KB access token got the listener's empty 400 (its 8 KB header buffer). Now Grace's JSON 401,
     * over HTTP/1.1 (nginx) and from Java's default client, which upgrades to HTTP/2 cleartext, where the header
     * list has a limit of its own: with only the HTTP/1.1 buffer raised, that client got RST_STREAM for the token
     * and GOAWAY on its next request. Ordinary requests on the same client afterwards still work.
     */
    @Test
    void aSixtyFourKilobyteTokenGetsTheJson401OverEitherClient() throws Exception {
        // Random token characters: HPACK's Huffman code would shrink a run of one letter far below 64 KB.
        java.util.Random random = new java.util.Random(11);
        StringBuilder token = new StringBuilder("Bearer ");
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < 64 * 1024; i++) {
            token.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String huge = token.toString();
        assertIsGraceError(send(request("/api/auth/me").header("Authorization", huge).GET()), 401);
        assertThat(send(request("/api/health").GET()).statusCode()).isEqualTo(200);

        HttpClient byDefault = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // First an ordinary request, which upgrades the connection: the token then travels in HTTP/2 frames.
        assertThat(byDefault.send(request("/api/health").GET().build(), HttpResponse.BodyHandlers.ofString()).version())
                .isEqualTo(HttpClient.Version.HTTP_2);
        HttpResponse<String> refused = byDefault.send(request("/api/auth/me").header("Authorization", huge).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertIsGraceError(refused, 401);
        for (int i = 0; i < 3; i++) {
            assertThat(byDefault.send(request("/api/health").GET().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
        }
    }

    private static void assertIsGraceError(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = GraceProcess.json(response);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("error").asText()).isNotEmpty();
        assertThat(body.path("message").asText()).isNotEmpty();
        assertThat(body.path("requestId").asText()).isNotEmpty();
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(grace.baseUrl() + path)).timeout(Duration.ofSeconds(60));
    }

    private static HttpRequest.BodyPublisher json(Map<String, String> fields) throws Exception {
        return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(fields));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
