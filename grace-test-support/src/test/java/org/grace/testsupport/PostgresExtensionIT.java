package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** What {@link PostgresExtension} creates, shares, starts again and stops, seen from outside a class that uses it. */
class PostgresExtensionIT {
    private static final ServersSeen<PostgresDatabase> DATABASES = new ServersSeen<>();

    @Test
    void oneDatabasePerClassInOneServerThatStopsWithTheClass() {
        PostgresDatabase classDatabase = DATABASES.runAndCheckOnePerClass(UsesPostgres.class, 4, 3, 1);

        assertThat(classDatabase.name()).isEqualTo("uses_postgres");
        assertThat(DATABASES.fresh.get(0).name()).isNotEqualTo("uses_postgres");
        assertThat(DATABASES.fresh.get(0).server()).isSameAs(classDatabase.server());
        assertThat(classDatabase.server().isRunning()).isFalse();
    }

    static long count(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Run only by the test above (Failsafe does not pick up nested classes). */
    @WithPostgres
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class UsesPostgres {
        @BeforeAll
        static void schema(PostgresDatabase db) throws SQLException {
            DATABASES.ofClass.add(db);
            execute(db.dataSource(), "CREATE TABLE notes (text text)");
        }

        @Test
        @Order(1)
        void theClassDatabaseKeepsWhatTheClassWrote(PostgresDatabase db) throws SQLException {
            DATABASES.ofClass.add(db);
            execute(db.dataSource(), "INSERT INTO notes VALUES ('one')");
            assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + db.server().port() + "/uses_postgres");
        }

        @Test
        @Order(2)
        void aFreshDatabaseIsEmpty(@Fresh PostgresDatabase own) throws SQLException {
            DATABASES.fresh.add(own);
            assertThat(count(own.dataSource(),
                    "SELECT count(*) FROM information_schema.tables WHERE table_name = 'notes'")).isZero();
        }

        @Test
        @Order(3)
        void aTestMayLeaveTheServerStopped(PostgresServer server) {
            server.stop();
            assertThat(server.isRunning()).isFalse();
        }

        @Test
        @Order(4)
        void theNextTestFindsItRunningWithTheDataKept(PostgresDatabase db) throws SQLException {
            DATABASES.ofClass.add(db);
            assertThat(count(db.dataSource(), "SELECT count(*) FROM notes")).isEqualTo(1);
        }
    }
}
