package org.grace.webapp.documents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.http.ApiException;
import org.grace.webapp.incidents.Incident;
import org.grace.webapp.incidents.Incidents;
import org.grace.webapp.residents.Residents;

/**
 * Whose documents a request is about, checked with the owner's own rules: a resident's documents are visible exactly
 * when the resident is ({@link Residents#visible}: another organisation, another facility or a family user not
 * linked is a 404), an incident's when the incident is ({@link Incidents#visible}) and the caller is staff. Family
 * users see their linked residents' documents but not incidents' (body-map photos): their view of an incident is its
 * severity and summary only (a family user asking for an incident's documents is refused, 403).
 */
@ApplicationScoped
public class DocumentOwners {
    @Inject
    Residents residents;
    @Inject
    Incidents incidents;
    @Inject
    DataSource dataSource;

    public DocumentOwner resident(CareScope scope, long residentId) {
        var r = residents.visible(scope, residentId);
        return new DocumentOwner(r.organizationId(), r.id(), null);
    }

    public DocumentOwner incident(CareScope scope, long incidentId) {
        if (scope.isFamily()) {
            throw new ApiException(403, "your role does not allow this");
        }
        Incident i = Transactions.inTransaction(dataSource, c -> incidents.visible(c, scope, incidentId))
                .orElseThrow(() -> new ApiException(404, "no such incident"));
        return new DocumentOwner(i.organizationId(), i.residentId(), i.id());
    }

    /** Whether the caller may see {@code d}: its owner's rules, a family user never an incident's. */
    public boolean canSee(CareScope scope, Document d) {
        if (d.organizationId() != scope.organizationId()) {
            return false;
        }
        try {
            if (d.incidentId() == null) {
                resident(scope, d.residentId());
            } else {
                incident(scope, d.incidentId());
            }
            return true;
        } catch (ApiException notVisible) {
            return false;
        }
    }
}
