package org.grace.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls to one Grace instance's API as one caller (an access token, or none), each expecting one status: how the
 * benchmarks build their data through the API, as an operator would.
 */
public record GraceApi(HttpClient http, String base, String token) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The same instance as another caller. */
    public GraceApi as(String accessToken) {
        return new GraceApi(http, base, accessToken);
    }

    /** The answer's JSON (an empty object for an empty body); fails unless the status is {@code status}. */
    public JsonNode call(String method, String path, Object body, int status) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != status) {
            throw new IllegalStateException(method + " " + path + ": expected " + status + ", got "
                    + r.statusCode() + " " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }
}
