package org.grace.webapp.incidents;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareResource;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.care.Checks;
import org.grace.webapp.residents.Resident;
import org.grace.webapp.residents.Residents;

/**
 * {@code /api/incidents}: the list (filters, keyset pages), one incident with its audit trail, reports by hand, and
 * acknowledge / resolve / reopen. Visibility is {@link CareScope}'s: family users see their linked residents'
 * incidents as severity and summary only, and may not act on them (403).
 */
@Path("/incidents")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class IncidentResource extends CareResource {
    @Inject
    Incidents incidents;
    @Inject
    IncidentActions actions;
    @Inject
    IncidentAlerts alerts;
    @Inject
    Residents residents;

    public record ReportBody(Long residentId, List<String> categories, String severity, String summary,
                             List<String> suggestedActions) {
    }

    public record NoteBody(String note) {
    }

    @GET
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF,
            Roles.FAMILY})
    public Incidents.Page list(@QueryParam("status") String status, @QueryParam("severity") String severity,
                               @QueryParam("facilityId") String facilityId, @QueryParam("residentId") String residentId,
                               @QueryParam("since") String since, @QueryParam("cursor") String cursor,
                               @QueryParam("limit") String limit) {
        Checks checks = new Checks().oneOf("status", status, false, IncidentVocabulary.STATUSES)
                .oneOf("severity", severity, false, IncidentVocabulary.SEVERITIES);
        Long facility = checks.id("facilityId", facilityId);
        Long resident = checks.id("residentId", residentId);
        Instant from = checks.instant("since", since);
        Long before = checks.id("cursor", cursor);
        int size = checks.pageSize(limit, Incidents.MAX_PAGE);
        checks.check();
        return incidents.list(scope(), new Incidents.Filter(status, severity, facility, resident, from), before, size);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF,
            Roles.FAMILY})
    public Object get(@PathParam("id") String id) {
        return incidents.detail(scope(), Checks.pathId(id, "incident"));
    }

    @POST
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    @Consumes(MediaType.APPLICATION_JSON)
    public Response report(ReportBody body) {
        ReportBody b = body == null ? new ReportBody(null, null, null, null, null) : body;
        Checks checks = new Checks().required("residentId", b.residentId())
                .oneOf("severity", b.severity(), true, IncidentVocabulary.SEVERITIES)
                .text("summary", b.summary(), true, 1000);
        if (b.categories() == null || b.categories().isEmpty()) {
            checks.fail("categories", "at least one category is required");
        } else if (!IncidentVocabulary.CATEGORIES.containsAll(b.categories())) {
            checks.fail("categories", "each must be one of " + new java.util.TreeSet<>(IncidentVocabulary.CATEGORIES));
        }
        List<String> actionsSuggested = b.suggestedActions() == null ? List.of() : b.suggestedActions();
        if (actionsSuggested.size() > 20 || actionsSuggested.stream().anyMatch(a -> a == null || a.length() > 500)) {
            checks.fail("suggestedActions", "at most 20 actions of at most 500 characters each");
        }
        checks.check();
        CareScope scope = scope();
        Resident resident = residents.visible(scope, b.residentId());
        Finding finding = new Finding(List.copyOf(new java.util.LinkedHashSet<>(b.categories())), List.of(),
                b.severity(), 1.0, b.summary().trim(), actionsSuggested, null);
        IncidentAlerts.Recorded recorded = alerts.recordReported(scope.organizationId(), resident.facilityId(),
                resident.id(), scope.userId(), finding);
        return Response.status(201).entity(incidents.detail(scope, recorded.incidentId())).build();
    }

    @POST
    @Path("/{id}/acknowledge")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public Incident acknowledge(@PathParam("id") String id) {
        return actions.acknowledge(scope(), Checks.pathId(id, "incident"));
    }

    @POST
    @Path("/{id}/resolve")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    @Consumes(MediaType.APPLICATION_JSON)
    public Incident resolve(@PathParam("id") String id, NoteBody body) {
        long incidentId = Checks.pathId(id, "incident");
        String note = note(body);
        return actions.resolve(scope(), incidentId, note);
    }

    @POST
    @Path("/{id}/reopen")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER})
    @Consumes(MediaType.APPLICATION_JSON)
    public Incident reopen(@PathParam("id") String id, NoteBody body) {
        long incidentId = Checks.pathId(id, "incident");
        String reason = note(body);
        return actions.reopen(scope(), incidentId, reason);
    }

    /** The note that resolving or reopening requires, trimmed; 400 when it is missing or too long. */
    private static String note(NoteBody body) {
        String note = body == null ? null : body.note();
        new Checks().text("note", note, true, 2000).check();
        return note.trim();
    }
}
