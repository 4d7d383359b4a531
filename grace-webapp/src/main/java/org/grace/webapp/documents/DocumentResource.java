package org.grace.webapp.documents;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.care.CareResource;
import org.grace.webapp.care.Checks;
import org.grace.webapp.http.ApiException;

/**
 * {@code /api/documents/{id}}: one document's details, its content ({@code /content}: see {@link DocumentDownloads}
 * for caching and ranges; {@code ?size=} one of {@link Thumbnails#SIZES} for a photo's thumbnail), and deleting it
 * (managers and up, or the staff member who uploaded it). Visibility is the owner's: a document the caller may not
 * see is a 404, as one that does not exist.
 */
@Path("/documents")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF, Roles.FAMILY})
public class DocumentResource extends CareResource {
    @Inject
    Documents documents;
    @Inject
    DocumentDownloads downloads;

    @GET
    @Path("/{id}")
    public Document get(@PathParam("id") String id) {
        return documents.visible(scope(), Checks.pathId(id, "document"));
    }

    @GET
    @Path("/{id}/content")
    @Produces(MediaType.WILDCARD)
    public Response content(@PathParam("id") String id, @QueryParam("size") String size,
                            @HeaderParam("If-None-Match") String ifNoneMatch, @HeaderParam("Range") String range,
                            @HeaderParam("If-Range") String ifRange) {
        Document d = documents.visible(scope(), Checks.pathId(id, "document"));
        if (size != null) {
            if (!Thumbnails.SIZES.stream().map(String::valueOf).toList().contains(size)) {
                throw ApiException.invalidFields(Map.of("size", "must be one of " + Thumbnails.SIZES));
            }
            d = documents.thumbnail(d, Integer.parseInt(size)).orElseThrow(() -> new ApiException(404,
                    "no thumbnail of this size: photos (JPEG, PNG) get them shortly after their upload"));
        }
        return downloads.download(d, ifNoneMatch, range, ifRange);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF})
    public Response delete(@PathParam("id") String id) {
        documents.delete(scope(), Checks.pathId(id, "document"));
        return Response.noContent().build();
    }
}
