package org.grace.webapp.care;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.grace.webapp.auth.Caller;
import org.grace.webapp.auth.GraceJsonWebToken;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.http.ApiException;

/**
 * What the caller may see of the care domain, as SQL. The rules of issue #12:
 * <ul>
 *   <li>{@code organization_admin}: everything of their organisation;</li>
 *   <li>{@code facility_director}, {@code care_manager}, {@code care_staff}: the facilities they are members of
 *       ({@code facility_staff});</li>
 *   <li>{@code family}: the residents they are linked to ({@code family_links}), and of those only what
 *       {@code family} views carry.</li>
 * </ul>
 * Every query a client can trigger ANDs one of these conditions into its WHERE clause, so a row outside the scope is
 * "not found" (404), exactly like a row of another organisation or an id that does not exist. A role that may not
 * use an endpoint at all is refused before any query (403).
 */
public record CareScope(long userId, long organizationId, String role) {
    /** Roles that work in facilities (everyone but family). */
    public static final String[] STAFF_ROLES = {Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER,
            Roles.CARE_STAFF};
    /** Roles that manage residents, links and incidents' resolution. */
    public static final String[] MANAGING_ROLES = {Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR,
            Roles.CARE_MANAGER};

    /** The signed-in caller's scope; 401 when the request is anonymous. */
    public static CareScope of(SecurityContext security, HttpServletRequest request) {
        GraceJsonWebToken jwt = Caller.of(security, request);
        return new CareScope(jwt.userId(), jwt.organizationId(), jwt.role());
    }

    /** 403 unless the caller has one of {@code roles}. */
    public CareScope require(String... roles) {
        for (String r : roles) {
            if (r.equals(role)) {
                return this;
            }
        }
        throw new ApiException(403, "your role does not allow this");
    }

    public boolean isOrganizationAdmin() {
        return Roles.ORGANIZATION_ADMIN.equals(role);
    }

    public boolean isFamily() {
        return Roles.FAMILY.equals(role);
    }

    /**
     * Condition on a row that has {@code organization_id}, {@code facility_id} and {@code resident_id} columns
     * under {@code alias}; append {@link #params()} to the statement's parameters in the same place.
     */
    public String residentRows(String alias) {
        return residentRows(alias, alias + ".resident_id");
    }

    /** The same condition for the residents table itself, whose resident column is {@code id}. */
    public String residentTable(String alias) {
        return residentRows(alias, alias + ".id");
    }

    private String residentRows(String alias, String residentColumn) {
        return rows(alias, residentColumn + " IN (SELECT fl.resident_id FROM family_links fl WHERE fl.user_id = ?)",
                alias + ".facility_id");
    }

    /**
     * Condition on a staff-side row with {@code organization_id} and {@code facility_id} (devices): the facilities
     * the caller works in, all for organisation admins, none for family users. Same parameters as the others.
     */
    public String facilityRows(String alias, String facilityColumn) {
        return rows(alias, "? IS NULL", alias + "." + facilityColumn);
    }

    /** Condition on a facility row ({@code id}, {@code organization_id}) under {@code alias}. */
    public String facilityRows(String alias) {
        return rows(alias, alias + ".id IN (SELECT r.facility_id FROM residents r JOIN family_links fl "
                + "ON fl.resident_id = r.id WHERE fl.user_id = ?)", alias + ".id");
    }

    /**
     * The one shape of every condition: the row's organisation is the caller's, and then, for family users,
     * {@code familyRows} (with the user id as its one parameter), for staff, {@code facilityColumn} among the
     * facilities they work in; organisation admins see the whole organisation.
     */
    private String rows(String alias, String familyRows, String facilityColumn) {
        String org = alias + ".organization_id = ?";
        if (isOrganizationAdmin()) {
            return "(" + org + ")";
        }
        String narrowed = isFamily() ? familyRows
                : facilityColumn + " IN (SELECT fs.facility_id FROM facility_staff fs WHERE fs.user_id = ?)";
        return "(" + org + " AND " + narrowed + ")";
    }

    /** The parameters of either condition, in order. */
    public List<Object> params() {
        return isOrganizationAdmin() ? List.of(organizationId) : List.of(organizationId, userId);
    }
}
