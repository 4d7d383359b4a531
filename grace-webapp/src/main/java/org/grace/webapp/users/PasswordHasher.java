package org.grace.webapp.users;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.grace.webapp.settings.GraceSettings;

/**
 * Passwords stored as PBKDF2-HMAC-SHA256 from the JDK, with a random 16-byte salt per password. The stored form
 * carries its iteration count ({@code pbkdf2-sha256$600000$salt$hash}), so raising
 * {@code GRACE_AUTH_PBKDF2_ITERATIONS} applies to new passwords while old ones still verify.
 *
 * <p>An unknown e-mail address is checked against a dummy hash of the same cost, so the response time does not
 * tell an attacker which addresses have accounts.
 */
@ApplicationScoped
public class PasswordHasher {
    /**
     * Shortest password set-up and user creation accept: people choose a real password. Sign-in accepts whatever
     * is stored, so raising this never locks anyone out.
     */
    public static final int MIN_LENGTH = 12;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private final SecureRandom random = new SecureRandom();
    private int iterations;
    private String dummy;

    @Inject
    GraceSettings settings;

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        int n = iterations();
        byte[] hash = derive(password, salt, n);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + n + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    public boolean verify(String password, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            return false;
        }
        int n;
        try {
            n = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, derive(password, salt, n));
    }

    /** Spends the same time as a real check, for unknown accounts. */
    public void verifyDummy(String password) {
        verify(password, dummy());
    }

    private synchronized String dummy() {
        if (dummy == null) {
            dummy = hash("not a password anyone has: " + random.nextLong());
        }
        return dummy;
    }

    private synchronized int iterations() {
        if (iterations == 0) {
            iterations = settings.authPbkdf2Iterations();
        }
        return iterations;
    }

    static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
