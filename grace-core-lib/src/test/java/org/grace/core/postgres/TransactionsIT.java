package org.grace.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.grace.testsupport.PostgresDatabase;
import org.grace.testsupport.WithPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link Transactions#run} keeps and drops, on a real PostgreSQL. */
@WithPostgres
class TransactionsIT {
    private static PostgresDatabase db;

    @BeforeAll
    static void table(PostgresDatabase database) throws SQLException {
        db = database;
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (text text)");
        }
    }

    @BeforeEach
    void empty() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE notes");
        }
    }

    @Test
    void workThatReturnsIsCommittedAndAutoCommitIsAsItWas() throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            int written = Transactions.run(c, tx -> insert(tx, "kept"));
            assertThat(written).isEqualTo(1);
            assertThat(c.getAutoCommit()).isTrue();
        }
        assertThat(notes()).isEqualTo(1);
    }

    @Test
    void workThatThrowsIsRolledBackAndItsExceptionComesOut() throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            assertThatThrownBy(() -> Transactions.run(c, tx -> {
                insert(tx, "dropped");
                throw new IOException("the content could not be read");
            })).isInstanceOf(IOException.class).hasMessage("the content could not be read");
            assertThatThrownBy(() -> Transactions.run(c, tx -> {
                insert(tx, "dropped");
                throw new AssertionError("an error, not an exception");
            })).isInstanceOf(AssertionError.class);
            assertThat(c.getAutoCommit()).isTrue();
        }
        assertThat(notes()).isZero();
    }

    @Test
    void workThatRollsBackItselfKeepsNothingAndReturns() throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false); // found off, left off
            String answer = Transactions.run(c, tx -> {
                insert(tx, "dropped");
                tx.rollback();
                return "duplicate";
            });
            assertThat(answer).isEqualTo("duplicate");
            assertThat(c.getAutoCommit()).isFalse();
            c.rollback();
        }
        assertThat(notes()).isZero();
    }

    private static int insert(Connection c, String text) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate("INSERT INTO notes VALUES ('" + text + "')");
        }
    }

    private static long notes() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM notes")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
