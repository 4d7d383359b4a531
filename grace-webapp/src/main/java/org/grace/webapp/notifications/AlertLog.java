package org.grace.webapp.notifications;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.grace.webapp.database.Sql;

/**
 * The append-only record of alerts and what people did about them. Rows are only ever inserted, in the transaction
 * of the change they record; the table's triggers refuse UPDATE, DELETE and TRUNCATE, and the API has no way to
 * change them. A {@code dedupeKey} makes a retried writer's second insert a no-op.
 */
@ApplicationScoped
public class AlertLog {
    /** What a row records: each kind once, stored in the {@code kind} column as its lower-case name. */
    public enum Kind {
        ALERT_SENT, ESCALATION, ACKNOWLEDGEMENT, RESOLUTION, REOPEN, INCIDENT_REPORTED, REMINDER_MISSED;

        /** The value of the {@code kind} column, e.g. {@code alert_sent}. */
        public String column() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row of the trail; {@code actorUserId} and {@code actorName} are null for the system. */
    public record Entry(long id, Long incidentId, String kind, Long actorUserId, String actorName,
                        Map<String, Object> detail, String occurredAt) {
    }

    /** Appends a row on {@code c}; empty when a row with the same dedupe key exists already. */
    public Optional<Long> append(Connection c, long organizationId, Long incidentId, Long residentId, Kind kind,
                                 Long actorUserId, Map<String, ?> detail, String dedupeKey) throws SQLException {
        String json;
        try {
            json = JSON.writeValueAsString(detail == null ? Map.of() : detail);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("alert log detail is not JSON-writable: " + e.getMessage(), e);
        }
        return Sql.one(c, "INSERT INTO alert_log (organization_id, incident_id, resident_id, kind, actor_user_id, "
                        + "detail, dedupe_key) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (dedupe_key) DO NOTHING "
                        + "RETURNING id",
                Sql.params(organizationId, incidentId, residentId, kind.column(), actorUserId, json, dedupeKey),
                rs -> rs.getLong(1));
    }

    /** The trail of one incident, oldest first. The caller has checked that the incident is visible. */
    public List<Entry> ofIncident(Connection c, long organizationId, long incidentId) throws SQLException {
        return Sql.list(c, "SELECT a.id, a.incident_id, a.kind, a.actor_user_id, u.display_name, a.detail::text, "
                        + "a.occurred_at FROM alert_log a LEFT JOIN users u ON u.id = a.actor_user_id "
                        + "WHERE a.incident_id = ? AND a.organization_id = ? ORDER BY a.id",
                List.of(incidentId, organizationId), rs -> new Entry(rs.getLong(1), Sql.nullableLong(rs, "incident_id"),
                        rs.getString(3), Sql.nullableLong(rs, "actor_user_id"), rs.getString(5), parse(rs.getString(6)),
                        Sql.instant(rs, "occurred_at").toString()));
    }

    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return Map.of("unreadable", json);
        }
    }
}
