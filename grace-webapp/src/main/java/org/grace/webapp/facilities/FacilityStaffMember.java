package org.grace.webapp.facilities;

/** A member of a facility's staff. */
public record FacilityStaffMember(long userId, String displayName, String email, String role) {
}
