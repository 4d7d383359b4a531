package org.grace.webapp.dashboard;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareResource;
import org.grace.webapp.care.Checks;

/** {@code GET /api/dashboard[?facilityId=]}: the staff dashboard's figures over what the caller may see. */
@Path("/dashboard")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource extends CareResource {
    @Inject
    Dashboard dashboard;

    @GET
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public Dashboard.Summary summary(@QueryParam("facilityId") String facilityId) {
        Checks checks = new Checks();
        Long facility = checks.id("facilityId", facilityId);
        checks.check();
        return dashboard.of(scope(), facility);
    }
}
