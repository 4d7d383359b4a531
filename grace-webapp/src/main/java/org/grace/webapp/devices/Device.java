package org.grace.webapp.devices;

/**
 * A companion device as staff see it: never its credential, only the first characters ({@code credentialHint}) so
 * staff can tell which one a tablet holds. Times are ISO-8601 instants.
 */
public record Device(long id, long organizationId, long facilityId, Long residentId, String name,
                     String credentialHint, String createdAt, String lastSeenAt, String revokedAt) {
}
