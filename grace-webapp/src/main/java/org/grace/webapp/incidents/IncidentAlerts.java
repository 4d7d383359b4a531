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
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.notifications.AlertLog;
import org.grace.webapp.notifications.CareEvents;
import org.grace.webapp.notifications.NewNotification;
import org.grace.webapp.notifications.Notification;
import org.grace.webapp.notifications.NotificationWriter;

/**
 * Records an incident and sends its alert in one transaction: the incident row, one notification per recipient
 * ({@link IncidentRecipients}) and one {@code alert_sent} row in the alert log commit together or not at all. After
 * the commit every instance is told ({@link CareEvents}).
 *
 * <p><b>Exactly once per interaction.</b> {@code incidents.interaction_id} is unique, and the incident is inserted
 * with {@code ON CONFLICT DO NOTHING} before anything else: a second run of the detection job (a retry after a
 * crash, a lease lost and the job run again elsewhere, or two at once) inserts nothing, and because the
 * notifications and the log row are written only when this transaction inserted the incident, they are never sent
 * twice. Notifications and the log row carry dedupe keys as well, for writers other than this one.
 */
@ApplicationScoped
public class IncidentAlerts {
    private static final Logger LOG = Logger.getLogger(IncidentAlerts.class.getName());

    @Inject
    DataSource dataSource;
    @Inject
    jakarta.enterprise.inject.Instance<IncidentFollowUp> followUps;
    @Inject
    NotificationWriter notificationWriter;
    @Inject
    AlertLog alertLog;
    @Inject
    CareEvents events;

    /** What one recording wrote. */
    public record Recorded(long incidentId, long organizationId, long facilityId, long residentId, String severity,
                           List<Notification> notifications) {
    }

    private record Place(long organizationId, long facilityId, long residentId) {
    }

    /**
     * The detection job's outcome for an interaction with an incident. Empty when the interaction already has its
     * incident (this is a repeated run) or does not exist.
     */
    public Optional<Recorded> recordDetected(long interactionId, Finding finding) {
        Optional<Recorded> recorded = Transactions.inTransaction(dataSource, c -> {
            Optional<Place> place = Sql.one(c, "SELECT organization_id, facility_id, resident_id FROM interactions "
                    + "WHERE id = ?", List.of(interactionId), rs -> new Place(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
            if (place.isEmpty()) {
                LOG.warning("grace: detection for interaction " + interactionId + " found no such interaction");
                return Optional.<Recorded>empty();
            }
            Place p = place.get();
            Sql.update(c, "UPDATE interactions SET detected_at = coalesce(detected_at, now()) WHERE id = ?",
                    List.of(interactionId));
            Optional<Long> incidentId = insert(c, p, interactionId, "detected", finding, null);
            if (incidentId.isEmpty()) {
                return Optional.<Recorded>empty();
            }
            return Optional.of(alert(c, p, followedUp(c, incidentId.get()), finding));
        });
        recorded.ifPresent(r -> committed(r, "detected", null));
        return recorded;
    }

    /** The detection job's outcome for an interaction without an incident: it has been looked at. */
    public void recordNothingDetected(long interactionId) {
        Transactions.inTransaction(dataSource, c -> Sql.update(c,
                "UPDATE interactions SET detected_at = coalesce(detected_at, now()) WHERE id = ?", List.of(interactionId)));
    }

    /** An incident reported by hand by {@code reporterUserId} for a resident the caller has been checked to see. */
    public Recorded recordReported(long organizationId, long facilityId, long residentId, long reporterUserId,
                                   Finding finding) {
        Place p = new Place(organizationId, facilityId, residentId);
        Recorded recorded = Transactions.inTransaction(dataSource, c -> {
            long incidentId = insert(c, p, null, "reported", finding, reporterUserId).orElseThrow();
            alertLog.append(c, organizationId, incidentId, residentId, AlertLog.Kind.INCIDENT_REPORTED, reporterUserId,
                    Map.of("severity", finding.severity(), "categories", finding.categories()),
                    "incident:" + incidentId + ":reported");
            return alert(c, p, followedUp(c, incidentId), finding);
        });
        committed(recorded, "reported", reporterUserId);
        return recorded;
    }

    private static Optional<Long> insert(Connection c, Place p, Long interactionId, String source, Finding f,
                                         Long reportedBy) throws SQLException {
        return Sql.one(c, "INSERT INTO incidents (organization_id, facility_id, resident_id, interaction_id, source, "
                        + "categories, matched_phrases, severity, confidence, summary, suggested_actions, rules_version, "
                        + "reported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (interaction_id) DO NOTHING RETURNING id",
                Sql.params(p.organizationId(), p.facilityId(), p.residentId(), interactionId, source, f.categories(),
                        f.matchedPhrases(), f.severity(), Math.round(f.confidence() * 1000) / 1000.0, f.summary(),
                        f.suggestedActions(), f.rulesVersion(), reportedBy),
                rs -> rs.getLong(1));
    }

    /**
     * Escalation and out-of-app delivery ({@link IncidentFollowUp}) on the incident's transaction, before its
     * notifications, which come last (NotificationWriter's lock is held from the first one to the commit).
     */
    private long followedUp(Connection c, long incidentId) throws SQLException {
        for (IncidentFollowUp followUp : followUps) {
            followUp.incidentRecorded(c, incidentId);
        }
        return incidentId;
    }

    /** The alert of a new incident, on its transaction; notifications last (see NotificationWriter's lock). */

    private Recorded alert(Connection c, Place p, long incidentId, Finding f) throws SQLException {
        List<Long> recipients = IncidentRecipients.ofAlert(c, p.organizationId(), p.facilityId(), f.severity());
        if (recipients.isEmpty()) {
            return new Recorded(incidentId, p.organizationId(), p.facilityId(), p.residentId(), f.severity(), List.of());
        }
        String who = Sql.one(c, "SELECT coalesce(preferred_name, full_name) || coalesce(' (room ' || room || ')', '') "
                + "FROM residents WHERE id = ?", List.of(p.residentId()), rs -> rs.getString(1)).orElse("a resident");
        String title = capitalised(f.severity()) + ": " + String.join(", ", f.categories()).replace('_', ' ')
                + " - " + who;
        if (title.length() > 200) {
            title = title.substring(0, 197) + "...";
        }
        String message = f.summary().length() > 2000 ? f.summary().substring(0, 2000) : f.summary();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("severity", f.severity());
        detail.put("recipients", recipients);
        alertLog.append(c, p.organizationId(), incidentId, p.residentId(), AlertLog.Kind.ALERT_SENT, null, detail,
                "incident:" + incidentId + ":alert");
        List<NewNotification> batch = new ArrayList<>(recipients.size());
        for (long userId : recipients) {
            batch.add(new NewNotification(p.organizationId(), userId, NewNotification.INCIDENT_ALERT, title, message,
                    IncidentVocabulary.priority(f.severity()), incidentId, "/incidents/" + incidentId,
                    "incident:" + incidentId + ":alert"));
        }
        List<Notification> written = notificationWriter.write(c, batch);
        return new Recorded(incidentId, p.organizationId(), p.facilityId(), p.residentId(), f.severity(), written);
    }

    private void committed(Recorded r, String change, Long actor) {
        notificationWriter.committed(r.notifications());
        events.incidentChanged(new CareEvents.IncidentChanged(r.incidentId(), r.organizationId(), r.facilityId(),
                r.residentId(), r.severity(), "open", change, actor, Instant.now().toString()));
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
