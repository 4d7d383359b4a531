package org.grace.webapp.documents;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareResource;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.care.Checks;

/**
 * The documents of a resident or an incident: {@code /api/residents/{id}/documents} (photos, care plans, consent
 * forms) and {@code /api/incidents/{id}/documents} (photos of an injury for the body map). Upload (201 with the
 * document, {@code Location} its content) and list (newest first). Staff who see the owner upload; who may list is the
 * owner's rule ({@link DocumentOwners}: family users their linked residents' documents, never an incident's), checked
 * before a byte is read, so a caller who may not see the owner gets its 404 or 403 and nothing is stored.
 *
 * <p>One class for both owners, one template: its literal part is longer than {@code /residents} and
 * {@code /incidents}, so JAX-RS matches these paths here and every other one under those resources there.
 */
@Path("/{owners: residents|incidents}/{id}/documents")
@ApplicationScoped
public class OwnerDocumentResource extends CareResource {
    @Inject
    Documents documents;

    @Inject
    DocumentOwners resolver;

    /** The owner ({@code residents} or {@code incidents}) with this path id, checked visible to the caller. */
    private DocumentOwner owner(CareScope scope, String owners, String id) {
        return owners.equals("incidents") ? resolver.incident(scope, Checks.pathId(id, "incident"))
                : resolver.resident(scope, Checks.pathId(id, "resident"));
    }

    @POST
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public Response upload(@PathParam("owners") String owners, @PathParam("id") String id,
                           @QueryParam("fileName") String fileName) {
        CareScope scope = scope();
        DocumentOwner owner = owner(scope, owners, id);
        Document d = documents.upload(scope, owner, UploadRequests.of(request, fileName));
        return Response.created(URI.create(d.contentUrl())).entity(d).build();
    }

    @GET
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF,
            Roles.FAMILY})
    public List<Document> list(@PathParam("owners") String owners, @PathParam("id") String id) {
        return documents.list(owner(scope(), owners, id));
    }
}
