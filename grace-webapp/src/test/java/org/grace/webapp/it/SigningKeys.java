package org.grace.webapp.it;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** A fresh RSA key pair for the instances' access tokens, and its private key as {@code GRACE_AUTH_SIGNING_KEY}. */
public final class SigningKeys {
    private SigningKeys() {
    }

    /** A new 2048-bit RSA key pair (what Grace signs its access tokens with). */
    public static KeyPair generate() {
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            return rsa.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no RSA key generator in this JVM", e);
        }
    }

    /** The private key of {@code pair} in PEM (PKCS#8), the form {@code GRACE_AUTH_SIGNING_KEY} takes. */
    public static String privateKeyPem(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** The PEM of a new key pair, for tests that never sign tokens themselves. */
    public static String newPrivateKeyPem() {
        return privateKeyPem(generate());
    }
}
