package org.grace.webapp.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.grace.webapp.settings.GraceSettings;

/**
 * Issues and verifies the RS256 access tokens. Verification trusts nothing in the token before the signature is
 * checked, and even then only what this deployment would have written:
 * <ol>
 *   <li>the header's {@code alg} must be exactly RS256 (so {@code none}, and HS256 "signed" with the public key as
 *       an HMAC secret, are refused before any key is touched);</li>
 *   <li>its {@code kid} must name the current or the previous key;</li>
 *   <li>the signature must verify with that key;</li>
 *   <li>{@code iss} and {@code aud} must be ours, {@code exp} in the future and {@code nbf} in the past, each within
 *       the configured clock skew; {@code sub}, {@code jti}, {@code groups} and {@code csrf} must be present.</li>
 * </ol>
 *
 * <p>A token that passed is remembered, by the SHA-256 of its text, until it expires (at most
 * {@link #VERIFIED_MAX_ENTRIES} at once, least recently used out first): none of the checks above can give another
 * answer for the same text later except expiry, which is checked again on every request. So each token is parsed and
 * its signature verified once per instance instead of on every request (the top of the warm request's profile,
 * issue #15). The keys, issuer and audience are read once per process, so nothing else can change under the memory.
 * Refused tokens are remembered apart, with the reason, in a memory of their own ({@link #REFUSED_MAX_ENTRIES}, for
 * {@link #REFUSED_KEPT}), so that a client repeating a stale or forged token is refused without a second RSA
 * verification (a 401 costs no more than a success, issue #15) and a flood of forgeries pushes out only other
 * forgeries, never a good token. Only refusals that no later moment can turn into an acceptance are remembered: every
 * reason but "not valid yet". Logout denials are not part of this: {@code RevokedTokens} is asked on every request.
 */
@ApplicationScoped
public class AccessTokens {
    /** Custom claim: the organisation the caller belongs to. */
    public static final String ORGANIZATION_CLAIM = "org";
    /** Custom claim: the CSRF token bound to this access token, echoed by browsers in {@code X-CSRF-Token}. */
    public static final String CSRF_CLAIM = "csrf";
    /**
     * Verified tokens remembered at most: one per signed-in user and device of the last access-token lifetime is
     * enough; an entry is a few kilobytes, so the bound is some tens of MB of a 1-2 GB heap.
     */
    static final int VERIFIED_MAX_ENTRIES = 10_000;

    /**
     * Refused tokens remembered at most: as many as verified ones, in a memory of their own; an entry is a hash and a
     * shared reason string, so the bound costs about a megabyte.
     */
    static final int REFUSED_MAX_ENTRIES = 10_000;
    /**
     * How long a refusal is remembered after it was last met: long enough for a client retrying a stale cookie to be
     * answered from memory, short enough that a refusal nobody sends again does not linger.
     */
    static final Duration REFUSED_KEPT = Duration.ofMinutes(10);
    /** The one refusal that time can undo: a token whose {@code nbf} is still ahead is good a little later. */
    private static final String NOT_VALID_YET = "token not valid yet";

    private final SecureRandom random = new SecureRandom();
    private Clock clock = Clock.systemUTC();
    /** Tokens verified here, kept until their expiry plus the clock skew (when they would be refused anyway). */
    private final Cache<TokenHash, GraceJsonWebToken> verified = Caffeine.newBuilder()
            .maximumSize(VERIFIED_MAX_ENTRIES)
            .expireAfter(Expiry.creating((TokenHash hash, GraceJsonWebToken jwt) -> {
                Duration left = Duration.between(clock.instant(), jwt.expiresAt().plus(clockSkew()));
                return left.isNegative() ? Duration.ZERO : left;
            }))
            .build();
    /** Tokens refused here, by hash, with the reason they were refused for (the 401's message). */
    private final Cache<TokenHash, String> refused = Caffeine.newBuilder()
            .maximumSize(REFUSED_MAX_ENTRIES)
            .expireAfterAccess(REFUSED_KEPT)
            .build();

    @Inject
    GraceSettings settings;
    @Inject
    SigningKeys keys;
    private volatile Duration clockSkew;

    public record Issued(String token, String jti, String csrf, Instant expiresAt) {
    }

