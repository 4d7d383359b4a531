package org.grace.webapp.facilities;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareCache;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.http.ApiException;

/**
 * Facilities and their staff. The facility list of an organisation and each user's memberships are read on almost
 * every screen, so both go through the two-level cache ({@code facilities:org:<id>}, {@code user:<id>:facilities})
 * and are evicted on every instance when they change.
 */
@ApplicationScoped
public class Facilities {
    static final String COLUMNS = "f.id, f.organization_id, f.name, f.time_zone, f.address";

    /** Cached shapes: the cache stores records, not bare lists. */
    public record FacilityList(List<Facility> items) {
    }

    public record Memberships(List<Long> facilityIds) {
    }

    @Inject
    DataSource dataSource;
    @Inject
    CareCache cache;

    /** Facilities the caller may see: all of the organisation for its admins, their own for staff. */
    public List<Facility> visibleTo(CareScope scope) {
        List<Facility> all = ofOrganization(scope.organizationId());
        if (scope.isOrganizationAdmin()) {
            return all;
        }
        Set<Long> mine = Set.copyOf(membershipsOf(scope.userId()));
        return all.stream().filter(f -> mine.contains(f.id())).toList();
    }

    /** One facility the caller may see; 404 otherwise. */
    public Facility visible(CareScope scope, long id) {
        return find(scope, id).orElseThrow(() -> new ApiException(404, "no such facility"));
    }

    /**
     * The facility if the caller may see it. The cached lists answer a yes; a no is asked again of PostgreSQL, because
     * the facility or the membership may have been created a moment ago on another instance whose eviction has not
     * reached this one yet (or never will, if Redis was unreachable when it was made: then only the entry's expiry
     * would end the stale no). Misses are rare, so the extra query costs little.
     */
    public Optional<Facility> find(CareScope scope, long id) {
        Optional<Facility> cached = visibleTo(scope).stream().filter(f -> f.id() == id).findFirst();
        if (cached.isPresent()) {
            return cached;
        }
        return Transactions.inTransaction(dataSource, c -> Sql.one(c, "SELECT " + COLUMNS + " FROM facilities f "
                        + "WHERE f.id = ? AND f.organization_id = ? AND (? OR EXISTS (SELECT 1 FROM facility_staff fs "
                        + "WHERE fs.facility_id = f.id AND fs.user_id = ?))",
                Sql.params(id, scope.organizationId(), scope.isOrganizationAdmin(), scope.userId()), Facilities::read));
    }

    public List<Facility> ofOrganization(long organizationId) {
        return cache.get("facilities:org:" + organizationId, FacilityList.class, () -> Transactions.inTransaction(
                dataSource, c -> new FacilityList(Sql.list(c, "SELECT " + COLUMNS + " FROM facilities f "
                        + "WHERE f.organization_id = ? ORDER BY lower(f.name), f.id", List.of(organizationId),
                        Facilities::read)))).items();
    }

    public List<Long> membershipsOf(long userId) {
        return cache.get("user:" + userId + ":facilities", Memberships.class, () -> Transactions.inTransaction(
                dataSource, c -> new Memberships(Sql.list(c, "SELECT facility_id FROM facility_staff WHERE user_id = ? "
                        + "ORDER BY facility_id", List.of(userId), rs -> rs.getLong(1))))).facilityIds();
    }

    public Facility create(long organizationId, String name, String timeZone, String address) {
        Optional<Facility> created = Transactions.inTransaction(dataSource, c -> Sql.one(c,
                "INSERT INTO facilities AS f (organization_id, name, time_zone, address) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT DO NOTHING RETURNING " + COLUMNS,
                Sql.params(organizationId, name, timeZone == null ? "UTC" : timeZone, address), Facilities::read));
        evictOrganization(organizationId);
        return created.orElseThrow(() -> new ApiException(409, "a facility with this name exists"));
    }

    /** Changes the given fields (null: unchanged); 404 when the facility is not the organisation's. */
    public Facility update(long organizationId, long id, String name, String timeZone, String address) {
        Optional<Facility> changed;
        try {
            changed = Transactions.inTransaction(dataSource, c -> Sql.one(c,
                    "UPDATE facilities AS f SET name = coalesce(?, name), time_zone = coalesce(?, time_zone), "
                            + "address = coalesce(?, address), updated_at = now() "
                            + "WHERE f.id = ? AND f.organization_id = ? RETURNING " + COLUMNS,
                    Sql.params(name, timeZone, address, id, organizationId), Facilities::read));
        } catch (org.grace.webapp.database.DataAccessException e) {
            if ("23505".equals(Sql.state(e))) {
                throw new ApiException(409, "a facility with this name exists");
            }
            throw e;
        }
        evictOrganization(organizationId);
        return changed.orElseThrow(() -> new ApiException(404, "no such facility"));
    }

    /** Deletes an empty facility; 409 while residents, devices or incidents refer to it. */
    public void delete(long organizationId, long id) {
        int deleted;
        try {
            deleted = Transactions.inTransaction(dataSource, c -> Sql.update(c,
                    "DELETE FROM facilities WHERE id = ? AND organization_id = ?", List.of(id, organizationId)));
        } catch (org.grace.webapp.database.DataAccessException e) {
            if ("23503".equals(Sql.state(e))) {
                throw new ApiException(409, "the facility still has residents, devices or incidents");
            }
            throw e;
        }
        if (deleted == 0) {
            throw new ApiException(404, "no such facility");
        }
        evictOrganization(organizationId);
    }

    public List<FacilityStaffMember> staff(long organizationId, long facilityId) {
        return Transactions.inTransaction(dataSource, c -> Sql.list(c,
                "SELECT u.id, u.display_name, u.email, u.role FROM facility_staff fs JOIN users u ON u.id = fs.user_id "
                        + "WHERE fs.facility_id = ? AND fs.organization_id = ? ORDER BY u.display_name, u.id",
                List.of(facilityId, organizationId),
                rs -> new FacilityStaffMember(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4))));
    }

    /** Adds a staff member (idempotent). 400 for a family user, 404 for a user of another organisation. */
    public void addStaff(long organizationId, long facilityId, long userId) {
        Transactions.inTransaction(dataSource, c -> {
            String role = Sql.one(c, "SELECT role FROM users WHERE id = ? AND organization_id = ?",
                    List.of(userId, organizationId), rs -> rs.getString(1))
                    .orElseThrow(() -> new ApiException(404, "no such user"));
            if (Roles.FAMILY.equals(role)) {
                throw ApiException.invalidFields(java.util.Map.of("userId", "a family user cannot be facility staff"));
            }
            return Sql.update(c, "INSERT INTO facility_staff (organization_id, facility_id, user_id) VALUES (?, ?, ?) "
                    + "ON CONFLICT DO NOTHING", List.of(organizationId, facilityId, userId));
        });
        cache.evict("user:" + userId + ":facilities");
    }

    public boolean removeStaff(long organizationId, long facilityId, long userId) {
        int removed = Transactions.inTransaction(dataSource, c -> Sql.update(c,
                "DELETE FROM facility_staff WHERE facility_id = ? AND user_id = ? AND organization_id = ?",
                List.of(facilityId, userId, organizationId)));
        cache.evict("user:" + userId + ":facilities");
        return removed == 1;
    }

    private void evictOrganization(long organizationId) {
        cache.evict("facilities:org:" + organizationId);
    }

    static Facility read(ResultSet rs) throws SQLException {
        return new Facility(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5));
    }
}
