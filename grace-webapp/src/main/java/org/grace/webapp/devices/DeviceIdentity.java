package org.grace.webapp.devices;

/** A device whose credential was accepted: what an ingestion request may do is bounded by these. */
public record DeviceIdentity(long id, long organizationId, long facilityId, Long residentId) {
}
