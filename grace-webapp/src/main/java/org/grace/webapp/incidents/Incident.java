package org.grace.webapp.incidents;

import java.util.List;

/**
 * An incident as staff see it. Times are ISO-8601 instants; {@code responseTimeMs} is detection to first
 * acknowledgement. {@code interactionId} is null for incidents reported by hand.
 */
public record Incident(long id, long organizationId, long facilityId, long residentId, String residentName,
                       Long interactionId, String source, List<String> categories, List<String> matchedPhrases,
                       String severity, double confidence, String summary, List<String> suggestedActions,
                       String rulesVersion, Long reportedBy, String status, String detectedAt, Long acknowledgedBy,
                       String acknowledgedByName, String acknowledgedAt, Long responseTimeMs, Long resolvedBy,
                       String resolvedByName, String resolvedAt, String resolutionNote) {

    /** What a linked family member sees: that something happened, how serious, and where it stands. */
    public FamilyView forFamily() {
        return new FamilyView(id, residentId, residentName, severity, summary, status, detectedAt);
    }

    public record FamilyView(long id, long residentId, String residentName, String severity, String summary,
                             String status, String detectedAt) {
    }
}
