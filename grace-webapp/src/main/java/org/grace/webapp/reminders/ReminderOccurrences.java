package org.grace.webapp.reminders;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.grace.core.InstanceId;
import org.grace.core.jobs.JobContext;
import org.grace.core.jobs.JobOptions;
import org.grace.core.jobs.Jobs;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.incidents.IncidentRecipients;
import org.grace.webapp.library.JobTypes;
import org.grace.webapp.notifications.AlertLog;
import org.grace.webapp.notifications.NewNotification;
import org.grace.webapp.notifications.Notification;
import org.grace.webapp.notifications.NotificationWriter;

/**
 * Delivers each due occurrence of a reminder once, and alerts the care manager once when it is not done in time.
 *
 * <p><b>A chain of jobs, no timers.</b> Each reminder has at most one queued {@value #DUE} job: for its next
 * occurrence, at that instant, with the idempotency key {@code reminder:<id>:v<version>:<due ms>}. The job that
 * delivers an occurrence queues the next one in the same transaction, so the chain survives any instance dying, and
 * an edit (new version) starts a new chain while the old one's job finds itself stale. When the whole cluster was
 * down, the chain resumes with the next occurrence after now: an occurrence missed by hours is not delivered late.
 *
 * <p><b>Exactly one delivery per occurrence.</b> {@code reminder_occurrences} is unique on (reminder, due time); the
 * notifications and the follow-up jobs are written only by the transaction whose insert of that row succeeded. Two
 * runs of the same job, on one instance or three, deliver once.
 *
 * <p><b>Missed.</b> Delivery also queues a {@value #MISSED} job at due + grace period. It alerts only if it is the one
 * that sets {@code missed_alert_at} on a row whose {@code done_at} is still empty: once, and never for an occurrence
 * marked done in time. The alert is {@code medium} for medication and appointments, {@code low} otherwise: a
 * notification to the facility's care managers (its directors when it has none) and a {@code reminder_missed} row in
 * the alert log.
 */
@ApplicationScoped
public class ReminderOccurrences implements JobTypes {
    public static final String DUE = "reminder-due";
    public static final String MISSED = "reminder-missed";
    static final String COLUMNS = "id, reminder_id, due_at, delivered_at, recipients, done_at, done_by, "
            + "missed_alert_at";

    /** Payload of {@value #DUE}: the reminder, the version the occurrence was computed for, and its instant. */
    public record Due(long reminderId, int version, long dueEpochMilli) {
    }

    /** Payload of {@value #MISSED}. */
    public record Missed(long occurrenceId) {
    }

    private record Context(Reminders.Stored reminder, long organizationId, long facilityId, String residentStatus,
                           String zone, String residentName) {
    }

    @Inject
    DataSource dataSource;
    @Inject
    Jobs jobs;
    @Inject
    ReminderSettings settings;
    @Inject
    NotificationWriter notificationWriter;
    @Inject
    AlertLog alertLog;
    @Inject
    InstanceId instanceId;

    @Override
    public void registerOn(Jobs.Builder builder) {
        builder.handler(DUE, Due.class, this::deliver).handler(MISSED, Missed.class, this::missed);
    }

    /** Queues the occurrence at {@code due} of version {@code version}, on the caller's transaction. */
    void schedule(Connection c, long reminderId, int version, Instant due) throws SQLException {
        jobs.enqueue(c, DUE, new Due(reminderId, version, due.toEpochMilli()), JobOptions.builder().runAt(due)
                .idempotencyKey("reminder:" + reminderId + ":v" + version + ":" + due.toEpochMilli()).build());
    }

    void deliver(Due due, JobContext ctx) {
        List<Notification> written = Transactions.inTransaction(dataSource, c -> {
            Optional<Context> found = context(c, due.reminderId());
            if (found.isEmpty()) {
                return List.<Notification>of(); // deleted: the chain ends
            }
            Context x = found.get();
            Reminders.Stored r = x.reminder();
            if (r.version() != due.version() || !r.active() || !"active".equals(x.residentStatus())) {
                return List.<Notification>of(); // edited (a newer chain runs), paused, or the resident left
            }
            Instant dueAt = Instant.ofEpochMilli(due.dueEpochMilli());
            List<Long> recipients = recipients(c, x);
            Optional<Long> occurrence = Sql.one(c, "INSERT INTO reminder_occurrences (organization_id, reminder_id, "
                            + "due_at, delivered_by, recipients) VALUES (?, ?, ?, ?, ?) "
                            + "ON CONFLICT (reminder_id, due_at) DO NOTHING RETURNING id",
                    List.of(x.organizationId(), r.id(), dueAt, instanceId.toString(), recipients.size()),
                    rs -> rs.getLong(1));
            if (occurrence.isEmpty()) {
                return List.<Notification>of(); // delivered already by an earlier run; that run queued the next
            }
            long occurrenceId = occurrence.get();
            Instant from = dueAt.isAfter(Instant.now()) ? dueAt : Instant.now();
            schedule(c, r.id(), r.version(), r.parsedSchedule().next(from, ZoneId.of(x.zone())));
            jobs.enqueue(c, MISSED, new Missed(occurrenceId), JobOptions.builder()
                    .runAt(dueAt.plus(settings.gracePeriod())).idempotencyKey("reminder-missed:" + occurrenceId)
                    .build());
            String title = clip(label(r.kind()) + " for " + x.residentName(), 200);
            List<NewNotification> batch = new ArrayList<>();
            for (long userId : recipients) {
                batch.add(new NewNotification(x.organizationId(), userId, NewNotification.REMINDER, title,
                        clip(r.text(), 2000), "normal", null, link(r), "reminder-occurrence:" + occurrenceId));
            }
            return notificationWriter.write(c, batch);
        });
        notificationWriter.committed(written);
    }

