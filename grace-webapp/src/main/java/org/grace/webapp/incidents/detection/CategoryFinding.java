package org.grace.webapp.incidents.detection;

import java.util.List;

/**
 * What the detector found for one category in one transcript.
 *
 * @param category         the category
 * @param severity         the highest severity among this category's rules with a signal (see
 *                         {@link DetectionTuning#signalFloor()}), not yet escalated
 * @param confidence       0..1, the combined evidence of the category's phrases
 * @param matchedPhrases   the phrases as they appear in the transcript, in order of appearance, without repeats
 * @param suggestedActions the actions of the matched rules, most severe rule first, without repeats
 * @param ruleIds          the rules that matched
 */
public record CategoryFinding(IncidentCategory category, Severity severity, double confidence,
                              List<String> matchedPhrases, List<String> suggestedActions, List<String> ruleIds) {
    public CategoryFinding {
        matchedPhrases = List.copyOf(matchedPhrases);
        suggestedActions = List.copyOf(suggestedActions);
        ruleIds = List.copyOf(ruleIds);
    }
}
