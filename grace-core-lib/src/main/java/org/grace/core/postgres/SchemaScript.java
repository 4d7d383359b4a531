package org.grace.core.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Runs one of the library's idempotent schema scripts (the job tables, the blob tables) in one transaction under a
 * transaction-scoped advisory lock: instances starting at the same moment take turns instead of racing on
 * {@code CREATE TABLE IF NOT EXISTS}, which is not safe against concurrent runs in PostgreSQL. Safe to run at every
 * start-up of every instance.
 */
public final class SchemaScript {
    private SchemaScript() {
    }

    /**
     * Runs the classpath script {@code resource} under the advisory lock {@code lockKey}; a failure rolls it all back
     * and names {@code tables} ("the grace job tables").
     */
    public static void run(DataSource dataSource, String resource, long lockKey, String tables) {
        Objects.requireNonNull(dataSource, "dataSource must not be null");
        List<String> statements = statements(resource);
        try (Connection connection = dataSource.getConnection()) {
            Transactions.run(connection, c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + lockKey + ")");
                    for (String sql : statements) {
                        s.execute(sql);
                    }
                }
                return statements.size();
            });
        } catch (SQLException e) {
            throw new IllegalStateException("could not create " + tables + ": " + e.getMessage(), e);
        }
    }

    /**
     * The classpath script {@code resource} split into statements. The library's scripts keep to two rules that make
     * this simple split right: no semicolon inside a statement, and no {@code --} inside a string literal (everything
     * from {@code --} to the end of the line is a comment).
     */
    public static List<String> statements(String resource) {
        String script;
        try (InputStream in = SchemaScript.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + resource);
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder code = new StringBuilder();
        for (String line : script.split("\n")) {
            int comment = line.indexOf("--");
            code.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        List<String> result = new ArrayList<>();
        for (String sql : code.toString().split(";")) {
            if (!sql.isBlank()) {
                result.add(sql.strip());
            }
        }
        return result;
    }
}
