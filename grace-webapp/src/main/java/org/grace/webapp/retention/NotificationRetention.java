package org.grace.webapp.retention;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.core.InstanceId;
import org.grace.core.jobs.JobContext;
import org.grace.core.jobs.Jobs;
import org.grace.core.jobs.Schedule;
import org.grace.settings.InvalidSettingException;
import org.grace.webapp.settings.GraceSettings;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.library.JobTypes;

/**
 * Deletes read notifications older than {@code GRACE_RETENTION_READ_NOTIFICATIONS} (30 days), once a day across the
 * cluster. Unread notifications are kept whatever their age (someone still has to see them); incidents, the alert
 * log and reminder occurrences are never touched by it: the alert log refuses deletes by itself (V3's triggers).
 *
 * <p>Once per day, whatever the number of instances: the library's recurring job enqueues each occurrence once
 * (idempotency key {@code schedule:<name>:<due ms>}), and the handler records the occurrence in
 * {@code retention_runs} in the same transaction as the delete, so a second run of the same occurrence (an instance
 * died before marking the job complete) finds the row and deletes nothing.
 */
@ApplicationScoped
public class NotificationRetention implements JobTypes {
    private static final Logger LOG = Logger.getLogger(NotificationRetention.class.getName());
    public static final String JOB = "retention-read-notifications";
    /** The issue: read notifications are kept 30 days. */
    public static final Duration DEFAULT_READ_NOTIFICATIONS = Duration.ofDays(30);
    /** 03:15 UTC: the quiet hours of European care homes, away from the hourly token purge on the hour. */
    public static final String DEFAULT_SCHEDULE = "15 3 * * *";

    @Inject
    GraceSettings settings;
    @Inject
    DataSource dataSource;
    @Inject
    InstanceId instanceId;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        GraceSettings.readAtStart(() -> {
            keep();
            schedule();
        });
    }

    /** How long a read notification is kept. */
    public Duration keep() {
        String raw = settings.string("grace.retention.read-notifications", "").trim();
        if (raw.isEmpty()) {
            return DEFAULT_READ_NOTIFICATIONS;
        }
        if (raw.matches("\\d+d")) {
            return Duration.ofDays(Long.parseLong(raw.substring(0, raw.length() - 1)));
        }
        return settings.duration("grace.retention.read-notifications", "GRACE_RETENTION_READ_NOTIFICATIONS",
                DEFAULT_READ_NOTIFICATIONS);
    }

    /** When the retention runs: a cron expression in UTC (5 fields, or 6 with seconds first). */
    public Schedule schedule() {
        String raw = settings.string("grace.retention.schedule", DEFAULT_SCHEDULE).trim();
        try {
            return Schedule.cron(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("GRACE_RETENTION_SCHEDULE " + e.getMessage());
        }
    }

    @Override
    public void registerOn(Jobs.Builder jobs) {
        jobs.handler(JOB, Map.class, (payload, ctx) -> run(ctx))
                .recurring(JOB, schedule(), JOB, Map.of());
    }

    void run(JobContext ctx) {
        String occurrence = ctx.idempotencyKey() != null ? ctx.idempotencyKey() : "job:" + ctx.jobId();
        Duration keep = keep();
        Integer deleted = Transactions.inTransaction(dataSource, c -> {
            Timestamp cutoff;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO retention_runs (occurrence, job, instance, "
                    + "deleted, cutoff) VALUES (?, ?, ?, 0, now() - ?::interval) ON CONFLICT (occurrence) DO NOTHING "
                    + "RETURNING cutoff")) {
                ps.setString(1, occurrence);
                ps.setString(2, JOB);
                ps.setString(3, instanceId + " job " + ctx.jobId() + " attempt " + ctx.attempt());
                ps.setString(4, keep.toSeconds() + " seconds");
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null; // this occurrence ran already
                    }
                    cutoff = rs.getTimestamp(1);
                }
            }
            int n;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM notifications WHERE read_at IS NOT NULL "
                    + "AND created_at < ?")) {
                ps.setTimestamp(1, cutoff);
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE retention_runs SET deleted = ? WHERE occurrence = ?")) {
                ps.setInt(1, n);
                ps.setString(2, occurrence);
                ps.executeUpdate();
            }
            return n;
        });
        if (deleted != null) {
            // One line a day in production; at FINE when there was nothing to delete (tests run it every few seconds).
            LOG.log(deleted > 0 ? Level.INFO : Level.FINE, () -> "grace: retention deleted " + deleted
                    + " read notifications older than " + keep + " (" + occurrence + ")");
        }
    }

}
