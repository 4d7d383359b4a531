package org.grace.webapp.incidents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.notifications.AlertLog;
import org.grace.webapp.notifications.CareEvents;
import org.grace.webapp.notifications.Notifications;
import org.grace.webapp.http.ApiException;

/**
 * What staff do with an incident: acknowledge, resolve, reopen. Each is one transaction that changes the incident,
 * marks its notifications, and appends to the alert log; every instance is told after the commit.
 *
 * <p><b>The first acknowledgement wins.</b> Acknowledging is one conditional statement,
 * {@code UPDATE incidents ... WHERE id = ? AND status = 'open'}. Under PostgreSQL's read committed, concurrent
 * acknowledgements (from any number of instances) queue on the row lock; the first commits, and each later one
 * re-checks {@code status = 'open'} against the committed row, finds it false and updates nothing. Exactly one
 * caller gets 200 and writes the log row; the others get 409 naming who acknowledged and when.
 */
@ApplicationScoped
public class IncidentActions {
    @Inject
    DataSource dataSource;
    @Inject
    Incidents incidents;
    @Inject
    Notifications notifications;
    @Inject
    AlertLog alertLog;
    @Inject
    CareEvents events;

    private record Outcome(Incident incident, Map<Long, List<Long>> acknowledgedNotifications) {
    }

    public Incident acknowledge(CareScope scope, long id) {
        Outcome outcome = Transactions.inTransaction(dataSource, c -> {
            List<Object> params = new ArrayList<>(List.of(scope.userId(), id));
            params.addAll(scope.params());
            int changed = Sql.update(c, "UPDATE incidents i SET status = 'acknowledged', acknowledged_by = ?, "
                    + "acknowledged_at = now(), response_time_ms = "
                    + "greatest(0, (extract(epoch FROM now() - i.detected_at) * 1000)::bigint), updated_at = now() "
                    + "WHERE i.id = ? AND i.status = 'open' AND " + scope.residentRows("i"), params);
            if (changed == 0) {
                Incident current = incidents.visible(c, scope, id)
                        .orElseThrow(() -> new ApiException(404, "no such incident"));
                throw conflict(current);
            }
            Incident incident = incidents.visible(c, scope, id).orElseThrow();
            Map<Long, List<Long>> marked = notifications.acknowledgeIncident(c, scope.organizationId(), id);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("responseTimeMs", incident.responseTimeMs());
            alertLog.append(c, scope.organizationId(), id, incident.residentId(), AlertLog.Kind.ACKNOWLEDGEMENT,
                    scope.userId(), detail, null);
            return new Outcome(incident, marked);
        });
        committed(scope, outcome, "acknowledged");
        return outcome.incident();
    }

    /** Resolves an open or acknowledged incident with a note; resolving an unacknowledged one acknowledges it too. */
    public Incident resolve(CareScope scope, long id, String note) {
        Outcome outcome = Transactions.inTransaction(dataSource, c -> {
            Incident current = locked(c, scope, id);
            if ("resolved".equals(current.status())) {
                throw conflict(current);
            }
            Sql.update(c, "UPDATE incidents i SET status = 'resolved', resolved_by = ?, resolved_at = now(), "
                            + "resolution_note = ?, acknowledged_by = coalesce(acknowledged_by, ?), "
                            + "acknowledged_at = coalesce(acknowledged_at, now()), response_time_ms = coalesce("
                            + "response_time_ms, greatest(0, (extract(epoch FROM now() - i.detected_at) * 1000)::bigint)), "
                            + "updated_at = now() WHERE i.id = ?",
                    List.of(scope.userId(), note, scope.userId(), id));
            Map<Long, List<Long>> marked = notifications.acknowledgeIncident(c, scope.organizationId(), id);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("note", note);
            detail.put("wasAcknowledged", !"open".equals(current.status()));
            alertLog.append(c, scope.organizationId(), id, current.residentId(), AlertLog.Kind.RESOLUTION,
                    scope.userId(), detail, null);
            return new Outcome(incidents.visible(c, scope, id).orElseThrow(), marked);
        });
        committed(scope, outcome, "resolved");
        return outcome.incident();
    }

    /** Reopens a resolved incident: open again, to be acknowledged again; the trail keeps what happened before. */
    public Incident reopen(CareScope scope, long id, String reason) {
        Outcome outcome = Transactions.inTransaction(dataSource, c -> {
            Incident current = locked(c, scope, id);
            if (!"resolved".equals(current.status())) {
                throw new ApiException(409, "only a resolved incident can be reopened; this one is "
                        + current.status());
            }
            Sql.update(c, "UPDATE incidents SET status = 'open', acknowledged_by = NULL, acknowledged_at = NULL, "
                    + "response_time_ms = NULL, resolved_by = NULL, resolved_at = NULL, resolution_note = NULL, "
                    + "updated_at = now() WHERE id = ?", List.of(id));
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("reason", reason);
            detail.put("previousResolutionNote", current.resolutionNote());
            alertLog.append(c, scope.organizationId(), id, current.residentId(), AlertLog.Kind.REOPEN, scope.userId(),
                    detail, null);
            return new Outcome(incidents.visible(c, scope, id).orElseThrow(), Map.of());
        });
        committed(scope, outcome, "reopened");
        return outcome.incident();
    }

    /** The incident, visible to the caller, locked for this transaction; 404 otherwise. */
    private Incident locked(Connection c, CareScope scope, long id) throws SQLException {
        List<Object> params = new ArrayList<>();
        params.add(id);
        params.addAll(scope.params());
        if (Sql.one(c, "SELECT i.id FROM incidents i WHERE i.id = ? AND " + scope.residentRows("i") + " FOR UPDATE",
                params, rs -> rs.getLong(1)).isEmpty()) {
            throw new ApiException(404, "no such incident");
        }
        return incidents.visible(c, scope, id).orElseThrow();
    }

    private static ApiException conflict(Incident current) {
        if ("acknowledged".equals(current.status())) {
            return new ApiException(409, "already acknowledged by " + current.acknowledgedByName() + " at "
                    + current.acknowledgedAt());
        }
        if ("resolved".equals(current.status())) {
            return new ApiException(409, "already resolved by " + current.resolvedByName() + " at "
                    + current.resolvedAt());
        }
        return new ApiException(409, "the incident is " + current.status());
    }

    private void committed(CareScope scope, Outcome outcome, String change) {
        Incident i = outcome.incident();
        notifications.acknowledgedCommitted(scope.organizationId(), outcome.acknowledgedNotifications());
        events.incidentChanged(new CareEvents.IncidentChanged(i.id(), i.organizationId(), i.facilityId(),
                i.residentId(), i.severity(), i.status(), change, scope.userId(), Instant.now().toString()));
    }
}
