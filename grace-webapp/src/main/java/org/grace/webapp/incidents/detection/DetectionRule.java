package org.grace.webapp.incidents.detection;

import java.util.List;

/**
 * One rule of a {@link RuleSet}: phrases that are evidence of one kind of incident.
 *
 * @param id               unique within its rule set, e.g. {@code head_injury}
 * @param category         the incident category the phrases are evidence for
 * @param severity         the severity of an incident this rule alone would describe
 * @param weight           0..1: how strongly one plain, affirmative mention supports the category
 * @param phrases          phrases as written in the rule file; matched as whole words after normalising and stemming;
 *                         the token {@code ...} stands for up to four words of the same sentence
 * @param exclusions       phrases that, where they cover a match of this rule, cancel it ("fell asleep" for falls)
 * @param suggestedActions what staff should do, in the order they should do it
 * @param together         groups of phrases that are evidence only together: the rule also matches where one phrase
 *                         of every group stands in the same sentence, in any order ({@code [["@person ... @fall"],
 *                         ["@injury"]]}); empty for a rule of plain phrases only
 */
public record DetectionRule(String id, IncidentCategory category, Severity severity, double weight,
                            List<String> phrases, List<String> exclusions, List<String> suggestedActions,
                            List<List<String>> together) {
    public DetectionRule {
        phrases = List.copyOf(phrases);
        exclusions = List.copyOf(exclusions);
        suggestedActions = List.copyOf(suggestedActions);
        together = together.stream().map(List::copyOf).toList();
    }

    /** A rule of plain phrases only. */
    public DetectionRule(String id, IncidentCategory category, Severity severity, double weight,
                         List<String> phrases, List<String> exclusions, List<String> suggestedActions) {
        this(id, category, severity, weight, phrases, exclusions, suggestedActions, List.of());
    }
}