    void missed(Missed missed, JobContext ctx) {
        List<Notification> written = Transactions.inTransaction(dataSource, c -> {
            Optional<Long> reminderId = Sql.one(c, "UPDATE reminder_occurrences SET missed_alert_at = now() "
                            + "WHERE id = ? AND done_at IS NULL AND missed_alert_at IS NULL RETURNING reminder_id",
                    List.of(missed.occurrenceId()), rs -> rs.getLong(1));
            if (reminderId.isEmpty()) {
                return List.<Notification>of(); // done in time, or alerted already
            }
            Optional<Context> found = context(c, reminderId.get());
            if (found.isEmpty()) {
                return List.<Notification>of();
            }
            Context x = found.get();
            Reminders.Stored r = x.reminder();
            Instant dueAt = Sql.one(c, "SELECT due_at FROM reminder_occurrences WHERE id = ?",
                    List.of(missed.occurrenceId()), rs -> Sql.instant(rs, "due_at")).orElseThrow();
            String severity = Set.of("medication", "appointment").contains(r.kind()) ? "medium" : "low";
            List<Long> managers = IncidentRecipients.withRoles(c, x.organizationId(), x.facilityId(),
                    Set.of(Roles.CARE_MANAGER), Set.of());
            if (managers.isEmpty()) {
                managers = IncidentRecipients.withRoles(c, x.organizationId(), x.facilityId(),
                        Set.of(Roles.FACILITY_DIRECTOR), Set.of());
            }
            String key = "reminder-missed:" + missed.occurrenceId();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("reminderId", r.id());
            detail.put("occurrenceId", missed.occurrenceId());
            detail.put("kind", r.kind());
            detail.put("dueAt", dueAt.toString());
            detail.put("severity", severity);
            detail.put("recipients", managers);
            if (alertLog.append(c, x.organizationId(), null, r.residentId(), AlertLog.Kind.REMINDER_MISSED, null,
                    detail, key).isEmpty()) {
                return List.<Notification>of();
            }
            String title = clip("Not done: " + label(r.kind()).toLowerCase() + " for " + x.residentName(), 200);
            String message = clip(r.text() + " (due " + dueAt + ", not marked done within "
                    + settings.gracePeriod().toMinutes() + " min)", 2000);
            List<NewNotification> batch = new ArrayList<>();
            for (long userId : managers) {
                batch.add(new NewNotification(x.organizationId(), userId, NewNotification.REMINDER, title, message,
                        "medium".equals(severity) ? "normal" : "low", null, link(r), key));
            }
            return notificationWriter.write(c, batch);
        });
        notificationWriter.committed(written);
    }

    /** The assigned users still on the staff of the organisation, and the facility's members of the assigned role. */
    private static List<Long> recipients(Connection c, Context x) throws SQLException {
        Set<Long> out = new LinkedHashSet<>();
        Reminders.Stored r = x.reminder();
        if (!r.assignedUserIds().isEmpty()) {
            out.addAll(Sql.list(c, "SELECT id FROM users WHERE id = ANY (?) AND organization_id = ? "
                            + "AND role <> 'family' ORDER BY id",
                    List.of(c.createArrayOf("bigint", r.assignedUserIds().toArray()), x.organizationId()),
                    rs -> rs.getLong(1)));
        }
        if (r.assignedRole() != null) {
            out.addAll(IncidentRecipients.withRoles(c, x.organizationId(), x.facilityId(), Set.of(r.assignedRole()),
                    Set.of()));
        }
        return List.copyOf(out);
    }

    /** The reminder, locked (an edit waits for the delivery, or the delivery sees the edit), with its resident. */
    private static Optional<Context> context(Connection c, long reminderId) throws SQLException {
        Optional<Reminders.Stored> stored = Reminders.load(c, reminderId, true);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        return Sql.one(c, "SELECT r.organization_id, r.facility_id, r.status, f.time_zone, "
                        + "coalesce(r.preferred_name, r.full_name) || coalesce(' (room ' || r.room || ')', '') "
                        + "FROM residents r JOIN facilities f ON f.id = r.facility_id WHERE r.id = ?",
                List.of(stored.get().residentId()), rs -> new Context(stored.get(), rs.getLong(1), rs.getLong(2),
                        rs.getString(3), rs.getString(4), rs.getString(5)));
    }

    static ReminderOccurrence read(ResultSet rs) throws SQLException {
        return new ReminderOccurrence(rs.getLong("id"), rs.getLong("reminder_id"), text(rs, "due_at"),
                text(rs, "delivered_at"), rs.getInt("recipients"), text(rs, "done_at"),
                Sql.nullableLong(rs, "done_by"), text(rs, "missed_alert_at"));
    }

    private static String text(ResultSet rs, String column) throws SQLException {
        Instant i = Sql.instant(rs, column);
        return i == null ? null : i.toString();
    }

    private static String link(Reminders.Stored r) {
        return "/residents/" + r.residentId() + "/reminders/" + r.id();
    }

    private static String label(String kind) {
        return switch (kind) {
            case "medication" -> "Medication";
            case "meal" -> "Meal";
            case "hydration" -> "Drink";
            case "personal_care" -> "Personal care";
            default -> "Appointment";
        };
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
