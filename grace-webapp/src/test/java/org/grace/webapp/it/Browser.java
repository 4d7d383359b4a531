package org.grace.webapp.it;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal browser for the multi-instance tests: keeps the cookies Grace sets (whatever instance set them) and
 * sends them to any instance, echoes the CSRF cookie when asked to, and records every response so a test can
 * check that none of them ever set {@code JSESSIONID}.
 */
final class Browser {
    static final List<HttpResponse<String>> ALL_RESPONSES = java.util.Collections.synchronizedList(new ArrayList<>());

    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final String clientAddress;

    /** {@code clientAddress} goes in X-Forwarded-For (the instances trust 127.0.0.1 as their proxy). */
    Browser(String clientAddress) {
        this.clientAddress = clientAddress;
    }

    String cookie(String name) {
        return cookies.get(name);
    }

    void setCookie(String name, String value) {
        cookies.put(name, value);
    }

    Map<String, String> cookies() {
        return cookies;
    }

    HttpResponse<String> get(GraceProcess instance, String path) {
        return send(instance, "GET", path, null, false);
    }

    HttpResponse<String> post(GraceProcess instance, String path, String json, boolean withCsrf) {
        return send(instance, "POST", path, json, withCsrf);
    }

    HttpResponse<String> send(GraceProcess instance, String method, String path, String json, boolean withCsrf) {
        return send(instance, method, path, json, withCsrf, Map.of());
    }

    HttpResponse<String> send(GraceProcess instance, String method, String path, String json, boolean withCsrf,
                              Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(instance.baseUrl() + path))
                .timeout(Duration.ofSeconds(15))
                .header("X-Forwarded-For", clientAddress)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (!cookies.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            cookies.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            b.header("Cookie", sb.toString());
        }
        if (withCsrf && cookies.containsKey("grace_csrf")) {
            b.header("X-CSRF-Token", cookies.get("grace_csrf"));
        }
        headers.forEach(b::header);
        HttpResponse<String> response = instance.send(b.build());
        ALL_RESPONSES.add(response);
        for (String set : response.headers().allValues("Set-Cookie")) {
            String pair = set.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            if (value.isEmpty() || set.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return response;
    }
}
