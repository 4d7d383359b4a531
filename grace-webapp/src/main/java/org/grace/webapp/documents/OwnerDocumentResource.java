package org.grace.webapp.documents;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

/**
 * The documents of one owner, {@code /api/<owners>/{id}/documents}: upload (201 with the document, {@code Location}
 * its content) and list (newest first). Staff upload; who may list is the owner's rule ({@link DocumentOwners}),
 * checked before anything is read, so a caller who may not see the owner gets its 404 or 403 and nothing is stored.
 */
@Produces(MediaType.APPLICATION_JSON)
public abstract class OwnerDocumentResource extends CareResource {
    @Inject
    Documents documents;
    @Inject
    DocumentOwners owners;

    /** The owner with this path id, checked visible to the caller. */
    abstract DocumentOwner owner(CareScope scope, String id);

    @POST
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public Response upload(@PathParam("id") String id, @QueryParam("fileName") String fileName) {
        CareScope scope = scope();
        DocumentOwner owner = owner(scope, id);
        Document d = documents.upload(scope, owner, UploadRequests.of(request, fileName));
        return Response.created(URI.create(d.contentUrl())).entity(d).build();
    }

    @GET
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF,
            Roles.FAMILY})
    public List<Document> list(@PathParam("id") String id) {
        return documents.list(owner(scope(), id));
    }
}
