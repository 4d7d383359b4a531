package org.grace.webapp.it;

import java.util.HashMap;
import java.util.Map;

/** The settings a test's fleet starts with when the test signs many users in, fast, from one address. */
public final class FleetSettings {
    private FleetSettings() {
    }

    /**
     * A map for the test to add its own settings to: every instance signs with {@code signingKeyPem} as kid
     * {@code keyId} (a token of one verifies on all), passwords are hashed with 10,000 PBKDF2 iterations instead of
     * 600,000 to spare the shared cores (the code path is the same), and sign-in attempts per minute are limited at
     * 1,000 instead of 5, which a test's sign-ins from one address do not reach.
     */
    public static Map<String, String> sharedKeyQuickSignIn(String signingKeyPem, String keyId) {
        Map<String, String> env = new HashMap<>();
        env.put("GRACE_AUTH_SIGNING_KEY", signingKeyPem);
        env.put("GRACE_AUTH_SIGNING_KEY_ID", keyId);
        env.put("GRACE_AUTH_PBKDF2_ITERATIONS", "10000");
        env.put("GRACE_RATELIMIT_LOGIN_PER_MINUTE", "1000");
        return env;
    }
}
