package org.grace.webapp.documents;

/**
 * Whose a document is: a resident, and for an incident's documents (body-map photos) the incident too.
 *
 * @param incidentId null for a resident's own documents
 */
record DocumentOwner(long organizationId, long residentId, Long incidentId) {
}
