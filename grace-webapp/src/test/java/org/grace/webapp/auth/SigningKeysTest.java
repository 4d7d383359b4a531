package org.grace.webapp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.grace.settings.InvalidSettingException;
import org.junit.jupiter.api.Test;

/** How the signing key settings are read from PEM, and the one line a wrong one stops the deployment with. */
class SigningKeysTest {
    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
                + "-----\n";
    }

    private static KeyPair pair(String algorithm, int size) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        g.initialize(size);
        return g.generateKeyPair();
    }

    @Test
    void readsAnRsaPrivateKeyAndAPublicKeyFromPemAlsoWithLiteralNewlines() throws Exception {
        KeyPair rsa = pair("RSA", 2048);
        assertThat(SigningKeys.parsePrivate(pem("PRIVATE KEY", rsa.getPrivate().getEncoded())).getModulus())
                .isEqualTo(((java.security.interfaces.RSAPrivateKey) rsa.getPrivate()).getModulus());
        String publicPem = pem("PUBLIC KEY", rsa.getPublic().getEncoded()).replace("\n", "\\n");
        assertThat(SigningKeys.parsePublic(publicPem)).isEqualTo(rsa.getPublic());
    }

    @Test
    void aKeyOfAnotherKindNamesItsSettingAndWhatItShouldBe() throws Exception {
        KeyPair ec = pair("EC", 256);
        KeyPair rsa = pair("RSA", 2048);
        assertThatThrownBy(() -> SigningKeys.parsePrivate(pem("PRIVATE KEY", ec.getPrivate().getEncoded())))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("GRACE_AUTH_SIGNING_KEY is not an RSA private key in PEM (PKCS#8): ");
        assertThatThrownBy(() -> SigningKeys.parsePublic(pem("PRIVATE KEY", rsa.getPrivate().getEncoded())))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("GRACE_AUTH_PREVIOUS_PUBLIC_KEY is not an RSA public key in PEM: ");
        assertThatThrownBy(() -> SigningKeys.parsePublic("-----BEGIN PUBLIC KEY-----\n#not base64#\n"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("GRACE_AUTH_PREVIOUS_PUBLIC_KEY is not PEM (base64 between BEGIN and END lines)");
        assertThatThrownBy(() -> SigningKeys.parsePrivate("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("PKCS#1");
    }
}
