package org.grace.webapp.reminders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
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
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.residents.Resident;
import org.grace.webapp.residents.Residents;
import org.grace.webapp.http.ApiException;

/**
 * Care reminders of residents: validation, storage, and the start of each reminder's chain of occurrence jobs
 * ({@link ReminderOccurrences}). Every change runs in one transaction with the job it schedules, so a reminder
 * exists with its next occurrence scheduled, or not at all. An edit increments {@code version}: the occurrence job
 * already queued for the old version finds itself stale and does nothing, and the new version's chain starts.
 */
@ApplicationScoped
public class Reminders {
    public static final Set<String> KINDS = Set.of("medication", "meal", "hydration", "personal_care", "appointment");
    public static final Set<String> ASSIGNABLE_ROLES = Set.of(Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER,
            Roles.CARE_STAFF);
    static final int MAX_ASSIGNED_USERS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, resident_id, kind, text, schedule::text AS schedule, assigned_role, "
            + "assigned_user_ids, active, version, created_at, updated_at";

    /** A reminder as the client sends it (create, or full replacement on PUT). */
    public record ReminderInput(String kind, String text, Map<String, Object> schedule, String assignedRole,
                                List<Long> assignedUserIds, Boolean active) {
    }

    record Stored(long id, long residentId, String kind, String text, Map<String, Object> schedule,
                  String assignedRole, List<Long> assignedUserIds, boolean active, int version, Instant createdAt,
                  Instant updatedAt) {
        ReminderSchedule parsedSchedule() {
            Map<String, String> errors = new LinkedHashMap<>();
            ReminderSchedule s = ReminderSchedule.read(schedule, "schedule", errors);
            if (s == null) {
                throw new IllegalStateException("reminder " + id + " has a stored schedule that no longer reads: "
                        + errors);
            }
            return s;
        }
    }

    @Inject
    DataSource dataSource;
    @Inject
    Residents residents;
    @Inject
    ReminderOccurrences occurrences;

    public List<CareReminder> list(CareScope scope, long residentId) {
        Resident resident = residents.visible(scope, residentId);
        return Transactions.inTransaction(dataSource, c -> Sql.list(c, "SELECT " + COLUMNS + " FROM care_reminders "
                        + "WHERE resident_id = ? AND organization_id = ? ORDER BY id",
                List.of(residentId, scope.organizationId()), Reminders::read))
                .stream().map(s -> view(s, resident)).toList();
    }

    public CareReminder get(CareScope scope, long residentId, long id) {
        Resident resident = residents.visible(scope, residentId);
        return view(Transactions.inTransaction(dataSource, c -> find(c, scope, residentId, id, false)), resident);
    }

    public CareReminder create(CareScope scope, long residentId, ReminderInput input) {
        Resident resident = residents.visible(scope, residentId);
        ReminderSchedule schedule = validate(input, scope.organizationId());
        Stored stored = Transactions.inTransaction(dataSource, c -> {
            Stored s = Sql.one(c, "INSERT INTO care_reminders (organization_id, resident_id, kind, text, schedule, "
                            + "assigned_role, assigned_user_ids, active, created_by) "
                            + "VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?) RETURNING " + COLUMNS,
                    Sql.params(scope.organizationId(), residentId, input.kind(), input.text().strip(),
                            json(schedule.toJson()), input.assignedRole(), ids(c, input.assignedUserIds()),
                            input.active() == null || input.active(), scope.userId()), Reminders::read).orElseThrow();
            startChain(c, s, schedule, resident);
            return s;
        });
        return view(stored, resident);
    }

    public CareReminder replace(CareScope scope, long residentId, long id, ReminderInput input) {
        Resident resident = residents.visible(scope, residentId);
        ReminderSchedule schedule = validate(input, scope.organizationId());
        Stored stored = Transactions.inTransaction(dataSource, c -> {
            find(c, scope, residentId, id, true);
            Stored s = Sql.one(c, "UPDATE care_reminders SET kind = ?, text = ?, schedule = ?::jsonb, "
                            + "assigned_role = ?, assigned_user_ids = ?, active = ?, version = version + 1, "
                            + "updated_at = now() WHERE id = ? RETURNING " + COLUMNS,
                    Sql.params(input.kind(), input.text().strip(), json(schedule.toJson()), input.assignedRole(),
                            ids(c, input.assignedUserIds()), input.active() == null || input.active(), id),
                    Reminders::read).orElseThrow();
            startChain(c, s, schedule, resident);
            return s;
        });
        return view(stored, resident);
    }

    public void delete(CareScope scope, long residentId, long id) {
        residents.visible(scope, residentId);
        Transactions.inTransaction(dataSource, c -> {
            find(c, scope, residentId, id, true);
            // Its queued occurrence job finds no reminder and ends the chain.
            return Sql.update(c, "DELETE FROM care_reminders WHERE id = ?", List.of(id));
        });
    }

    public List<ReminderOccurrence> occurrences(CareScope scope, long residentId, long id, int limit) {
        residents.visible(scope, residentId);
        return Transactions.inTransaction(dataSource, c -> {
            find(c, scope, residentId, id, false);
            return Sql.list(c, "SELECT " + ReminderOccurrences.COLUMNS + " FROM reminder_occurrences "
                    + "WHERE reminder_id = ? ORDER BY due_at DESC LIMIT ?", List.of(id, limit),
                    ReminderOccurrences::read);
        });
    }

