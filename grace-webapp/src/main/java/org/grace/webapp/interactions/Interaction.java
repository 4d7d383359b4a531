package org.grace.webapp.interactions;

import java.util.List;

/**
 * A stored conversation or care note. {@code detectedAt} is set once the detection job has looked at it;
 * {@code incidentId} names the incident found in it, if any. Times are ISO-8601 instants.
 */
public record Interaction(long id, long organizationId, long facilityId, long residentId, String text,
                          List<Turn> turns, String startedAt, String location, String source, Long deviceId,
                          Long submittedBy, String createdAt, String detectedAt, Long incidentId) {

    /** One speaker's turn: {@code speaker} as the source names it ("resident", "companion", "staff"). */
    public record Turn(String speaker, String text) {
    }
}
