package org.grace.webapp.residents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareCache;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.facilities.Facilities;
import org.grace.webapp.http.ApiException;

/**
 * Residents and their family links. The profile ({@code resident:<id>}) and a family user's linked residents
 * ({@code user:<id>:residents}) are hot reads through the two-level cache; the visibility check is applied to the
 * cached profile, so the cache holds facts, never decisions about a caller.
 */
@ApplicationScoped
public class Residents {
    static final String COLUMNS = "r.id, r.organization_id, r.facility_id, f.name, f.time_zone, r.full_name, "
            + "r.preferred_name, r.room, r.date_of_birth, r.notes, r.status, r.discharged_at";
    static final String FROM = " FROM residents r JOIN facilities f ON f.id = r.facility_id ";

    /** Cached shape of a family user's links. */
    public record LinkedResidents(List<Long> residentIds) {
    }

    /** A new resident or a change; null fields are unchanged on update. */
    public record ResidentData(Long facilityId, String fullName, String preferredName, String room,
                               LocalDate dateOfBirth, String notes, String status) {
    }

    @Inject
    DataSource dataSource;
    @Inject
    CareCache cache;
    @Inject
    Facilities facilities;

    /** The profile of a resident the caller may see; 404 otherwise (other organisation, facility, or not linked). */
    public Resident visible(CareScope scope, long residentId) {
        Resident r = profile(residentId).orElseThrow(() -> new ApiException(404, "no such resident"));
        if (!canSee(scope, r)) {
            throw new ApiException(404, "no such resident");
        }
        return r;
    }

    public boolean canSee(CareScope scope, Resident r) {
        if (r.organizationId() != scope.organizationId()) {
            return false;
        }
        if (scope.isOrganizationAdmin()) {
            return true;
        }
        if (scope.isFamily()) {
            return linkedResidentsOf(scope.userId()).contains(r.id());
        }
        return facilities.membershipsOf(scope.userId()).contains(r.facilityId());
    }

    /** The profile without a visibility check: for jobs and for callers that checked otherwise. */
    public Optional<Resident> profile(long residentId) {
        return Optional.ofNullable(cache.get("resident:" + residentId, Resident.class, () ->
                Transactions.inTransaction(dataSource, c -> Sql.one(c, "SELECT " + COLUMNS + FROM + "WHERE r.id = ?",
                        List.of(residentId), Residents::read).orElse(null))));
    }

    public List<Long> linkedResidentsOf(long userId) {
        return cache.get("user:" + userId + ":residents", LinkedResidents.class, () -> Transactions.inTransaction(
                dataSource, c -> new LinkedResidents(Sql.list(c, "SELECT resident_id FROM family_links WHERE user_id = ? "
                        + "ORDER BY resident_id", List.of(userId), rs -> rs.getLong(1))))).residentIds();
    }

