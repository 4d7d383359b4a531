package org.grace.webapp.database;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few lines of JDBC every query repeats: bind parameters by their Java type, map rows, read nullable
 * columns. Not a framework: the SQL stays visible where it is used, which is what reviewers of the visibility rules
 * need to see.
 */
public final class Sql {
    /** Maps the current row. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private Sql() {
    }

    public static <T> List<T> list(Connection c, String sql, List<?> params, Row<T> row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, params);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.map(rs));
                }
            }
            return out;
        }
    }

    public static <T> Optional<T> one(Connection c, String sql, List<?> params, Row<T> row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
            }
        }
    }

    public static int update(Connection c, String sql, List<?> params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, params);
            return ps.executeUpdate();
        }
    }

    /**
     * An optional filter of a query being built: appends {@code condition} (e.g. {@code " AND i.status = ?"}) and its
     * one parameter when {@code value} is given, nothing when it is null.
     */
    public static void andIf(StringBuilder sql, List<Object> params, String condition, Object value) {
        if (value != null) {
            sql.append(condition);
            params.add(value);
        }
    }

    /** A list that admits nulls, for parameters ({@code List.of} refuses them). */
    public static List<Object> params(Object... values) {
        List<Object> out = new ArrayList<>(values.length);
        java.util.Collections.addAll(out, values);
        return out;
    }

    private static void bind(Connection c, PreparedStatement ps, List<?> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object v = params.get(i);
            int index = i + 1;
            if (v == null) {
                ps.setObject(index, null);
            } else if (v instanceof Instant instant) {
                ps.setTimestamp(index, Timestamp.from(instant));
            } else if (v instanceof LocalDate date) {
                ps.setObject(index, date);
            } else if (v instanceof String[] strings) {
                Array array = c.createArrayOf("text", strings);
                ps.setArray(index, array);
            } else if (v instanceof List<?> list) {
                ps.setArray(index, c.createArrayOf("text", list.stream().map(String::valueOf).toArray()));
            } else {
                ps.setObject(index, v);
            }
        }
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    public static List<String> strings(ResultSet rs, String column) throws SQLException {
        Array a = rs.getArray(column);
        if (a == null) {
            return List.of();
        }
        Object[] values = (Object[]) a.getArray();
        List<String> out = new ArrayList<>(values.length);
        for (Object v : values) {
            out.add(String.valueOf(v));
        }
        return List.copyOf(out);
    }

    /** The SQLSTATE behind a failed call ({@code 23505} unique, {@code 23503} foreign key), or null. */
    public static String state(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
