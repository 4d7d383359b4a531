package org.grace.core.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.grace.core.postgres.Transactions;

/**
 * The SQL of recurring jobs: the {@code grace_job_schedules} rows and the firing of due occurrences, which enqueues
 * through {@link JobStore}. Like the job rows, due times are compared with PostgreSQL's {@code now()}, so instances
 * with skewed clocks agree on what is due.
 */
final class ScheduleStore {
    private final JobStore jobs;

    ScheduleStore(JobStore jobs) {
        this.jobs = jobs;
    }

    Instant databaseNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            return JobStore.instant(rs, 1);
        }
    }

    /**
     * Creates the schedule row, or updates its job; keeps the next occurrence unless the schedule itself changed
     * (so restarts of many instances do not move a daily job).
     */
    void upsertSchedule(Connection c, String name, String schedule, String type, String queue, String payloadJson,
                        int priority, int maxAttempts, Instant firstRunAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO grace_job_schedules AS s
                       (name, schedule, type, queue, payload, priority, max_attempts, next_run_at)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE
                   SET type = EXCLUDED.type, queue = EXCLUDED.queue, payload = EXCLUDED.payload,
                       priority = EXCLUDED.priority, max_attempts = EXCLUDED.max_attempts,
                       next_run_at = CASE WHEN s.schedule = EXCLUDED.schedule THEN s.next_run_at
                                          ELSE EXCLUDED.next_run_at END,
                       schedule = EXCLUDED.schedule, updated_at = now()
                 WHERE (s.schedule, s.type, s.queue, s.payload, s.priority, s.max_attempts)
                       IS DISTINCT FROM (EXCLUDED.schedule, EXCLUDED.type, EXCLUDED.queue, EXCLUDED.payload,
                                         EXCLUDED.priority, EXCLUDED.max_attempts)""")) {
            ps.setString(1, name);
            ps.setString(2, schedule);
            ps.setString(3, type);
            ps.setString(4, queue);
            ps.setString(5, payloadJson);
            ps.setInt(6, priority);
            ps.setInt(7, maxAttempts);
            ps.setObject(8, OffsetDateTime.ofInstant(firstRunAt, ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    record DueSchedule(String name, Schedule schedule, String type, String queue, String payloadJson, int priority,
                       int maxAttempts, Instant dueAt, Instant now) {
    }

    /**
     * Fires every due schedule once: in one transaction, locks the due rows other instances are not already
     * firing, inserts each occurrence's job (idempotency key {@code schedule:<name>:<due epoch ms>}, a second
     * guard against a double fire) and moves {@code next_run_at} past now. Missed occurrences (all instances down)
     * fire once, not once each. Returns the number of jobs enqueued.
     */
    int fireDueSchedules() throws SQLException {
        try (Connection connection = jobs.connection()) {
            return Transactions.run(connection, c -> {
                List<DueSchedule> due = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT name, schedule, type, queue, payload::text, priority, max_attempts, next_run_at, now()
                          FROM grace_job_schedules WHERE next_run_at <= now()
                         ORDER BY next_run_at LIMIT 100 FOR UPDATE SKIP LOCKED""");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(new DueSchedule(rs.getString(1), Schedule.parse(rs.getString(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getInt(6), rs.getInt(7), JobStore.instant(rs, 8),
                                JobStore.instant(rs, 9)));
                    }
                }
                int fired = 0;
                for (DueSchedule d : due) {
                    jobs.insert(c, d.queue(), d.type(), d.payloadJson(), d.priority(), d.dueAt(), 0, d.maxAttempts(),
                            "schedule:" + d.name() + ":" + d.dueAt().toEpochMilli());
                    Instant next = d.schedule().next(d.dueAt());
                    if (!next.isAfter(d.now())) {
                        next = d.schedule().next(d.now());
                    }
                    try (PreparedStatement ps = c.prepareStatement("""
                            UPDATE grace_job_schedules SET next_run_at = ?, last_run_at = ?, updated_at = now()
                             WHERE name = ?""")) {
                        ps.setObject(1, OffsetDateTime.ofInstant(next, ZoneOffset.UTC));
                        ps.setObject(2, OffsetDateTime.ofInstant(d.dueAt(), ZoneOffset.UTC));
                        ps.setString(3, d.name());
                        ps.executeUpdate();
                    }
                    fired++;
                }
                return fired;
            });
        }
    }
}
