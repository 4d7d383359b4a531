package org.grace.webapp.dashboard;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;

/**
 * The figures at the top of the staff dashboard, over the incidents the caller may see, in one statement:
 * unresolved incidents (and by severity), unacknowledged ones, critical ones still unacknowledged, resolved today
 * (today in each facility's own time zone), and the average response time (detection to acknowledgement) of the
 * incidents acknowledged in the last 7 days.
 */
@ApplicationScoped
public class Dashboard {
    @Inject
    DataSource dataSource;

    /** The summary; {@code averageResponseSeconds7d} is null when nothing was acknowledged in 7 days. */
    public record Summary(long openIncidents, Map<String, Long> openBySeverity, long unacknowledged,
                          long criticalUnacknowledged, long resolvedToday, Double averageResponseSeconds7d,
                          long acknowledgedLast7Days) {
    }

    public Summary of(CareScope scope, Long facilityId) {
        List<Object> params = new ArrayList<>(scope.params());
        String facilityFilter = "";
        if (facilityId != null) {
            facilityFilter = " AND i.facility_id = ?";
            params.add(facilityId);
        }
        String sql = "SELECT count(*) FILTER (WHERE i.status <> 'resolved'), "
                + "count(*) FILTER (WHERE i.status <> 'resolved' AND i.severity = 'low'), "
                + "count(*) FILTER (WHERE i.status <> 'resolved' AND i.severity = 'medium'), "
                + "count(*) FILTER (WHERE i.status <> 'resolved' AND i.severity = 'high'), "
                + "count(*) FILTER (WHERE i.status <> 'resolved' AND i.severity = 'critical'), "
                + "count(*) FILTER (WHERE i.status = 'open'), "
                + "count(*) FILTER (WHERE i.status = 'open' AND i.severity = 'critical'), "
                + "count(*) FILTER (WHERE i.status = 'resolved' AND i.resolved_at >= "
                + "(date_trunc('day', now() AT TIME ZONE f.time_zone) AT TIME ZONE f.time_zone)), "
                + "avg(i.response_time_ms) FILTER (WHERE i.acknowledged_at >= now() - interval '7 days'), "
                + "count(i.response_time_ms) FILTER (WHERE i.acknowledged_at >= now() - interval '7 days') "
                + "FROM incidents i JOIN facilities f ON f.id = i.facility_id WHERE " + scope.residentRows("i")
                + facilityFilter + " AND (i.status <> 'resolved' OR i.resolved_at >= now() - interval '2 days' "
                + "OR i.acknowledged_at >= now() - interval '7 days')";
        return Transactions.inTransaction(dataSource, c -> Sql.one(c, sql, params, rs -> {
            Map<String, Long> bySeverity = new LinkedHashMap<>();
            bySeverity.put("low", rs.getLong(2));
            bySeverity.put("medium", rs.getLong(3));
            bySeverity.put("high", rs.getLong(4));
            bySeverity.put("critical", rs.getLong(5));
            double avgMs = rs.getDouble(9);
            Double avgSeconds = rs.wasNull() ? null : Math.round(avgMs / 100.0) / 10.0;
            return new Summary(rs.getLong(1), bySeverity, rs.getLong(6), rs.getLong(7), rs.getLong(8), avgSeconds,
                    rs.getLong(10));
        }).orElseThrow());
    }
}
