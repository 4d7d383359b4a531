package org.grace.webapp.documents;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Path;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.care.Checks;

/**
 * {@code /api/residents/{id}/documents}: a resident's photos, care plans and consent forms. Staff who see the
 * resident upload; everyone who sees the resident (linked family included) lists them.
 */
@Path("/residents/{id}/documents")
@RequestScoped
public class ResidentDocumentResource extends OwnerDocumentResource {
    @Override
    DocumentOwner owner(CareScope scope, String id) {
        return owners.resident(scope, Checks.pathId(id, "resident"));
    }
}
