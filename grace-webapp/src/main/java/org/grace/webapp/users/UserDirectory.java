package org.grace.webapp.users;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.database.DataAccessException;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;

/**
 * Users and organisations in PostgreSQL. Every read that a client can trigger takes the caller's organisation and
 * filters on it in SQL, so a user of one organisation cannot see another's rows by guessing ids: they get
 * "not found", exactly as for an id that does not exist.
 */
@ApplicationScoped
public class UserDirectory {
    private static final String SELECT = "SELECT u.id, u.organization_id, o.name, u.email, u.display_name, u.role, "
            + "u.password_hash, u.deactivated_at FROM users u JOIN organizations o ON o.id = u.organization_id ";
    /** Any constant: serialises first-administrator set-ups across instances. */
    private static final long SETUP_LOCK = 0x67726163652d31L;

    @Inject
    DataSource dataSource;

    public Optional<User> byEmail(String email) {
        return one(SELECT + "WHERE lower(u.email) = lower(?)", email);
    }

    /** Without an organisation filter: for the caller's own record (id from a verified token) only. */
    public Optional<User> byId(long id) {
        return one(SELECT + "WHERE u.id = ?", id);
    }

    public Optional<User> inOrganization(long organizationId, long id) {
        return one(SELECT + "WHERE u.id = ? AND u.organization_id = ?", id, organizationId);
    }

    public List<User> ofOrganization(long organizationId) {
        try (Connection c = dataSource.getConnection()) {
            return Sql.list(c, SELECT + "WHERE u.organization_id = ? ORDER BY u.id LIMIT 1000", List.of(organizationId),
                    UserDirectory::read);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Creates a user; empty when the e-mail address is taken (in any organisation). */
    public Optional<Long> create(long organizationId, String email, String displayName, String role, String hash) {
        try (Connection c = dataSource.getConnection()) {
            return insertUser(c, organizationId, email, displayName, role, hash);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Changes name and/or role of a user of {@code organizationId}; false when there is no such user there. */
    public boolean update(long organizationId, long id, String displayName, String role) {
        return updatedOne("UPDATE users SET display_name = coalesce(?, display_name), role = coalesce(?, role), "
                + "updated_at = now() WHERE id = ? AND organization_id = ?", displayName, role, id, organizationId);
    }

    /**
     * Deactivates (keeping the first moment) or reactivates a user of {@code organizationId}; false when there is no
     * such user there.
     */
    public boolean setActive(long organizationId, long id, boolean active) {
        return updatedOne("UPDATE users SET deactivated_at = CASE WHEN ? THEN NULL ELSE coalesce(deactivated_at, now()) "
                + "END, updated_at = now() WHERE id = ? AND organization_id = ?", active, id, organizationId);
    }

    public boolean administratorExists() {
        try (Connection c = dataSource.getConnection()) {
            return administratorExists(c);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /**
     * Creates an organisation and its first administrator, only while no administrator exists anywhere. Two
     * instances asked at once serialise on an advisory lock: exactly one succeeds. Empty when set-up is closed.
     */
    public Optional<Long> createFirstAdministrator(String organizationName, String email, String displayName,
                                                   String hash) {
        return Transactions.inTransaction(dataSource, c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, SETUP_LOCK);
                lock.execute();
            }
            if (administratorExists(c)) {
                return Optional.<Long>empty();
            }
            long organizationId = createOrganization(c, organizationName);
            return insertUser(c, organizationId, email, displayName, Roles.ORGANIZATION_ADMIN, hash);
        });
    }

    /** Creates an organisation (set-up and tests); returns its id. */
    public long createOrganization(String name) {
        try (Connection c = dataSource.getConnection()) {
            return createOrganization(c, name);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    private static long createOrganization(Connection c, String name) throws SQLException {
        return Sql.one(c, "INSERT INTO organizations (name) VALUES (?) RETURNING id", Sql.params(name),
                rs -> rs.getLong(1)).orElseThrow();
    }

    private static boolean administratorExists(Connection c) throws SQLException {
        return Sql.one(c, "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'organization_admin')", List.of(),
                rs -> rs.getBoolean(1)).orElseThrow();
    }

    private static Optional<Long> insertUser(Connection c, long organizationId, String email, String displayName,
                                             String role, String hash) throws SQLException {
        return Sql.one(c, "INSERT INTO users (organization_id, email, display_name, role, password_hash) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                Sql.params(organizationId, email, displayName, role, hash), rs -> rs.getLong(1));
    }

    /** Runs an UPDATE of one user row; whether it changed one. */
    private boolean updatedOne(String sql, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return Sql.update(c, sql, Sql.params(params)) == 1;
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    private Optional<User> one(String sql, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return Sql.one(c, sql, Sql.params(params), UserDirectory::read);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    private static String deactivatedAt(Timestamp at) {
        return at == null ? null : at.toInstant().toString();
    }

    private static User read(ResultSet rs) throws SQLException {
        return new User(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), deactivatedAt(rs.getTimestamp(8)));
    }
}
