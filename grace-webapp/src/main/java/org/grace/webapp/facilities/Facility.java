package org.grace.webapp.facilities;

/** A care home of an organisation, as the API shows it. */
public record Facility(long id, long organizationId, String name, String timeZone, String address) {
}
