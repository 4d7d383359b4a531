package org.grace.webapp.care;

import static org.assertj.core.api.Assertions.assertThat;

import org.grace.webapp.auth.Roles;
import org.junit.jupiter.api.Test;

/**
 * The visibility rules as the SQL every care query ANDs in, per kind of caller: organisation admins see their
 * organisation, staff the facilities they work in, family users their linked residents (and no devices). The
 * parameters are the organisation and, unless admin, the user.
 */
class CareScopeTest {
    private static final String STAFF_FACILITIES = " IN (SELECT fs.facility_id FROM facility_staff fs "
            + "WHERE fs.user_id = ?))";

    @Test
    void organisationAdminsSeeTheirWholeOrganisation() {
        CareScope admin = new CareScope(7, 3, Roles.ORGANIZATION_ADMIN);
        assertThat(admin.residentRows("i")).isEqualTo("(i.organization_id = ?)");
        assertThat(admin.residentTable("r")).isEqualTo("(r.organization_id = ?)");
        assertThat(admin.facilityRows("d", "facility_id")).isEqualTo("(d.organization_id = ?)");
        assertThat(admin.facilityRows("f")).isEqualTo("(f.organization_id = ?)");
        assertThat(admin.params()).containsExactly(3L);
    }

    @Test
    void staffSeeTheFacilitiesTheyWorkIn() {
        for (String role : new String[] {Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF}) {
            CareScope staff = new CareScope(7, 3, role);
            assertThat(staff.residentRows("i")).isEqualTo("(i.organization_id = ? AND i.facility_id" + STAFF_FACILITIES);
            assertThat(staff.residentTable("r")).isEqualTo("(r.organization_id = ? AND r.facility_id" + STAFF_FACILITIES);
            assertThat(staff.facilityRows("d", "home_id")).isEqualTo("(d.organization_id = ? AND d.home_id"
                    + STAFF_FACILITIES);
            assertThat(staff.facilityRows("f")).isEqualTo("(f.organization_id = ? AND f.id" + STAFF_FACILITIES);
            assertThat(staff.params()).containsExactly(3L, 7L);
        }
    }

    @Test
    void familyUsersSeeTheirLinkedResidentsAndNoStaffRows() {
        CareScope family = new CareScope(7, 3, Roles.FAMILY);
        assertThat(family.residentRows("i")).isEqualTo("(i.organization_id = ? AND i.resident_id IN (SELECT "
                + "fl.resident_id FROM family_links fl WHERE fl.user_id = ?))");
        assertThat(family.residentTable("r")).isEqualTo("(r.organization_id = ? AND r.id IN (SELECT fl.resident_id "
                + "FROM family_links fl WHERE fl.user_id = ?))");
        assertThat(family.facilityRows("d", "facility_id")).isEqualTo("(d.organization_id = ? AND ? IS NULL)");
        assertThat(family.facilityRows("f")).isEqualTo("(f.organization_id = ? AND f.id IN (SELECT r.facility_id "
                + "FROM residents r JOIN family_links fl ON fl.resident_id = r.id WHERE fl.user_id = ?))");
        assertThat(family.params()).containsExactly(3L, 7L);
    }
}
