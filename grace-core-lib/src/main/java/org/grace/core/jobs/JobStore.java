package org.grace.core.jobs;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Every SQL statement of the job system. Times that decide who runs what (run_at, lease expiry, retention) are
 * computed by PostgreSQL's {@code now()}, so instances with skewed clocks still agree.
 *
 * <p>A lease is identified by (id, lease owner, attempts): the claim increments attempts, so a worker whose lease
 * expired and whose job was claimed again, even by a later incarnation of the same instance id, cannot complete,
 * retry, fail or release it.
 */
final class JobStore {
    static final String CHANNEL = "grace_jobs";

    private static final String INSERT = """
            WITH inserted AS (
                INSERT INTO grace_jobs (queue, type, payload, priority, run_at, max_attempts, idempotency_key)
                VALUES (?, ?, ?::jsonb, ?, COALESCE(?, now() + ? * interval '1 millisecond'), ?, ?)
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING id, queue)
            SELECT id, pg_notify('grace_jobs', queue) FROM inserted""";

    /**
     * Many jobs in one statement: ids are drawn in the order of the array (ORDER BY ordinality), returned sorted,
     * so the i-th id is the i-th payload's. One notification per statement (the scalar subquery runs once).
     */
    private static final String INSERT_ALL = """
            WITH inserted AS (
                INSERT INTO grace_jobs (queue, type, payload, priority, run_at, max_attempts)
                SELECT ?, ?, p.payload::jsonb, ?, COALESCE(?, now() + ? * interval '1 millisecond'), ?
                  FROM unnest(?::text[]) WITH ORDINALITY AS p(payload, ord)
                 ORDER BY p.ord
                RETURNING id)
            SELECT id, (SELECT pg_notify('grace_jobs', ?)) FROM inserted ORDER BY id""";

    /** The claim proper: the next due pending jobs of a queue, locked without waiting, leased to this instance. */
    private static final String CLAIM_UPDATE = """
            UPDATE grace_jobs j
               SET status = 'running', lease_owner = ?, lease_expires_at = now() + ? * interval '1 millisecond',
                   attempts = j.attempts + 1, started_at = now(), updated_at = now()
             WHERE j.id = ANY (ARRAY(
                   SELECT id FROM grace_jobs
                    WHERE status = 'pending' AND queue = ? AND run_at <= now()
                    ORDER BY priority DESC, run_at, id
                    LIMIT ?
                    FOR UPDATE SKIP LOCKED))
               AND j.status = 'pending'
            RETURNING j.id, j.type, j.payload::text, j.attempts, j.max_attempts, j.run_at, j.idempotency_key,
                      j.priority""";

    /**
     * Completion of the leases still held and the next claim in one statement, so one round trip and one commit
     * per dispatcher round. The completing CTE runs exactly once whether or not the claim finds rows; the two
     * touch disjoint rows (running ones and pending ones).
     */
    private static final String COMPLETE_THEN_CLAIM = """
            WITH done AS (
                UPDATE grace_jobs j
                   SET status = 'completed', finished_at = now(), updated_at = now(), lease_expires_at = NULL
                  FROM unnest(?::bigint[], ?::int[]) AS c(id, attempt)
                 WHERE j.id = c.id AND j.attempts = c.attempt AND j.lease_owner = ? AND j.status = 'running'
                RETURNING j.id)
            """ + CLAIM_UPDATE;

    private static final String DELETE_THEN_CLAIM = """
            WITH done AS (
                DELETE FROM grace_jobs j
                 USING unnest(?::bigint[], ?::int[]) AS c(id, attempt)
                 WHERE j.id = c.id AND j.attempts = c.attempt AND j.lease_owner = ? AND j.status = 'running'
                RETURNING j.id)
            """ + CLAIM_UPDATE;

    private static final String COMPLETE = """
            UPDATE grace_jobs j
               SET status = 'completed', finished_at = now(), updated_at = now(), lease_expires_at = NULL
              FROM unnest(?::bigint[], ?::int[]) AS c(id, attempt)
             WHERE j.id = c.id AND j.attempts = c.attempt AND j.lease_owner = ? AND j.status = 'running'""";

    private static final String COMPLETE_AND_DELETE = """
            DELETE FROM grace_jobs j
             USING unnest(?::bigint[], ?::int[]) AS c(id, attempt)
             WHERE j.id = c.id AND j.attempts = c.attempt AND j.lease_owner = ? AND j.status = 'running'""";

    private final DataSource dataSource;
    private final String owner;
    private final long leaseMillis;

    JobStore(DataSource dataSource, String owner, long leaseMillis) {
        this.dataSource = dataSource;
        this.owner = owner;
        this.leaseMillis = leaseMillis;
    }

    Connection connection() throws SQLException {
        Connection c = dataSource.getConnection();
        if (!c.getAutoCommit()) {
            c.setAutoCommit(true);
        }
        return c;
    }

    record Claimed(long id, String type, String queue, String payloadJson, int attempt, int maxAttempts,
                   Instant runAt, String idempotencyKey, int priority) {
    }