    public Issued issue(long userId, String email, long organizationId, String role) {
        Instant now = clock.instant();
        Instant expires = now.plus(settings.authAccessTtl());
        String jti = UUID.randomUUID().toString();
        String csrf = randomToken(24);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(settings.authIssuer())
                .audience(settings.authAudience())
                .subject(Long.toString(userId))
                .claim("upn", email)
                .claim("groups", List.of(role))
                .claim(ORGANIZATION_CLAIM, organizationId)
                .claim(CSRF_CLAIM, csrf)
                .jwtID(jti)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .build();
        var signingKey = keys.signingKey();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(signingKey.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        return new Issued(jwt.serialize(), jti, csrf, expires);
    }

    /** The verified token, or {@link TokenRejectedException} saying why not (never echoing token content). */
    public GraceJsonWebToken verify(String token) {
        if (token == null || token.isBlank() || token.length() > 8192) {
            throw new TokenRejectedException("malformed token");
        }
        TokenHash hash = TokenHash.of(token);
        GraceJsonWebToken known = verified.getIfPresent(hash);
        if (known != null) {
            checkNotExpired(known.expiresAt());
            return known;
        }
        String refusal = refused.getIfPresent(hash);
        if (refusal != null) {
            throw new TokenRejectedException(refusal);
        }
        GraceJsonWebToken jwt;
        try {
            jwt = verifyText(token);
        } catch (TokenRejectedException e) {
            if (!NOT_VALID_YET.equals(e.getMessage())) {
                refused.put(hash, e.getMessage());
            }
            throw e;
        }
        verified.put(hash, jwt);
        return jwt;
    }

    /** All the checks, on a token not verified here before. */
    private GraceJsonWebToken verifyText(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new TokenRejectedException("malformed token");
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            throw new TokenRejectedException("token algorithm not accepted");
        }
        RSAPublicKey key = keys.verificationKey(jwt.getHeader().getKeyID())
                .orElseThrow(() -> new TokenRejectedException("token signed with an unknown key"));
        try {
            if (!jwt.verify(new RSASSAVerifier(key))) {
                throw new TokenRejectedException("token signature invalid");
            }
        } catch (JOSEException e) {
            throw new TokenRejectedException("token signature invalid");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new TokenRejectedException("malformed token");
        }
        if (!settings.authIssuer().equals(claims.getIssuer())) {
            throw new TokenRejectedException("token issuer not accepted");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(settings.authAudience())) {
            throw new TokenRejectedException("token audience not accepted");
        }
        if (claims.getExpirationTime() == null) {
            throw new TokenRejectedException("token expired");
        }
        checkNotExpired(claims.getExpirationTime().toInstant());
        Instant now = clock.instant();
        Duration skew = clockSkew();
        if (claims.getNotBeforeTime() != null && now.isBefore(claims.getNotBeforeTime().toInstant().minus(skew))) {
            throw new TokenRejectedException(NOT_VALID_YET);
        }
        try {
            if (claims.getSubject() == null || claims.getJWTID() == null || claims.getStringListClaim("groups") == null
                    || claims.getLongClaim(ORGANIZATION_CLAIM) == null || claims.getStringClaim(CSRF_CLAIM) == null) {
                throw new TokenRejectedException("token lacks required claims");
            }
        } catch (ParseException e) {
            throw new TokenRejectedException("token claims malformed");
        }
        return new GraceJsonWebToken(token, claims);
    }

    /**
     * {@code GRACE_AUTH_CLOCK_SKEW}, read at first use and kept like the keys, issuer and audience: the expiry check
     * runs on every request and a settings read goes through MicroProfile Config each time.
     */
    private Duration clockSkew() {
        Duration skew = clockSkew;
        if (skew == null) {
            skew = settings.authClockSkew();
            clockSkew = skew; // a race only reads the same value twice
        }
        return skew;
    }

    private void checkNotExpired(Instant expiresAt) {
        if (!clock.instant().isBefore(expiresAt.plus(clockSkew()))) {
            throw new TokenRejectedException("token expired");
        }
    }

    /** The SHA-256 of a token's text: what the memory of verified tokens is keyed by, instead of the token itself. */
    private record TokenHash(long a, long b, long c, long d) {
        static TokenHash of(String token) {
            try {
                ByteBuffer digest = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                        .digest(token.getBytes(StandardCharsets.UTF_8)));
                return new TokenHash(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }
    }

    String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** For tests of expiry: the clock tokens are issued and checked with. */
    void clock(Clock value) {
        this.clock = value;
    }
}
