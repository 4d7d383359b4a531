package org.grace.webapp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.SignedJWT;
import java.lang.reflect.Proxy;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.Config;
import org.grace.webapp.settings.GraceSettings;
import org.junit.jupiter.api.Test;

/** The verification rules of access tokens, with a fixed clock; the multi-instance IT repeats the attacks over HTTP. */
class AccessTokensTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private static AccessTokens tokens(Map<String, String> settings, Instant now) {
        return tokens(settings, now, new SigningKeys());
    }

    private static AccessTokens tokens(Map<String, String> settings, Instant now, SigningKeys keys) {
        Config config = (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] {Config.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getOptionalValue")) {
                        return Optional.ofNullable(settings.get((String) args[0]));
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        GraceSettings graceSettings = new GraceSettings(config);
        keys.settings = graceSettings;
        AccessTokens tokens = new AccessTokens();
        tokens.settings = graceSettings;
        tokens.keys = keys;
        tokens.clock(Clock.fixed(now, ZoneOffset.UTC));
        return tokens;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
                + "-----\n";
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    @Test
    void acceptsItsOwnTokenAndPresentsItAsAJsonWebToken() throws Exception {
        Map<String, String> s = new HashMap<>(Map.of("grace.auth.signing-key", pem("PRIVATE KEY", rsa().getPrivate()
                .getEncoded())));
        AccessTokens tokens = tokens(s, NOW);
        AccessTokens.Issued issued = tokens.issue(7, "kim@rose.example", 3, Roles.CARE_STAFF);
        GraceJsonWebToken jwt = tokens.verify(issued.token());
        assertThat(jwt.getName()).isEqualTo("kim@rose.example");
        assertThat(jwt.getGroups()).containsExactly(Roles.CARE_STAFF);
        assertThat(jwt.getAudience()).containsExactly("grace-api");
        assertThat(jwt.getExpirationTime()).isEqualTo(NOW.plus(Duration.ofMinutes(15)).getEpochSecond());
        assertThat(jwt.userId()).isEqualTo(7);
        assertThat(jwt.organizationId()).isEqualTo(3);
        assertThat(jwt.csrf()).isEqualTo(issued.csrf());
        assertThat(jwt.getTokenID()).isEqualTo(issued.jti());
    }

    @Test
    void expiryAndNotBeforeHonourTheClockSkew() throws Exception {
        Map<String, String> s = new HashMap<>(Map.of("grace.auth.signing-key", pem("PRIVATE KEY", rsa().getPrivate()
                .getEncoded()), "grace.auth.clock-skew", "30s"));
        String token = tokens(s, NOW).issue(1, "a@b.example", 1, Roles.FAMILY).token();
        Instant expiry = NOW.plus(Duration.ofMinutes(15));
        assertThat(tokens(s, expiry.plusSeconds(29)).verify(token)).isNotNull();
        assertThatThrownBy(() -> tokens(s, expiry.plusSeconds(30)).verify(token)).hasMessage("token expired");
        assertThat(tokens(s, NOW.minusSeconds(29)).verify(token)).isNotNull();
        assertThatThrownBy(() -> tokens(s, NOW.minusSeconds(31)).verify(token)).hasMessage("token not valid yet");
    }

    @Test
    void refusesOtherAlgorithmsIssuersAudiencesAndKeys() throws Exception {
        KeyPair key = rsa();
        Map<String, String> s = new HashMap<>(Map.of("grace.auth.signing-key", pem("PRIVATE KEY",
                key.getPrivate().getEncoded()), "grace.auth.signing-key-id", "k1"));
        AccessTokens tokens = tokens(s, NOW);
        String valid = tokens.issue(1, "a@b.example", 1, Roles.FAMILY).token();
        SignedJWT parsed = SignedJWT.parse(valid);

        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(),
                parsed.getJWTClaimsSet());
        hs.sign(new MACSigner(key.getPublic().getEncoded()));
        assertThatThrownBy(() -> tokens.verify(hs.serialize())).hasMessage("token algorithm not accepted");

        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
                + "." + valid.split("\\.")[1] + ".";
        assertThatThrownBy(() -> tokens.verify(none)).isInstanceOf(TokenRejectedException.class);

        Map<String, String> otherIssuer = new HashMap<>(s);
        otherIssuer.put("grace.auth.issuer", "elsewhere");
        assertThatThrownBy(() -> tokens(otherIssuer, NOW).verify(valid)).hasMessage("token issuer not accepted");
        Map<String, String> otherAudience = new HashMap<>(s);
        otherAudience.put("grace.auth.audience", "other-api");
        assertThatThrownBy(() -> tokens(otherAudience, NOW).verify(valid)).hasMessage("token audience not accepted");

        Map<String, String> newKey = new HashMap<>(Map.of("grace.auth.signing-key", pem("PRIVATE KEY",
                rsa().getPrivate().getEncoded()), "grace.auth.signing-key-id", "k2"));
        assertThatThrownBy(() -> tokens(newKey, NOW).verify(valid)).hasMessage("token signed with an unknown key");
        newKey.put("grace.auth.previous-public-key", pem("PUBLIC KEY", key.getPublic().getEncoded()));
        newKey.put("grace.auth.previous-key-id", "k1");
        assertThat(tokens(newKey, NOW).verify(valid)).as("accepted during a rotation").isNotNull();
    }

    @Test
    void aVerifiedTokenIsRememberedButStillExpiresAndAForgeryOfItIsStillRefused() throws Exception {
        Map<String, String> s = new HashMap<>(Map.of("grace.auth.signing-key", pem("PRIVATE KEY", rsa().getPrivate()
                .getEncoded()), "grace.auth.clock-skew", "30s"));
        AccessTokens tokens = tokens(s, NOW);
        String token = tokens.issue(5, "lee@rose.example", 2, Roles.CARE_STAFF).token();
        GraceJsonWebToken first = tokens.verify(token);
        assertThat(tokens.verify(token)).as("verified once, then remembered").isSameAs(first);

        int i = token.length() - 8;
        String forged = token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);
        assertThatThrownBy(() -> tokens.verify(forged)).hasMessage("token signature invalid");

        Instant expiry = NOW.plus(Duration.ofMinutes(15));
        tokens.clock(Clock.fixed(expiry.plusSeconds(29), ZoneOffset.UTC));
        assertThat(tokens.verify(token)).isSameAs(first);
        tokens.clock(Clock.fixed(expiry.plusSeconds(30), ZoneOffset.UTC));
        assertThatThrownBy(() -> tokens.verify(token)).as("the remembered token expires on time")
                .hasMessage("token expired");
    }

    @Test
    void aRefusalIsRememberedApartFromGoodTokensAndOnlyWhenNoLaterMomentCouldUndoIt() throws Exception {
        Map<String, String> s = new HashMap<>(Map.of("grace.auth.signing-key", pem("PRIVATE KEY", rsa().getPrivate()
                .getEncoded()), "grace.auth.clock-skew", "30s"));
        AtomicInteger keyLookups = new AtomicInteger();
        SigningKeys counting = new SigningKeys() {
            @Override
            public synchronized Optional<RSAPublicKey> verificationKey(String kid) {
                keyLookups.incrementAndGet();
                return super.verificationKey(kid);
            }
        };
        AccessTokens tokens = tokens(s, NOW, counting);
        String token = tokens.issue(5, "lee@rose.example", 2, Roles.CARE_STAFF).token();
        GraceJsonWebToken good = tokens.verify(token);
        int i = token.length() - 8;
        String forged = token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);

        int before = keyLookups.get();
        for (int n = 0; n < 3; n++) {
            assertThatThrownBy(() -> tokens.verify(forged)).as("the same reason every time")
                    .hasMessage("token signature invalid");
        }
        assertThat(keyLookups.get() - before).as("a repeated forgery is verified once").isEqualTo(1);
        assertThat(tokens.verify(token)).as("refusals are kept apart: the good token is still remembered")
                .isSameAs(good);

        // A token used before its nbf is refused for now, but not remembered: it becomes good a little later.
        tokens.clock(Clock.fixed(NOW.minusSeconds(31), ZoneOffset.UTC));
        String early = tokens.issue(6, "sam@rose.example", 2, Roles.CARE_STAFF).token();
        tokens.clock(Clock.fixed(NOW.minusSeconds(62), ZoneOffset.UTC));
        assertThatThrownBy(() -> tokens.verify(early)).hasMessage("token not valid yet");
        tokens.clock(Clock.fixed(NOW.minusSeconds(31), ZoneOffset.UTC));
        assertThat(tokens.verify(early).userId()).isEqualTo(6);
    }
}
