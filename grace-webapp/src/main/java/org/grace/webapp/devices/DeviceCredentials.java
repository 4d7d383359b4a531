package org.grace.webapp.devices;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Device credentials: {@value #PREFIX} followed by 256 random bits in URL-safe Base64. The prefix lets the ingestion
 * endpoint tell a device credential from an access token without trying to verify it, and lets secret scanners
 * recognise one. Only the SHA-256 of the whole credential is stored: a random secret of that length needs no slow
 * hash, and the lookup is one index probe.
 */
public final class DeviceCredentials {
    public static final String PREFIX = "gdc_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceCredentials() {
    }

    public static String generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static boolean looksLikeOne(String value) {
        return value != null && value.startsWith(PREFIX) && value.length() > PREFIX.length();
    }

    public static byte[] hash(String credential) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** What is stored and shown as the hint: the prefix and the first six characters of the secret. */
    public static String hint(String credential) {
        return credential.substring(0, Math.min(credential.length(), PREFIX.length() + 6));
    }
}