    public List<Resident> list(CareScope scope, Long facilityId, String status) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + "WHERE " + scope.residentTable("r"));
        List<Object> params = new ArrayList<>(scope.params());
        Sql.andIf(sql, params, " AND r.facility_id = ?", facilityId);
        Sql.andIf(sql, params, " AND r.status = ?", status);
        sql.append(" ORDER BY lower(r.full_name), r.id LIMIT 1000");
        return Transactions.inTransaction(dataSource, c -> Sql.list(c, sql.toString(), params, Residents::read));
    }

    public Resident create(CareScope scope, ResidentData d) {
        requireFacility(scope, d.facilityId());
        long id = Transactions.inTransaction(dataSource, c -> Sql.one(c,
                "INSERT INTO residents (organization_id, facility_id, full_name, preferred_name, room, date_of_birth, "
                        + "notes, status, discharged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                        + "CASE WHEN ? = 'discharged' THEN now() END) RETURNING id",
                Sql.params(scope.organizationId(), d.facilityId(), d.fullName(), d.preferredName(), d.room(),
                        d.dateOfBirth(), d.notes(), d.status() == null ? "active" : d.status(), d.status()),
                rs -> rs.getLong(1)).orElseThrow());
        return profile(id).orElseThrow();
    }

    public Resident update(CareScope scope, long residentId, ResidentData d) {
        visible(scope, residentId);
        if (d.facilityId() != null) {
            requireFacility(scope, d.facilityId());
        }
        Transactions.inTransaction(dataSource, c -> Sql.update(c,
                "UPDATE residents SET facility_id = coalesce(?, facility_id), full_name = coalesce(?, full_name), "
                        + "preferred_name = coalesce(?, preferred_name), room = coalesce(?, room), "
                        + "date_of_birth = coalesce(?, date_of_birth), notes = coalesce(?, notes), "
                        + "discharged_at = CASE WHEN ? = 'discharged' AND status <> 'discharged' THEN now() "
                        + "WHEN ? = 'active' THEN NULL ELSE discharged_at END, status = coalesce(?, status), "
                        + "updated_at = now() WHERE id = ? AND organization_id = ?",
                Sql.params(d.facilityId(), d.fullName(), d.preferredName(), d.room(), d.dateOfBirth(), d.notes(),
                        d.status(), d.status(), d.status(), residentId, scope.organizationId())));
        cache.evict("resident:" + residentId);
        return profile(residentId).orElseThrow();
    }

    public List<FamilyLink> familyOf(CareScope scope, long residentId) {
        visible(scope, residentId);
        return Transactions.inTransaction(dataSource, c -> links(c, scope.organizationId(), residentId));
    }

    /** Links a family user (idempotent: an existing link gets the new relationship). */
    public FamilyLink link(CareScope scope, long residentId, long userId, String relationship) {
        visible(scope, residentId);
        FamilyLink link = Transactions.inTransaction(dataSource, c -> {
            String role = Sql.one(c, "SELECT role FROM users WHERE id = ? AND organization_id = ?",
                    List.of(userId, scope.organizationId()), rs -> rs.getString(1)).orElse(null);
            if (role == null) {
                throw ApiException.invalidFields(Map.of("userId", "no such user"));
            }
            if (!Roles.FAMILY.equals(role)) {
                throw ApiException.invalidFields(Map.of("userId", "must be a user with the family role"));
            }
            Sql.update(c, "INSERT INTO family_links (organization_id, resident_id, user_id, relationship) "
                    + "VALUES (?, ?, ?, ?) ON CONFLICT (resident_id, user_id) DO UPDATE SET relationship = "
                    + "excluded.relationship", List.of(scope.organizationId(), residentId, userId, relationship));
            return links(c, scope.organizationId(), residentId).stream().filter(l -> l.userId() == userId)
                    .findFirst().orElseThrow();
        });
        cache.evict("user:" + userId + ":residents");
        return link;
    }

    public boolean unlink(CareScope scope, long residentId, long userId) {
        visible(scope, residentId);
        int removed = Transactions.inTransaction(dataSource, c -> Sql.update(c,
                "DELETE FROM family_links WHERE resident_id = ? AND user_id = ? AND organization_id = ?",
                List.of(residentId, userId, scope.organizationId())));
        cache.evict("user:" + userId + ":residents");
        return removed == 1;
    }

    private void requireFacility(CareScope scope, Long facilityId) {
        if (facilityId == null || facilities.find(scope, facilityId).isEmpty()) {
            throw ApiException.invalidFields(Map.of("facilityId", "no such facility"));
        }
    }

    private static List<FamilyLink> links(Connection c, long organizationId, long residentId) throws SQLException {
        return Sql.list(c, "SELECT fl.resident_id, u.id, u.display_name, u.email, fl.relationship FROM family_links fl "
                        + "JOIN users u ON u.id = fl.user_id WHERE fl.resident_id = ? AND fl.organization_id = ? "
                        + "ORDER BY u.display_name, u.id", List.of(residentId, organizationId),
                rs -> new FamilyLink(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5)));
    }

    static Resident read(ResultSet rs) throws SQLException {
        java.sql.Date dob = rs.getDate(9);
        java.time.Instant discharged = Sql.instant(rs, "discharged_at");
        return new Resident(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), dob == null ? null : dob.toLocalDate().toString(),
                rs.getString(10), rs.getString(11), discharged == null ? null : discharged.toString());
    }
}
