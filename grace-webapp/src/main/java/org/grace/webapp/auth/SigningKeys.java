package org.grace.webapp.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.grace.settings.InvalidSettingException;
import org.grace.webapp.settings.GraceSettings;

/**
 * The RSA keys of the access tokens. One private key signs ({@code GRACE_AUTH_SIGNING_KEY}, PEM PKCS#8); its public
 * half and, during a rotation, the previous key's public half ({@code GRACE_AUTH_PREVIOUS_PUBLIC_KEY}) verify,
 * chosen by the token's {@code kid}. A {@code kid} is the configured one or the key's RFC 7638 thumbprint, so every
 * instance given the same PEM agrees on it without further settings.
 *
 * <p>Rotation: deploy the new private key with the old public key as "previous", wait one access-token lifetime,
 * then drop "previous". Without a configured key (development) the instance generates one and says so in one log
 * line; tokens then verify on this instance only, so several instances must be given the same key.
 */
@ApplicationScoped
public class SigningKeys {
    private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());

    @Inject
    GraceSettings settings;

    private RSAKey signing;
    private Map<String, RSAPublicKey> verifying;

    public synchronized RSAKey signingKey() {
        load();
        return signing;
    }

    /** The public key for {@code kid}, if it is the current or the previous one. */
    public synchronized Optional<RSAPublicKey> verificationKey(String kid) {
        load();
        return kid == null ? Optional.empty() : Optional.ofNullable(verifying.get(kid));
    }

    private void load() {
        if (signing != null) {
            return;
        }
        Map<String, RSAPublicKey> keys = new LinkedHashMap<>();
        RSAPrivateCrtKey privateKey;
        Optional<String> pem = settings.authSigningKey();
        if (pem.isPresent()) {
            privateKey = parsePrivate(pem.get());
        } else {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                privateKey = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("RSA is part of every JDK", e);
            }
        }
        RSAPublicKey publicKey = publicOf(privateKey);
        String kid = settings.authSigningKeyId().orElseGet(() -> thumbprint(publicKey));
        signing = new RSAKey.Builder(publicKey).privateKey(privateKey).keyID(kid).build();
        keys.put(kid, publicKey);
        if (pem.isEmpty()) {
            LOG.warning("grace: GRACE_AUTH_SIGNING_KEY is not set: generated a signing key (kid " + kid
                    + ") for this instance only; tokens will not verify on other instances or after a restart");
        }
        settings.authPreviousPublicKey().ifPresent(previousPem -> {
            RSAPublicKey previous = parsePublic(previousPem);
            String previousKid = settings.authPreviousKeyId().orElseGet(() -> thumbprint(previous));
            keys.putIfAbsent(previousKid, previous);
        });
        verifying = Map.copyOf(keys);
        if (pem.isPresent()) {
            LOG.info(() -> "grace: access tokens signed with kid " + signing.getKeyID() + ", accepted kids "
                    + verifying.keySet());
        }
    }

    static RSAPrivateCrtKey parsePrivate(String pem) {
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new InvalidSettingException("GRACE_AUTH_SIGNING_KEY is a PKCS#1 key; convert it to PKCS#8: "
                    + "openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        return rsaKey(pem, "GRACE_AUTH_SIGNING_KEY", "an RSA private key in PEM (PKCS#8)",
                (rsa, der) -> (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der)));
    }

    static RSAPublicKey parsePublic(String pem) {
        return rsaKey(pem, "GRACE_AUTH_PREVIOUS_PUBLIC_KEY", "an RSA public key in PEM",
                (rsa, der) -> (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(der)));
    }

    /** Makes one kind of key from the DER bytes with the RSA key factory. */
    @FunctionalInterface
    private interface KeyReader<K> {
        K read(KeyFactory rsa, byte[] der) throws GeneralSecurityException;
    }

    /** The key in the PEM of setting {@code envName}; "{@code envName} is not {@code expected}" when it is not one. */
    private static <K> K rsaKey(String pem, String envName, String expected, KeyReader<K> reader) {
        try {
            return reader.read(KeyFactory.getInstance("RSA"), der(pem, envName));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new InvalidSettingException(envName + " is not " + expected + ": " + e.getClass().getSimpleName());
        }
    }

    /** The DER bytes of a PEM block; literal {@code \n} sequences (env files that cannot hold newlines) are allowed. */
    static byte[] der(String pem, String envName) {
        String body = pem.replace("\\n", "\n").replaceAll("-----(BEGIN|END) [A-Z ]+-----", "")
                .replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(envName + " is not PEM (base64 between BEGIN and END lines)");
        }
    }

    static RSAPublicKey publicOf(RSAPrivateCrtKey privateKey) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String thumbprint(RSAPublicKey key) {
        try {
            return new RSAKey.Builder(key).build().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Public key in PEM, for operators preparing a rotation and for tests. */
    public static String pem(RSAPublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
