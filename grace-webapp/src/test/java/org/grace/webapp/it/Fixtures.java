package org.grace.webapp.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** What integration tests set up alike: the test users' password, a critical transcript, a second organisation. */
public final class Fixtures {
    /** The password of every user the tests create (long enough for the API's rule). */
    public static final String PASSWORD = "correct horse battery staple";
    /** A transcript the bundled detection rules rate critical. */
    public static final String CRITICAL_TRANSCRIPT = "resident: Help me, I can't breathe and my chest hurts so much";

    private Fixtures() {
    }

    /**
     * A second organisation and its administrator, written straight in the database (set-up through the API closes
     * once the first administrator exists). The administrator gets the password hash of user {@code samePasswordAs},
     * so the same password signs them in. Returns the administrator's user id.
     */
    public static long organisationWithAdmin(DataSource db, String organisation, String email, String displayName,
                                             long samePasswordAs) throws SQLException {
        try (Connection c = db.getConnection()) {
            long org;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO organizations (name) VALUES (?) RETURNING id")) {
                ps.setString(1, organisation);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    org = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (organization_id, email, display_name, "
                    + "role, password_hash) SELECT ?, ?, ?, 'organization_admin', password_hash FROM users "
                    + "WHERE id = ? RETURNING id")) {
                ps.setLong(1, org);
                ps.setString(2, email);
                ps.setString(3, displayName);
                ps.setLong(4, samePasswordAs);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }
}
