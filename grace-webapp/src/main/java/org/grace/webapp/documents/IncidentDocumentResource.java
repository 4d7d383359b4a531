package org.grace.webapp.documents;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Path;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.care.Checks;

/**
 * {@code /api/incidents/{id}/documents}: photos of an incident (the body map of an injury). Staff who see the
 * incident upload and list them; family users, whose view of an incident is its severity and summary, do not (403).
 */
@Path("/incidents/{id}/documents")
@RequestScoped
public class IncidentDocumentResource extends OwnerDocumentResource {
    @Override
    DocumentOwner owner(CareScope scope, String id) {
        return owners.incident(scope, Checks.pathId(id, "incident"));
    }
}