    /** Marks an occurrence done (once: marking it again answers the first marking). */
    public ReminderOccurrence markDone(CareScope scope, long residentId, long id, long occurrenceId) {
        residents.visible(scope, residentId);
        return Transactions.inTransaction(dataSource, c -> {
            find(c, scope, residentId, id, false);
            Sql.update(c, "UPDATE reminder_occurrences SET done_at = now(), done_by = ? "
                    + "WHERE id = ? AND reminder_id = ? AND done_at IS NULL", List.of(scope.userId(), occurrenceId, id));
            return Sql.one(c, "SELECT " + ReminderOccurrences.COLUMNS + " FROM reminder_occurrences "
                            + "WHERE id = ? AND reminder_id = ?", List.of(occurrenceId, id), ReminderOccurrences::read)
                    .orElseThrow(() -> new ApiException(404, "no such occurrence"));
        });
    }

    private void startChain(Connection c, Stored s, ReminderSchedule schedule, Resident resident)
            throws SQLException {
        if (s.active() && "active".equals(resident.status())) {
            Instant next = schedule.next(Instant.now(), ZoneId.of(resident.timeZone()));
            occurrences.schedule(c, s.id(), s.version(), next);
        }
    }

    private Stored find(Connection c, CareScope scope, long residentId, long id, boolean lock) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM care_reminders WHERE id = ? AND resident_id = ? "
                        + "AND organization_id = ?" + (lock ? " FOR UPDATE" : ""),
                List.of(id, residentId, scope.organizationId()), Reminders::read)
                .orElseThrow(() -> new ApiException(404, "no such reminder"));
    }

    /** Every field problem at once, as one 400 with {@code fields}; the parsed schedule when there is none. */
    private ReminderSchedule validate(ReminderInput in, long organizationId) {
        if (in == null) {
            throw new ApiException(400, "a JSON body is required");
        }
        Map<String, String> errors = new LinkedHashMap<>();
        if (in.kind() == null) {
            errors.put("kind", "is required: one of " + new java.util.TreeSet<>(KINDS));
        } else if (!KINDS.contains(in.kind())) {
            errors.put("kind", "must be one of " + new java.util.TreeSet<>(KINDS));
        }
        if (in.text() == null || in.text().isBlank()) {
            errors.put("text", "is required");
        } else if (in.text().strip().length() > 500) {
            errors.put("text", "must have at most 500 characters");
        }
        ReminderSchedule schedule = ReminderSchedule.read(in.schedule(), "schedule", errors);
        if (in.assignedRole() != null && !ASSIGNABLE_ROLES.contains(in.assignedRole())) {
            errors.put("assignedRole", "must be one of " + new java.util.TreeSet<>(ASSIGNABLE_ROLES));
        }
        List<Long> users = in.assignedUserIds() == null ? List.of() : in.assignedUserIds();
        if (in.assignedRole() == null && users.isEmpty()) {
            errors.put("assignedRole", "give assignedRole or assignedUserIds (or both): someone must be reminded");
        }
        if (users.size() > MAX_ASSIGNED_USERS) {
            errors.put("assignedUserIds", "must have at most " + MAX_ASSIGNED_USERS + " users");
        } else if (users.stream().anyMatch(java.util.Objects::isNull)) {
            errors.put("assignedUserIds", "must be user ids");
        } else if (!users.isEmpty()) {
            Set<Long> wanted = new LinkedHashSet<>(users);
            List<Long> staff = Transactions.inTransaction(dataSource, c -> Sql.list(c, "SELECT id FROM users "
                    + "WHERE id = ANY (?) AND organization_id = ? AND role <> 'family'",
                    List.of(ids(c, users), organizationId), rs -> rs.getLong(1)));
            wanted.removeAll(staff);
            if (!wanted.isEmpty()) {
                errors.put("assignedUserIds", "no staff member of this organisation with id " + wanted);
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidFields(errors);
        }
        return schedule;
    }

    private CareReminder view(Stored s, Resident resident) {
        String next = null;
        if (s.active() && "active".equals(resident.status())) {
            next = s.parsedSchedule().next(Instant.now(), ZoneId.of(resident.timeZone())).toString();
        }
        return new CareReminder(s.id(), s.residentId(), s.kind(), s.text(), s.schedule(), resident.timeZone(),
                s.assignedRole(), s.assignedUserIds(), s.active(), next, s.createdAt().toString(),
                s.updatedAt().toString());
    }

    static Stored read(ResultSet rs) throws SQLException {
        return new Stored(rs.getLong("id"), rs.getLong("resident_id"), rs.getString("kind"), rs.getString("text"),
                parse(rs.getString("schedule")), rs.getString("assigned_role"), longs(rs.getArray("assigned_user_ids")),
                rs.getBoolean("active"), rs.getInt("version"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "updated_at"));
    }

    static List<Long> longs(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            out.add(((Number) o).longValue());
        }
        return List.copyOf(out);
    }

    private static Array ids(Connection c, List<Long> ids) throws SQLException {
        return c.createArrayOf("bigint", (ids == null ? List.<Long>of() : ids).stream().distinct().toArray());
    }

    static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored schedule is not JSON: " + json, e);
        }
    }

    private static String json(Map<String, Object> value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Optional<Stored> load(Connection c, long id, boolean lock) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM care_reminders WHERE id = ?" + (lock ? " FOR UPDATE" : ""),
                List.of(id), Reminders::read);
    }
}
