package org.grace.core.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link JobsAdmin} as plain queries on the job tables. */
final class DefaultJobsAdmin implements JobsAdmin {
    private final JobStore store;

    DefaultJobsAdmin(JobStore store) {
        this.store = store;
    }

    @Override
    public List<StatusCount> counts() {
        return query("counting jobs", """
                SELECT queue, status, count(*) FROM grace_jobs GROUP BY queue, status ORDER BY queue, status""",
                ps -> { }, rs -> {
                    List<StatusCount> result = new ArrayList<>();
                    while (rs.next()) {
                        result.add(new StatusCount(rs.getString(1), JobStatus.fromColumn(rs.getString(2)), rs.getLong(3)));
                    }
                    return result;
                });
    }

    @Override
    public Optional<Duration> oldestPendingAge(String queue) {
        JobsConfig.requireName(queue, "queue");
        return query("measuring the oldest pending job", """
                SELECT (EXTRACT(EPOCH FROM (now() - min(run_at))) * 1000)::bigint FROM grace_jobs
                 WHERE status = 'pending' AND queue = ? AND run_at <= now()""",
                ps -> ps.setString(1, queue), rs -> {
                    rs.next();
                    long millis = rs.getLong(1);
                    return rs.wasNull() ? Optional.<Duration>empty() : Optional.of(Duration.ofMillis(millis));
                });
    }

    @Override
    public double throughputPerSecond(Duration window) {
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        long count = query("measuring throughput", """
                SELECT count(*) FROM grace_jobs
                 WHERE status = 'completed' AND finished_at > now() - ? * interval '1 millisecond'""",
                ps -> ps.setLong(1, window.toMillis()), rs -> {
                    rs.next();
                    return rs.getLong(1);
                });
        return count * 1000.0 / window.toMillis();
    }

    @Override
    public boolean retry(long jobId) {
        return query("retrying job " + jobId, """
                WITH r AS (
                    UPDATE grace_jobs SET status = 'pending', attempts = 0, run_at = now(), finished_at = NULL,
                                          lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                     WHERE id = ? AND status = 'failed'
                    RETURNING queue)
                SELECT pg_notify('grace_jobs', queue) FROM r""",
                ps -> ps.setLong(1, jobId), ResultSet::next);
    }

    @Override
    public boolean cancel(long jobId) {
        return query("cancelling job " + jobId, """
                UPDATE grace_jobs SET status = 'cancelled', finished_at = now(), updated_at = now()
                 WHERE id = ? AND status = 'pending' RETURNING id""",
                ps -> ps.setLong(1, jobId), ResultSet::next);
    }

    @Override
    public List<Failure> failures(int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be 1-10000, got " + limit);
        }
        return query("listing failures", """
                SELECT id, queue, type, attempts, last_error, finished_at, payload::text FROM grace_jobs
                 WHERE status = 'failed' ORDER BY finished_at DESC NULLS LAST, id DESC LIMIT ?""",
                ps -> ps.setInt(1, limit), rs -> {
                    List<Failure> result = new ArrayList<>();
                    while (rs.next()) {
                        result.add(new Failure(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                                rs.getString(5), JobStore.instant(rs, 6), rs.getString(7)));
                    }
                    return result;
                });
    }

    @Override
    public Optional<JobStatus> status(long jobId) {
        return query("reading job " + jobId, "SELECT status FROM grace_jobs WHERE id = ?",
                ps -> ps.setLong(1, jobId),
                rs -> rs.next() ? Optional.of(JobStatus.fromColumn(rs.getString(1))) : Optional.<JobStatus>empty());
    }

    @Override
    public boolean removeSchedule(String name) {
        JobsConfig.requireName(name, "schedule name");
        return query("removing schedule " + name, "DELETE FROM grace_job_schedules WHERE name = ? RETURNING name",
                ps -> ps.setString(1, name), ResultSet::next);
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String what, String sql, Binder binder, Reader<T> reader) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("grace jobs: failed " + what + ": " + e.getMessage(), e);
        }
    }
}
