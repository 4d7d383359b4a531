package org.grace.webapp.incidents;

import java.util.List;
import java.util.Objects;

/**
 * What to record as an incident: from the detector for an interaction, or from a member of staff reporting by hand.
 * Severity and categories use the wire names ({@code high}, {@code fall_injury}); confidence is 0..1 (1 for a
 * report by hand).
 */
public record Finding(List<String> categories, List<String> matchedPhrases, String severity, double confidence,
                      String summary, List<String> suggestedActions, String rulesVersion) {
    public Finding {
        categories = List.copyOf(categories);
        matchedPhrases = List.copyOf(matchedPhrases);
        suggestedActions = List.copyOf(suggestedActions);
        Objects.requireNonNull(summary, "summary");
        if (!IncidentVocabulary.SEVERITIES.contains(severity)) {
            throw new IllegalArgumentException("severity must be one of " + IncidentVocabulary.SEVERITIES
                    + ", got " + severity);
        }
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("an incident needs at least one category");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be within 0..1, got " + confidence);
        }
    }
}
