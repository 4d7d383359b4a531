package org.grace.webapp.residents;

/** A family user linked to a resident as next of kin. */
public record FamilyLink(long residentId, long userId, String displayName, String email, String relationship) {
}
