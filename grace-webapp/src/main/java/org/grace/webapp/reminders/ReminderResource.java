package org.grace.webapp.reminders;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareResource;
import org.grace.webapp.care.Checks;
import org.grace.webapp.http.ApiException;

/**
 * {@code /api/residents/{residentId}/reminders}: a resident's care reminders. Staff who may see the resident read
 * them and mark occurrences done; managers, directors and organisation admins change them. Family members have no
 * access (403); a resident the caller may not see is 404, like one that does not exist.
 */
@Path("/residents/{residentId}/reminders")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class ReminderResource extends CareResource {
    static final int DEFAULT_OCCURRENCES = 50;

    @Inject
    Reminders reminders;

    @GET
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public List<CareReminder> list(@PathParam("residentId") String residentId) {
        return reminders.list(scope(), resident(residentId));
    }

    @POST
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER})
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("residentId") String residentId, Reminders.ReminderInput body) {
        return Response.status(201).entity(reminders.create(scope(), resident(residentId), body)).build();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public CareReminder get(@PathParam("residentId") String residentId, @PathParam("id") String id) {
        return reminders.get(scope(), resident(residentId), reminder(id));
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER})
    @Consumes(MediaType.APPLICATION_JSON)
    public CareReminder replace(@PathParam("residentId") String residentId, @PathParam("id") String id,
                                Reminders.ReminderInput body) {
        return reminders.replace(scope(), resident(residentId), reminder(id), body);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER})
    public Response delete(@PathParam("residentId") String residentId, @PathParam("id") String id) {
        reminders.delete(scope(), resident(residentId), reminder(id));
        return Response.noContent().build();
    }

    @GET
    @Path("/{id}/occurrences")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public List<ReminderOccurrence> occurrences(@PathParam("residentId") String residentId,
                                                @PathParam("id") String id, @QueryParam("limit") String limit) {
        int size = DEFAULT_OCCURRENCES;
        if (limit != null) {
            try {
                size = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > 500) {
                throw ApiException.invalidFields(Map.of("limit", "must be a whole number 1-500"));
            }
        }
        return reminders.occurrences(scope(), resident(residentId), reminder(id), size);
    }

    @POST
    @Path("/{id}/occurrences/{occurrenceId}/done")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public ReminderOccurrence done(@PathParam("residentId") String residentId, @PathParam("id") String id,
                                   @PathParam("occurrenceId") String occurrenceId) {
        return reminders.markDone(scope(), resident(residentId), reminder(id),
                Checks.pathId(occurrenceId, "occurrence"));
    }


    private static long resident(String id) {
        return Checks.pathId(id, "resident");
    }

    private static long reminder(String id) {
        return Checks.pathId(id, "reminder");
    }
}
