package org.grace.webapp.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One statement on a connection of its own (auto-commit), for the housekeeping that needs no transaction. */
public final class Statements {
    private Statements() {
    }

    /** Runs {@code sql} (no parameters); returns how many rows it changed; {@link DataAccessException} if it fails. */
    public static int update(DataSource dataSource, String sql) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }
}
