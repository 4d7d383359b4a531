package org.grace.webapp.interactions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.grace.core.jobs.JobOptions;
import org.grace.core.jobs.Jobs;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.devices.DeviceIdentity;
import org.grace.webapp.devices.Devices;
import org.grace.webapp.http.ApiException;

/**
 * Storing interactions and reading them back. {@link #accept} writes the interaction and enqueues its detection job
 * in one transaction (the library's transactional enqueue): both exist or neither does, and the caller is answered as
 * soon as that commits, before detection has run. A submission with an idempotency key that its sender already used
 * stores nothing and answers the first submission's interaction (see {@link Accepted#replayed()}).
 */
@ApplicationScoped
public class Interactions {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String COLUMNS = "x.id, x.organization_id, x.facility_id, x.resident_id, x.text, x.turns::text AS turns, "
            + "x.started_at, x.location, x.source, x.device_id, x.submitted_by, x.created_at, x.detected_at, "
            + "(SELECT i.id FROM incidents i WHERE i.interaction_id = x.id) AS incident_id";

    @Inject
    DataSource dataSource;
    @Inject
    Jobs jobs;
    @Inject
    Devices devices;

    /** A validated submission for a resident whose organisation and facility the caller was checked against. */
    public record Submission(long organizationId, long facilityId, long residentId, String text,
                             List<Interaction.Turn> turns, Instant startedAt, String location, DeviceIdentity device,
                             Long submittedBy, String idempotencyKey) {
    }

    /**
     * The interaction a submission ended as: stored now, or ({@code replayed}) stored by an earlier submission of the
     * same sender with the same idempotency key.
     */
    public record Accepted(long interactionId, boolean replayed) {
    }

    /**
     * Stores the interaction and enqueues its detection. With an idempotency key its sender used before: nothing is
     * stored and the earlier interaction is answered, if it is the same transcript for the same resident; a different
     * one is refused (422), so that a client reusing keys by mistake learns it instead of losing a transcript. Two
     * submissions with one key at the same moment on different instances: the unique index makes the second insert
     * wait for the first's commit and then find its row.
     */
    public Accepted accept(Submission s) {
        String turns;
        try {
            turns = s.turns() == null ? null : JSON.writeValueAsString(s.turns());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return Transactions.inTransaction(dataSource, c -> {
            if (s.device() != null && !devices.seen(c, s.device().id())) {
                throw new ApiException(401, "device credential revoked");
            }
            Long deviceId = s.device() != null ? s.device().id() : null;
            Optional<Long> stored = Sql.one(c, "INSERT INTO interactions (organization_id, facility_id, resident_id, "
                            + "text, turns, started_at, location, source, device_id, submitted_by, idempotency_key) "
                            + "VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                    Sql.params(s.organizationId(), s.facilityId(), s.residentId(), s.text(), turns, s.startedAt(),
                            s.location(), deviceId != null ? "device" : "staff", deviceId, s.submittedBy(),
                            s.idempotencyKey()),
                    rs -> rs.getLong(1));
            if (stored.isEmpty()) {
                return replay(c, s, deviceId);
            }
            long id = stored.get();
            jobs.enqueue(c, DetectIncidentsJob.TYPE, new DetectIncidentsJob.Payload(id),
                    JobOptions.builder().idempotencyKey(DetectIncidentsJob.TYPE + ":" + id).build());
            return new Accepted(id, false);
        });
    }

    /** The earlier interaction of this sender and key, when the insert met it; 422 if it is another transcript. */
    private static Accepted replay(Connection c, Submission s, Long deviceId) throws SQLException {
        if (s.idempotencyKey() == null) {
            throw new IllegalStateException("an interaction without an idempotency key met a unique constraint");
        }
        String sender = deviceId != null ? "device_id = ?" : "submitted_by = ? AND device_id IS NULL";
        Optional<Long> same = Sql.one(c, "SELECT id, (resident_id = ? AND text = ?) AS same FROM interactions "
                        + "WHERE " + sender + " AND idempotency_key = ?",
                Sql.params(s.residentId(), s.text(), deviceId != null ? deviceId : s.submittedBy(),
                        s.idempotencyKey()),
                rs -> rs.getBoolean("same") ? rs.getLong("id") : -1L);
        long id = same.orElseThrow(() -> new IllegalStateException("the interaction holding idempotency key "
                + "of this sender was not found after the insert met it"));
        if (id < 0) {
            throw new ApiException(422, "this Idempotency-Key was already used for another transcript; "
                    + "send a new key for a new transcript");
        }
        return new Accepted(id, true);
    }

    /** Interactions of a resident the caller sees, newest first, keyset pages below {@code beforeId}. */
    public List<Interaction> ofResident(CareScope scope, long residentId, Long beforeId, int limit) {
        List<Object> params = new ArrayList<>();
        params.add(residentId);
        params.addAll(scope.params());
        params.add(beforeId == null ? Long.MAX_VALUE : beforeId);
        params.add(limit);
        return Transactions.inTransaction(dataSource, c -> Sql.list(c, "SELECT " + COLUMNS + " FROM interactions x "
                + "WHERE x.resident_id = ? AND " + scope.residentRows("x") + " AND x.id < ? ORDER BY x.id DESC LIMIT ?",
                params, Interactions::read));
    }

    public Optional<Interaction> one(CareScope scope, long residentId, long id) {
        List<Object> params = new ArrayList<>(List.of(id, residentId));
        params.addAll(scope.params());
        return Transactions.inTransaction(dataSource, c -> Sql.one(c, "SELECT " + COLUMNS + " FROM interactions x "
                + "WHERE x.id = ? AND x.resident_id = ? AND " + scope.residentRows("x"), params, Interactions::read));
    }

    static Interaction read(ResultSet rs) throws SQLException {
        List<Interaction.Turn> turns = null;
        String rawTurns = rs.getString("turns");
        if (rawTurns != null) {
            try {
                turns = JSON.readValue(rawTurns, new TypeReference<List<Interaction.Turn>>() { });
            } catch (JsonProcessingException e) {
                throw new SQLException("unreadable turns of interaction " + rs.getLong("id"), e);
            }
        }
        return new Interaction(rs.getLong("id"), rs.getLong("organization_id"), rs.getLong("facility_id"),
                rs.getLong("resident_id"), rs.getString("text"), turns, text(Sql.instant(rs, "started_at")),
                rs.getString("location"), rs.getString("source"), Sql.nullableLong(rs, "device_id"),
                Sql.nullableLong(rs, "submitted_by"), text(Sql.instant(rs, "created_at")),
                text(Sql.instant(rs, "detected_at")), Sql.nullableLong(rs, "incident_id"));
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
