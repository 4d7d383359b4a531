package org.grace.webapp.dashboard;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.care.Checks;

/** {@code GET /api/dashboard[?facilityId=]}: the staff dashboard's figures over what the caller may see. */
@Path("/dashboard")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {
    @Inject
    Dashboard dashboard;
    @Context
    SecurityContext security;
    @Context
    HttpServletRequest request;

    @GET
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public Dashboard.Summary summary(@QueryParam("facilityId") String facilityId) {
        Checks checks = new Checks();
        Long facility = checks.id("facilityId", facilityId);
        checks.check();
        return dashboard.of(CareScope.of(security, request), facility);
    }
}