    record Lease(long id, int attempt) {
    }

    /**
     * The four parameters both inserts take in a row from {@code first}: the priority, run_at (null: the statement's
     * own now() plus the delay), the delay in milliseconds, and the attempts allowed.
     */
    private static void setSchedule(PreparedStatement ps, int first, int priority, Instant runAt, long delayMillis,
                                    int maxAttempts) throws SQLException {
        ps.setInt(first, priority);
        if (runAt == null) {
            ps.setNull(first + 1, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(first + 1, OffsetDateTime.ofInstant(runAt, ZoneOffset.UTC));
        }
        ps.setLong(first + 2, delayMillis);
        ps.setInt(first + 3, maxAttempts);
    }

    /** Inserts (and notifies at commit); returns the id, or the existing job's id on an idempotency key clash. */
    long insert(Connection c, String queue, String type, String payloadJson, int priority, Instant runAt,
                long delayMillis, int maxAttempts, String idempotencyKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, queue);
            ps.setString(2, type);
            ps.setString(3, payloadJson);
            setSchedule(ps, 4, priority, runAt, delayMillis, maxAttempts);
            ps.setString(8, idempotencyKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM grace_jobs WHERE idempotency_key = ?")) {
            ps.setString(1, idempotencyKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        // The clashing row was deleted between the two statements (retention); the caller may simply enqueue again.
        throw new SQLException("job with idempotency key '" + idempotencyKey + "' vanished during enqueue", "40001");
    }

    /** Inserts every payload (no idempotency key) and notifies once at commit; returns the ids in payload order. */
    List<Long> insertAll(Connection c, String queue, String type, List<String> payloadJson, int priority,
                         Instant runAt, long delayMillis, int maxAttempts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_ALL)) {
            ps.setString(1, queue);
            ps.setString(2, type);
            setSchedule(ps, 3, priority, runAt, delayMillis, maxAttempts);
            ps.setArray(7, c.createArrayOf("text", payloadJson.toArray()));
            ps.setString(8, queue);
            List<Long> ids = new ArrayList<>(payloadJson.size());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        }
    }

