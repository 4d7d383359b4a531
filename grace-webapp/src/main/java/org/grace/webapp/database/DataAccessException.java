package org.grace.webapp.database;

import java.sql.SQLException;

/** A database call failed; mapped to a 503 (the database is the one dependency without a fallback). */
public class DataAccessException extends RuntimeException {
    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
