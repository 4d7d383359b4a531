package org.grace.webapp.signin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.webapp.database.DataAccessException;
import org.grace.webapp.database.Statements;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.settings.GraceSettings;

/**
 * Rotating refresh tokens in PostgreSQL. A sign-in starts a family; each refresh marks the presented token used and
 * issues its successor in the same family. Presenting a token that was already used (or revoked) means two parties
 * hold it, so the whole family is revoked and both must sign in again. Only SHA-256 of each token is stored.
 */
@ApplicationScoped
public class RefreshTokens {
    private static final Logger LOG = Logger.getLogger(RefreshTokens.class.getName());
    private final SecureRandom random = new SecureRandom();

    @Inject
    DataSource dataSource;
    @Inject
    GraceSettings settings;

    public record Issued(String token, Instant expiresAt) {
    }

    /** The outcome of a refresh: the user and the successor token, or empty when refused. */
    public record Rotation(long userId, Issued next) {
    }

    public Issued start(long userId) {
        try (Connection c = dataSource.getConnection()) {
            return insert(c, UUID.randomUUID(), userId);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    public Optional<Rotation> rotate(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Optional.empty();
        }
        return Transactions.inTransaction(dataSource, c -> rotate(c, hash(token)));
    }

    private Optional<Rotation> rotate(Connection c, byte[] hash) throws SQLException {
        UUID family;
        long userId;
        boolean usable;
        try (PreparedStatement ps = c.prepareStatement("SELECT family_id, user_id, used_at IS NULL AND revoked_at IS NULL "
                + "AND expires_at > now() FROM refresh_tokens WHERE token_hash = ? FOR UPDATE")) {
            ps.setBytes(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                family = rs.getObject(1, UUID.class);
                userId = rs.getLong(2);
                usable = rs.getBoolean(3);
            }
        }
        if (!usable) {
            int revoked = revokeFamily(c, family);
            if (revoked > 0) {
                LOG.warning("grace: refresh token reused for user " + userId + ": revoked its family (" + revoked
                        + " tokens)");
            }
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = ?")) {
            ps.setBytes(1, hash);
            ps.executeUpdate();
        }
        return Optional.of(new Rotation(userId, insert(c, family, userId)));
    }

    /** Logout: revokes the token's whole family (every later refresh of this sign-in). */
    public void revoke(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = "
                     + "(SELECT family_id FROM refresh_tokens WHERE token_hash = ?) AND revoked_at IS NULL")) {
            ps.setBytes(1, hash(token));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Deletes tokens past their expiry (a recurring job); returns how many. */
    public int purgeExpired() {
        return Statements.update(dataSource, "DELETE FROM refresh_tokens WHERE expires_at < now()");
    }

    private static int revokeFamily(Connection c, UUID family) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = ? AND revoked_at IS NULL")) {
            ps.setObject(1, family);
            return ps.executeUpdate();
        }
    }

    private Issued insert(Connection c, UUID family, long userId) throws SQLException {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expires = Instant.now().plus(settings.authRefreshTtl());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO refresh_tokens (family_id, user_id, token_hash, "
                + "expires_at) VALUES (?, ?, ?, ?)")) {
            ps.setObject(1, family);
            ps.setLong(2, userId);
            ps.setBytes(3, hash(token));
            ps.setTimestamp(4, Timestamp.from(expires));
            ps.executeUpdate();
        }
        return new Issued(token, expires);
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
