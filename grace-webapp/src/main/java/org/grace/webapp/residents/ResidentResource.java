package org.grace.webapp.residents;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareResource;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.care.Checks;
import org.grace.webapp.http.ApiException;

/**
 * {@code /api/residents} and their family links. Staff see the residents of their facilities, organisation admins
 * all; family users see only the residents they are linked to, without care notes or date of birth. Creating and
 * changing residents and links is for admins, directors and care managers, within the facilities they see.
 * Residents are never deleted (their history stays): they are discharged with {@code "status": "discharged"}.
 */
@Path("/residents")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class ResidentResource extends CareResource {
    static final Set<String> STATUSES = Set.of("active", "discharged");

    @Inject
    Residents residents;

    public record ResidentBody(Long facilityId, String fullName, String preferredName, String room,
                               String dateOfBirth, String notes, String status) {
    }

    public record LinkBody(Long userId, String relationship) {
    }

    @GET
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF,
            Roles.FAMILY})
    public List<?> list(@QueryParam("facilityId") String facilityId, @QueryParam("status") String status) {
        CareScope scope = scope();
        Checks checks = new Checks();
        Long facility = checks.id("facilityId", facilityId);
        checks.oneOf("status", status, false, STATUSES).check();
        List<Resident> found = residents.list(scope, facility, status);
        return scope.isFamily() ? found.stream().map(Resident::forFamily).toList() : found;
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF,
            Roles.FAMILY})
    public Object get(@PathParam("id") String id) {
        CareScope scope = scope();
        Resident r = residents.visible(scope, Checks.pathId(id, "resident"));
        return scope.isFamily() ? r.forFamily() : r;
    }

    @POST
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER})
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(ResidentBody body) {
        Residents.ResidentData data = validate(body, true);
        return Response.status(201).entity(residents.create(scope(), data)).build();
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER})
    @Consumes(MediaType.APPLICATION_JSON)
    public Resident update(@PathParam("id") String id, ResidentBody body) {
        long residentId = Checks.pathId(id, "resident");
        return residents.update(scope(), residentId, validate(body, false));
    }

    @GET
    @Path("/{id}/family")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public List<FamilyLink> family(@PathParam("id") String id) {
        return residents.familyOf(scope(), Checks.pathId(id, "resident"));
    }

    @POST
    @Path("/{id}/family")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER})
    @Consumes(MediaType.APPLICATION_JSON)
    public Response link(@PathParam("id") String id, LinkBody body) {
        long residentId = Checks.pathId(id, "resident");
        LinkBody b = body == null ? new LinkBody(null, null) : body;
        new Checks().required("userId", b.userId()).text("relationship", b.relationship(), true, 100).check();
        FamilyLink link = residents.link(scope(), residentId, b.userId(), b.relationship().trim());
        return Response.status(201).entity(link).build();
    }

    @DELETE
    @Path("/{id}/family/{userId}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER})
    public Response unlink(@PathParam("id") String id, @PathParam("userId") String userId) {
        if (!residents.unlink(scope(), Checks.pathId(id, "resident"), Checks.pathId(userId, "family link"))) {
            throw new ApiException(404, "no such family link");
        }
        return Response.noContent().build();
    }

    private Residents.ResidentData validate(ResidentBody body, boolean creating) {
        ResidentBody b = body == null ? new ResidentBody(null, null, null, null, null, null, null) : body;
        Checks checks = new Checks();
        if (creating) {
            checks.required("facilityId", b.facilityId());
        }
        checks.text("fullName", b.fullName(), creating, 200).text("preferredName", b.preferredName(), false, 100)
                .text("room", b.room(), false, 50).text("notes", b.notes(), false, 4000)
                .oneOf("status", b.status(), false, STATUSES);
        LocalDate dob = checks.date("dateOfBirth", b.dateOfBirth());
        checks.check();
        return new Residents.ResidentData(b.facilityId(), Checks.trimmed(b.fullName()),
                Checks.trimmed(b.preferredName()), Checks.trimmed(b.room()), dob, Checks.trimmed(b.notes()), b.status());
    }
}
