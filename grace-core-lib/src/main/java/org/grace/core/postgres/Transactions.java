package org.grace.core.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs work on one connection as one transaction: committed when the work returns, rolled back when it throws
 * anything (an {@link Error} too: the connection's auto-commit is restored afterwards, and turning auto-commit back on
 * in the middle of a transaction would commit it). The connection's auto-commit setting is left as it was found.
 * Used by the library's PostgreSQL code (schedules, blobs, schema scripts).
 */
public final class Transactions {
    private Transactions() {
    }

    /** Work on a connection inside a transaction; it may throw SQL errors and one other checked kind. */
    @FunctionalInterface
    public interface Work<T, X extends Exception> {
        T run(Connection c) throws SQLException, X;
    }

    /**
     * Runs {@code work} in a transaction on {@code c} and returns what it returned. Work that calls
     * {@link Connection#rollback()} itself (to keep nothing of what it did) still returns normally: the commit that
     * follows has nothing to commit.
     */
    public static <T, X extends Exception> T run(Connection c, Work<T, X> work) throws SQLException, X {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (Throwable e) {
            try {
                c.rollback();
            } catch (SQLException rollbackFailed) {
                e.addSuppressed(rollbackFailed);
            }
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
