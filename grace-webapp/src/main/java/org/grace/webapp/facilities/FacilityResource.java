package org.grace.webapp.facilities;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareResource;
import org.grace.webapp.care.Checks;
import org.grace.webapp.http.ApiException;

/**
 * {@code /api/facilities}: staff see their facilities (organisation admins all of them); organisation admins create,
 * change and delete facilities and decide who works where (a facility director may also manage the staff of a
 * facility they direct). Family users have no use for this list: 403.
 */
@Path("/facilities")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class FacilityResource extends CareResource {
    @Inject
    Facilities facilities;

    public record FacilityBody(String name, String timeZone, String address) {
    }

    @GET
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public List<Facility> list() {
        return facilities.visibleTo(scope());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public Facility get(@PathParam("id") String id) {
        return visible(id);
    }

    @POST
    @RolesAllowed(Roles.ORGANIZATION_ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(FacilityBody body) {
        FacilityBody b = body == null ? new FacilityBody(null, null, null) : body;
        new Checks().text("name", b.name(), true, 200).text("timeZone", b.timeZone(), false, 64)
                .timeZone("timeZone", Checks.trimmed(b.timeZone())).text("address", b.address(), false, 500).check();
        Facility created = facilities.create(scope().organizationId(), b.name().trim(), Checks.trimmed(b.timeZone()),
                Checks.trimmed(b.address()));
        return Response.status(201).entity(created).build();
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed(Roles.ORGANIZATION_ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Facility update(@PathParam("id") String id, FacilityBody body) {
        long facilityId = Checks.pathId(id, "facility");
        FacilityBody b = body == null ? new FacilityBody(null, null, null) : body;
        new Checks().text("name", b.name(), false, 200).text("timeZone", b.timeZone(), false, 64)
                .timeZone("timeZone", Checks.trimmed(b.timeZone())).text("address", b.address(), false, 500).check();
        return facilities.update(scope().organizationId(), facilityId, Checks.trimmed(b.name()),
                Checks.trimmed(b.timeZone()), Checks.trimmed(b.address()));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ORGANIZATION_ADMIN)
    public Response delete(@PathParam("id") String id) {
        facilities.delete(scope().organizationId(), Checks.pathId(id, "facility"));
        return Response.noContent().build();
    }

    @GET
    @Path("/{id}/staff")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER})
    public List<FacilityStaffMember> staff(@PathParam("id") String id) {
        Facility facility = visible(id);
        return facilities.staff(facility.organizationId(), facility.id());
    }

    @PUT
    @Path("/{id}/staff/{userId}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR})
    public Response addStaff(@PathParam("id") String id, @PathParam("userId") String userId) {
        Facility facility = visible(id);
        facilities.addStaff(facility.organizationId(), facility.id(), Checks.pathId(userId, "user"));
        return Response.noContent().build();
    }

    @DELETE
    @Path("/{id}/staff/{userId}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR})
    public Response removeStaff(@PathParam("id") String id, @PathParam("userId") String userId) {
        Facility facility = visible(id);
        if (!facilities.removeStaff(facility.organizationId(), facility.id(), Checks.pathId(userId, "user"))) {
            throw new ApiException(404, "no such staff member");
        }
        return Response.noContent().build();
    }

    /** The facility of path id {@code id} if the caller sees it (within their organisation); 404 otherwise. */
    private Facility visible(String id) {
        return facilities.visible(scope(), Checks.pathId(id, "facility"));
    }
}
