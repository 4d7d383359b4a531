package org.grace.webapp.it.care;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grace.webapp.it.GraceProcess;

/**
 * One API caller of the care tests: a signed-in user (its access token as {@code Authorization: Bearer}, the way the
 * API clients and the companion devices call), a device credential, or nobody. Bearer calls need no CSRF token.
 */
public final class CareClient {
    public static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final String bearer;

    public CareClient(String name, String bearer) {
        this.name = name;
        this.bearer = bearer;
    }

    /** Signs {@code email} in on {@code instance} as an API client. */
    public static CareClient signIn(GraceProcess instance, String email, String password) {
        HttpResponse<String> r = new CareClient("anonymous", null).send(instance, "POST", "/api/auth/login",
                json("email", email, "password", password, "client", "api"));
        if (r.statusCode() != 200) {
            throw new AssertionError("sign-in of " + email + " failed: " + r.statusCode() + " " + r.body());
        }
        return new CareClient(email, GraceProcess.json(r).path("accessToken").asText());
    }

    public HttpResponse<String> get(GraceProcess instance, String path) {
        return send(instance, "GET", path, null);
    }

    public HttpResponse<String> post(GraceProcess instance, String path, String body) {
        return send(instance, "POST", path, body);
    }

    /** A request with extra headers, given as alternating names and values. */
    public HttpResponse<String> send(GraceProcess instance, String method, String path, String body,
                                     String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(instance.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return instance.send(b.build());
    }

    /** The JSON of a response that must have this status. */
    public static JsonNode expect(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            throw new AssertionError("expected " + status + " but got " + r.statusCode() + " for "
                    + r.request().method() + " " + r.request().uri() + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : GraceProcess.json(r);
    }

    /** A JSON object from alternating names and values. */
    public static String json(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        try {
            return JSON.writeValueAsString(map);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
