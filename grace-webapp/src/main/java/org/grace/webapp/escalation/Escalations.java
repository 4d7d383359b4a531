package org.grace.webapp.escalation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.grace.core.jobs.JobContext;
import org.grace.core.jobs.JobOptions;
import org.grace.core.jobs.Jobs;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.delivery.OutOfAppDelivery;
import org.grace.webapp.incidents.IncidentFollowUp;
import org.grace.webapp.incidents.IncidentRecipients;
import org.grace.webapp.incidents.IncidentVocabulary;
import org.grace.webapp.library.JobTypes;
import org.grace.webapp.notifications.AlertLog;
import org.grace.webapp.notifications.NewNotification;
import org.grace.webapp.notifications.Notification;
import org.grace.webapp.notifications.NotificationWriter;

/**
 * The escalation policy, and what follows a new incident outside the app.
 *
 * <p><b>Policy.</b> A {@code high} or {@code critical} incident still {@code open} (not acknowledged, not resolved)
 * {@link EscalationSettings#after()} after its detection escalates: step 1 tells the facility's directors, step 2 the
 * organisation's admins, every later step both again, {@link EscalationSettings#interval()} apart, up to
 * {@link EscalationSettings#maxSteps()} steps. A level with nobody in it passes to the next one, so a facility
 * without a director still escalates. Each step writes one notification per recipient, one {@code escalation} row
 * in the alert log and queues an e-mail to each recipient who has not switched e-mail off.
 *
 * <p><b>Exactly once per step, on any number of instances.</b> Each step is one job of the library, scheduled at an
 * absolute time in PostgreSQL (so the instance that scheduled it may be killed: any instance runs it), with the
 * idempotency key {@code escalation:<incident>:<step>}. The handler locks the incident row, and writes only while the
 * incident is open and only when the alert log accepts the step's row (its dedupe key is unique); the
 * notifications, the e-mails and the next step's job are written in that same transaction. A second run of the
 * same step (an instance died after the commit but before the job was marked done) therefore writes nothing, and an
 * acknowledgement, which updates the same row, either comes first (no step then, and none after) or waits for
 * the step's commit.
 */
@ApplicationScoped
public class Escalations implements JobTypes, IncidentFollowUp {
    /** Job type: one escalation step of one incident. */
    public static final String ESCALATE = "escalate-incident";

    /** The job's payload. */
    public record Step(long incidentId, int step) {
    }

    private record OpenIncident(long organizationId, long facilityId, long residentId, String severity, String status,
                                Instant detectedAt, String summary, String resident) {
    }

    @Inject
    DataSource dataSource;
    @Inject
    Jobs jobs;
    @Inject
    EscalationSettings settings;
    @Inject
    OutOfAppDelivery delivery;
    @Inject
    NotificationWriter notificationWriter;
    @Inject
    AlertLog alertLog;

    @Override
    public void registerOn(Jobs.Builder builder) {
        builder.handler(ESCALATE, Step.class, this::escalate);
    }