    /**
     * Completes {@code leases} (as {@link #complete}) and claims up to {@code limit} due jobs of {@code queue}, in
     * one statement (one transaction): when it fails, neither happened.
     */
    List<Claimed> completeAndClaim(Connection c, List<Lease> leases, boolean delete, String queue, int limit)
            throws SQLException {
        boolean completing = !leases.isEmpty();
        try (PreparedStatement ps = c.prepareStatement(!completing ? CLAIM_UPDATE
                : delete ? DELETE_THEN_CLAIM : COMPLETE_THEN_CLAIM)) {
            int i = 1;
            if (completing) {
                Long[] ids = new Long[leases.size()];
                Integer[] attempts = new Integer[leases.size()];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = leases.get(k).id();
                    attempts[k] = leases.get(k).attempt();
                }
                ps.setArray(i++, c.createArrayOf("bigint", ids));
                ps.setArray(i++, c.createArrayOf("int4", attempts));
                ps.setString(i++, owner);
            }
            ps.setString(i++, owner);
            ps.setLong(i++, leaseMillis);
            ps.setString(i++, queue);
            ps.setInt(i, limit);
            List<Claimed> result = new ArrayList<>(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new Claimed(rs.getLong(1), rs.getString(2), queue, rs.getString(3), rs.getInt(4),
                            rs.getInt(5), instant(rs, 6), rs.getString(7), rs.getInt(8)));
                }
            }
            // RETURNING has no order: keep the claim's priority order for the local hand-out.
            result.sort((a, b) -> a.priority() != b.priority() ? Integer.compare(b.priority(), a.priority())
                    : a.runAt().compareTo(b.runAt()) != 0 ? a.runAt().compareTo(b.runAt()) : Long.compare(a.id(), b.id()));
            return result;
        }
    }

    /** Milliseconds until the earliest pending job of the queue is due (negative when overdue), or -1 if none. */
    long millisUntilNextDue(Connection c, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT (EXTRACT(EPOCH FROM (min(run_at) - now())) * 1000)::bigint
                  FROM grace_jobs WHERE status = 'pending' AND queue = ?""")) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? Long.MAX_VALUE : Math.max(v, 0);
            }
        }
    }

    /** Completes the leases still held; returns how many rows changed. */
    int complete(Connection c, List<Lease> leases, boolean delete) throws SQLException {
        Long[] ids = new Long[leases.size()];
        Integer[] attempts = new Integer[leases.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = leases.get(i).id();
            attempts[i] = leases.get(i).attempt();
        }
        try (PreparedStatement ps = c.prepareStatement(delete ? COMPLETE_AND_DELETE : COMPLETE)) {
            Array idArray = c.createArrayOf("bigint", ids);
            Array attemptArray = c.createArrayOf("int4", attempts);
            ps.setArray(1, idArray);
            ps.setArray(2, attemptArray);
            ps.setString(3, owner);
            return ps.executeUpdate();
        }
    }

    /** Back to pending after a failed attempt, due after {@code delayMillis}; false when the lease was lost. */
    boolean retryLater(Lease lease, String error, long delayMillis) throws SQLException {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("""
                WITH r AS (
                    UPDATE grace_jobs
                       SET status = 'pending', run_at = now() + ? * interval '1 millisecond', last_error = ?,
                           lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                     WHERE id = ? AND attempts = ? AND lease_owner = ? AND status = 'running'
                    RETURNING queue)
                SELECT pg_notify('grace_jobs', queue) FROM r""")) {
            ps.setLong(1, delayMillis);
            ps.setString(2, error);
            ps.setLong(3, lease.id());
            ps.setInt(4, lease.attempt());
            ps.setString(5, owner);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Marks the job failed for good; false when the lease was lost. */
    boolean fail(Lease lease, String error) throws SQLException {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE grace_jobs
                   SET status = 'failed', last_error = ?, finished_at = now(), updated_at = now(),
                       lease_expires_at = NULL
                 WHERE id = ? AND attempts = ? AND lease_owner = ? AND status = 'running'""")) {
            ps.setString(1, error);
            ps.setLong(2, lease.id());
            ps.setInt(3, lease.attempt());
            ps.setString(4, owner);
            return ps.executeUpdate() == 1;
        }
    }

    /** Extends the leases still held; returns the ids whose lease this instance still holds. */
    Set<Long> renew(List<Lease> leases) throws SQLException {
        Long[] ids = new Long[leases.size()];
        Integer[] attempts = new Integer[leases.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = leases.get(i).id();
            attempts[i] = leases.get(i).attempt();
        }
        Set<Long> held = new HashSet<>();
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE grace_jobs j SET lease_expires_at = now() + ? * interval '1 millisecond'
                  FROM unnest(?::bigint[], ?::int[]) AS l(id, attempt)
                 WHERE j.id = l.id AND j.attempts = l.attempt AND j.lease_owner = ? AND j.status = 'running'
                RETURNING j.id""")) {
            ps.setLong(1, leaseMillis);
            ps.setArray(2, c.createArrayOf("bigint", ids));
            ps.setArray(3, c.createArrayOf("int4", attempts));
            ps.setString(4, owner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.add(rs.getLong(1));
                }
            }
        }
        return held;
    }

    /**
     * Gives leases back without counting the attempt (shutdown: the job did not fail, its instance left), and
     * wakes the other instances.
     */
    int release(List<Lease> leases) throws SQLException {
        if (leases.isEmpty()) {
            return 0;
        }
        Long[] ids = new Long[leases.size()];
        Integer[] attempts = new Integer[leases.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = leases.get(i).id();
            attempts[i] = leases.get(i).attempt();
        }
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("""
                WITH r AS (
                    UPDATE grace_jobs j
                       SET status = 'pending', attempts = j.attempts - 1, lease_owner = NULL,
                           lease_expires_at = NULL, updated_at = now()
                      FROM unnest(?::bigint[], ?::int[]) AS l(id, attempt)
                     WHERE j.id = l.id AND j.attempts = l.attempt AND j.lease_owner = ? AND j.status = 'running'
                    RETURNING j.queue)
                SELECT count(*), (SELECT count(*) FROM (SELECT pg_notify('grace_jobs', q)
                                                          FROM (SELECT DISTINCT queue AS q FROM r) d) n)
                  FROM r""")) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            ps.setArray(2, c.createArrayOf("int4", attempts));
            ps.setString(3, owner);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Puts jobs whose lease expired back to pending (or failed, when that was their last attempt). Any instance
     * runs this; the row locks of the UPDATE make two reapers agree.
     */
    int reapExpiredLeases() throws SQLException {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("""
                WITH r AS (
                    UPDATE grace_jobs
                       SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
                           last_error = 'lease of ' || lease_owner || ' expired (instance gone or job over its '
                                        || 'timeout) during attempt ' || attempts,
                           finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
                           lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                     WHERE status = 'running' AND lease_expires_at < now()
                    RETURNING queue, status)
                SELECT count(*), (SELECT count(*) FROM (SELECT pg_notify('grace_jobs', q)
                                    FROM (SELECT DISTINCT queue AS q FROM r WHERE status = 'pending') d) n)
                  FROM r""")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Deletes completed and cancelled rows finished longer than {@code retentionMillis} ago, a bounded batch at a time. */
    int deleteFinished(long retentionMillis, int batch) throws SQLException {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("""
                DELETE FROM grace_jobs WHERE id = ANY (ARRAY(
                    SELECT id FROM grace_jobs
                     WHERE status IN ('completed', 'cancelled')
                       AND finished_at < now() - ? * interval '1 millisecond'
                     LIMIT ?
                     FOR UPDATE SKIP LOCKED))""")) {
            ps.setLong(1, retentionMillis);
            ps.setInt(2, batch);
            return ps.executeUpdate();
        }
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
