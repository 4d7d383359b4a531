package org.grace.benchmarks.efficiency;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.grace.benchmarks.GraceApi;

/**
 * The users the efficiency benchmark signs in as, made through the API: an administrator by set-up, then
 * {@code users} care workers each signed in once (an access token each), and one more whose API limit the 429
 * scenario keeps exhausted. Every token is also given as a forgery: the same token with one signature character
 * changed, which the instance must refuse with 401 after checking the signature.
 *
 * @param adminId    the administrator, whose profile {@code GET /api/users/{id}} reads
 * @param tokens     the care workers' access tokens
 * @param forged     the same tokens with a broken signature
 * @param overLimit  the access token of the user kept over its limit
 */
record EfficiencyWorld(long adminId, List<String> tokens, List<String> forged, String overLimit) {
    static final String PASSWORD = "correct horse battery staple";

    static EfficiencyWorld build(HttpClient http, String base, int users) throws Exception {
        GraceApi anonymous = new GraceApi(http, base, null);
        long admin = anonymous.call("POST", "/api/setup", Map.of("organizationName", "Efficiency Court", "email",
                "admin@efficiency.example", "displayName", "Bench Admin", "password", PASSWORD), 201)
                .path("user").path("id").asLong();
        GraceApi asAdmin = anonymous.as(signIn(anonymous, "admin@efficiency.example"));
        // Four at a time: each user costs two password hashes (created, signed in).
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> pending = new ArrayList<>();
            for (int i = 0; i <= users; i++) {
                String email = "worker" + i + "@efficiency.example";
                pending.add(pool.submit(() -> {
                    asAdmin.call("POST", "/api/users", Map.of("email", email, "displayName", "Worker " + email,
                            "role", "care_staff", "password", PASSWORD), 201);
                    return signIn(anonymous, email);
                }));
            }
            List<String> tokens = new ArrayList<>();
            for (Future<String> f : pending) {
                tokens.add(f.get());
            }
            String overLimit = tokens.remove(tokens.size() - 1);
            List<String> forged = tokens.stream().map(EfficiencyWorld::forge).toList();
            return new EfficiencyWorld(admin, List.copyOf(tokens), forged, overLimit);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String signIn(GraceApi api, String email) throws Exception {
        return api.call("POST", "/api/auth/login", Map.of("email", email, "password", PASSWORD, "client", "api"), 200)
                .path("accessToken").asText();
    }

    /** The token with one character of its signature changed (away from the end, whose bits may be padding). */
    static String forge(String token) {
        int i = token.length() - 8;
        char swapped = token.charAt(i) == 'A' ? 'B' : 'A';
        return token.substring(0, i) + swapped + token.substring(i + 1);
    }
}