    /**
     * Called by whoever records an incident ({@code IncidentAlerts}, through {@link IncidentFollowUp}), on its
     * connection and inside its transaction: for {@code high} and {@code critical} it schedules escalation step 1 at
     * detection + {@code GRACE_ESCALATION_AFTER}; for {@code critical} it also queues the alert's e-mail to each
     * recipient of the alert ({@link IncidentRecipients#ofAlert}). Both exist only if that transaction commits.
     * Nothing for {@code low} and {@code medium}; calling it twice for the same incident queues nothing more.
     */
    @Override
    public void incidentRecorded(Connection c, long incidentId) throws SQLException {
        Optional<OpenIncident> found = load(c, incidentId, false);
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no incident " + incidentId + " on this transaction");
        }
        OpenIncident incident = found.get();
        if (!IncidentVocabulary.atLeast(incident.severity(), "high")) {
            return;
        }
        scheduleStep(c, incidentId, 1, incident.detectedAt());
        if ("critical".equals(incident.severity())) {
            List<Long> recipients = IncidentRecipients.ofAlert(c, incident.organizationId(), incident.facilityId(),
                    incident.severity());
            delivery.enqueue(c, incident.organizationId(), recipients,
                    "Critical: " + incident.resident() + " needs help now",
                    body(incident, incidentId, "A critical incident was detected.", null),
                    "incident:" + incidentId + ":alert");
        }
    }

    private void scheduleStep(Connection c, long incidentId, int step, Instant detectedAt) throws SQLException {
        Duration due = settings.after().plus(settings.interval().multipliedBy(step - 1L));
        jobs.enqueue(c, ESCALATE, new Step(incidentId, step), JobOptions.builder()
                .runAt(detectedAt.plus(due))
                .idempotencyKey("escalation:" + incidentId + ":" + step)
                .build());
    }

    void escalate(Step step, JobContext ctx) {
        List<Notification> written = Transactions.inTransaction(dataSource, c -> {
            Optional<OpenIncident> found = load(c, step.incidentId(), true);
            if (found.isEmpty() || !"open".equals(found.get().status())) {
                return List.<Notification>of(); // acknowledged or resolved in time: the policy ends here
            }
            OpenIncident incident = found.get();
            List<Long> recipients = recipients(c, incident, step.step());
            String key = "incident:" + step.incidentId() + ":escalation:" + step.step();
            long minutes = Math.max(0, Duration.between(incident.detectedAt(), Instant.now()).toMinutes());
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("step", step.step());
            detail.put("recipients", recipients);
            detail.put("severity", incident.severity());
            detail.put("unacknowledgedMinutes", minutes);
            if (alertLog.append(c, incident.organizationId(), step.incidentId(), incident.residentId(),
                    AlertLog.Kind.ESCALATION, null, detail, key).isEmpty()) {
                return List.<Notification>of(); // this step was taken already (a repeated run of its job)
            }
            if (step.step() < settings.maxSteps()) {
                scheduleStep(c, step.incidentId(), step.step() + 1, incident.detectedAt());
            }
            String title = clip("Escalation " + step.step() + ": " + incident.severity() + " incident for "
                    + incident.resident() + " unacknowledged", 200);
            String message = clip("Not acknowledged " + minutes + " min after detection. " + incident.summary(), 2000);
            delivery.enqueue(c, incident.organizationId(), recipients, title,
                    body(incident, step.incidentId(), "Nobody has acknowledged this incident yet (escalation step "
                            + step.step() + ").", minutes), key);
            List<NewNotification> batch = new ArrayList<>();
            for (long userId : recipients) {
                batch.add(new NewNotification(incident.organizationId(), userId, NewNotification.ESCALATION, title,
                        message, "urgent", step.incidentId(), "/incidents/" + step.incidentId(), key));
            }
            return notificationWriter.write(c, batch); // last: NotificationWriter's lock is held to the commit
        });
        notificationWriter.committed(written);
    }

    /** Step 1 the facility's directors, step 2 the organisation's admins, later steps both; empty levels pass on. */
    private static List<Long> recipients(Connection c, OpenIncident i, int step) throws SQLException {
        Set<Long> out = new LinkedHashSet<>();
        if (step == 1 || step >= 3) {
            out.addAll(IncidentRecipients.withRoles(c, i.organizationId(), i.facilityId(),
                    Set.of(Roles.FACILITY_DIRECTOR), Set.of()));
        }
        if (step >= 2 || out.isEmpty()) {
            out.addAll(IncidentRecipients.withRoles(c, i.organizationId(), i.facilityId(), Set.of(),
                    Set.of(Roles.ORGANIZATION_ADMIN)));
        }
        return List.copyOf(out);
    }

    private static Optional<OpenIncident> load(Connection c, long incidentId, boolean lock) throws SQLException {
        return Sql.one(c, "SELECT i.organization_id, i.facility_id, i.resident_id, i.severity, i.status, "
                        + "i.detected_at, i.summary, coalesce(r.preferred_name, r.full_name) "
                        + "|| coalesce(' (room ' || r.room || ')', '') FROM incidents i "
                        + "JOIN residents r ON r.id = i.resident_id WHERE i.id = ?" + (lock ? " FOR UPDATE OF i" : ""),
                List.of(incidentId), rs -> new OpenIncident(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                        rs.getString(4), rs.getString(5), Sql.instant(rs, "detected_at"), rs.getString(7),
                        rs.getString(8)));
    }

    private static String body(OpenIncident i, long incidentId, String lead, Long minutes) {
        return lead + "\n\nResident: " + i.resident() + "\nSeverity: " + i.severity() + "\nDetected: "
                + i.detectedAt() + (minutes == null ? "" : " (" + minutes + " min ago)") + "\n\n" + i.summary()
                + "\n\nOpen Grace to acknowledge it: /incidents/" + incidentId + "\n";
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
