package org.grace.webapp.incidents;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.database.Sql;

/**
 * Who is told about an incident (issue #12): {@code medium} and above the senior staff of the resident's facility
 * ({@code care_manager}, {@code facility_director}); {@code high} and {@code critical} also the organisation's
 * {@code organization_admin}s; {@code critical} also the facility's {@code care_staff}. "Of the facility" means a
 * member of it in {@code facility_staff}; organisation admins are told whatever facilities they belong to.
 * {@code low} incidents are recorded without an alert.
 */
public final class IncidentRecipients {
    private IncidentRecipients() {
    }

    /** The recipients of the alert for an incident of {@code severity} in {@code facilityId}, by user id. */
    public static List<Long> ofAlert(Connection c, long organizationId, long facilityId, String severity)
            throws SQLException {
        if (!IncidentVocabulary.atLeast(severity, "medium")) {
            return List.of();
        }
        List<String> facilityRoles = new ArrayList<>(List.of(Roles.CARE_MANAGER, Roles.FACILITY_DIRECTOR));
        if ("critical".equals(severity)) {
            facilityRoles.add(Roles.CARE_STAFF);
        }
        Set<String> organizationRoles = IncidentVocabulary.atLeast(severity, "high")
                ? Set.of(Roles.ORGANIZATION_ADMIN) : Set.of();
        return withRoles(c, organizationId, facilityId, Set.copyOf(facilityRoles), organizationRoles);
    }

    /**
     * Users of the organisation who have one of {@code facilityRoles} and are members of the facility, or one of
     * {@code organizationRoles} wherever they work; each once, by id. Escalation picks its levels with this.
     */
    public static List<Long> withRoles(Connection c, long organizationId, long facilityId, Set<String> facilityRoles,
                                       Set<String> organizationRoles) throws SQLException {
        return Sql.list(c, "SELECT u.id FROM users u WHERE u.organization_id = ? AND ((u.role = ANY (?) AND EXISTS "
                        + "(SELECT 1 FROM facility_staff fs WHERE fs.user_id = u.id AND fs.facility_id = ?)) "
                        + "OR u.role = ANY (?)) ORDER BY u.id",
                Sql.params(organizationId, List.copyOf(facilityRoles), facilityId, List.copyOf(organizationRoles)),
                rs -> rs.getLong(1));
    }
}
