package org.grace.webapp.incidents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.notifications.AlertLog;
import org.grace.webapp.http.ApiException;

/**
 * Reading incidents within the caller's scope ({@link CareScope}): the filtered list with keyset pages (newest first,
 * the cursor is the last id seen, so a page costs an index range scan however deep) and one incident with its audit
 * trail.
 */
@ApplicationScoped
public class Incidents {
    static final String COLUMNS = "i.id, i.organization_id, i.facility_id, i.resident_id, "
            + "coalesce(r.preferred_name, r.full_name) AS resident_name, i.interaction_id, i.source, i.categories, "
            + "i.matched_phrases, i.severity, i.confidence, i.summary, i.suggested_actions, i.rules_version, "
            + "i.reported_by, i.status, i.detected_at, i.acknowledged_by, ack.display_name AS acknowledged_by_name, "
            + "i.acknowledged_at, i.response_time_ms, i.resolved_by, res.display_name AS resolved_by_name, "
            + "i.resolved_at, i.resolution_note";
    static final String FROM = " FROM incidents i JOIN residents r ON r.id = i.resident_id "
            + "LEFT JOIN users ack ON ack.id = i.acknowledged_by LEFT JOIN users res ON res.id = i.resolved_by ";
    public static final int MAX_PAGE = 200;

    @Inject
    DataSource dataSource;
    @Inject
    AlertLog alertLog;

    /** Filters of the list; null fields do not filter. */
    public record Filter(String status, String severity, Long facilityId, Long residentId, Instant since) {
    }

    /** A page; {@code nextCursor} is null on the last one. */
    public record Page(List<?> items, String nextCursor) {
    }

    /** An incident with its audit trail, oldest first. */
    public record Detail(Incident incident, List<AlertLog.Entry> trail) {
    }

    public Page list(CareScope scope, Filter filter, Long beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + "WHERE " + scope.residentRows("i"));
        List<Object> params = new ArrayList<>(scope.params());
        Sql.andIf(sql, params, " AND i.status = ?", filter.status());
        Sql.andIf(sql, params, " AND i.severity = ?", filter.severity());
        Sql.andIf(sql, params, " AND i.facility_id = ?", filter.facilityId());
        Sql.andIf(sql, params, " AND i.resident_id = ?", filter.residentId());
        Sql.andIf(sql, params, " AND i.detected_at >= ?", filter.since());
        Sql.andIf(sql, params, " AND i.id < ?", beforeId);
        sql.append(" ORDER BY i.id DESC LIMIT ?");
        params.add(limit + 1);
        List<Incident> rows = Transactions.inTransaction(dataSource, c -> Sql.list(c, sql.toString(), params,
                Incidents::read));
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            next = Long.toString(rows.get(rows.size() - 1).id());
        }
        List<?> items = scope.isFamily() ? rows.stream().map(Incident::forFamily).toList() : rows;
        return new Page(items, next);
    }

    /** One incident the caller may see, with its trail; 404 otherwise. Family users get {@link Incident.FamilyView}. */
    public Object detail(CareScope scope, long id) {
        return Transactions.inTransaction(dataSource, c -> {
            Incident incident = visible(c, scope, id).orElseThrow(() -> new ApiException(404, "no such incident"));
            if (scope.isFamily()) {
                return incident.forFamily();
            }
            return new Detail(incident, alertLog.ofIncident(c, scope.organizationId(), id));
        });
    }

    public Optional<Incident> visible(Connection c, CareScope scope, long id) throws SQLException {
        List<Object> params = new ArrayList<>();
        params.add(id);
        params.addAll(scope.params());
        return Sql.one(c, "SELECT " + COLUMNS + FROM + "WHERE i.id = ? AND " + scope.residentRows("i"), params,
                Incidents::read);
    }

    /** Without a visibility check: for jobs (escalation) that act for the system. */
    public Optional<Incident> byId(long id) {
        return Transactions.inTransaction(dataSource, c -> Sql.one(c, "SELECT " + COLUMNS + FROM + "WHERE i.id = ?",
                List.of(id), Incidents::read));
    }

    static Incident read(ResultSet rs) throws SQLException {
        return new Incident(rs.getLong("id"), rs.getLong("organization_id"), rs.getLong("facility_id"),
                rs.getLong("resident_id"), rs.getString("resident_name"), Sql.nullableLong(rs, "interaction_id"),
                rs.getString("source"), Sql.strings(rs, "categories"), Sql.strings(rs, "matched_phrases"),
                rs.getString("severity"), rs.getDouble("confidence"), rs.getString("summary"),
                Sql.strings(rs, "suggested_actions"), rs.getString("rules_version"), Sql.nullableLong(rs, "reported_by"),
                rs.getString("status"), text(Sql.instant(rs, "detected_at")), Sql.nullableLong(rs, "acknowledged_by"),
                rs.getString("acknowledged_by_name"), text(Sql.instant(rs, "acknowledged_at")),
                Sql.nullableLong(rs, "response_time_ms"), Sql.nullableLong(rs, "resolved_by"),
                rs.getString("resolved_by_name"), text(Sql.instant(rs, "resolved_at")), rs.getString("resolution_note"));
    }

    static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
