package org.grace.webapp.incidents.detection;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The detector's answer for one transcript. When {@link #incidentDetected()}, the transcript describes one incident
 * with the {@link #categories()} of its {@link #findings()}, {@link #severity()} and {@link #confidence()}; a caller
 * that stores one incident per category can use the findings one by one instead.
 *
 * @param ruleSetVersion the version of the rules that produced this result (store it with the incident)
 * @param findings       categories at or above the detector's minimum confidence, most severe first
 * @param severity       the highest severity among the findings, raised one step when several distinct high or
 *                       critical rules gave a signal; {@code null} when nothing was detected
 * @param confidence     the highest confidence among the findings; 0 when nothing was detected
 * @param belowThreshold categories that matched but stayed under the minimum confidence (for review screens and
 *                       tuning; never alert on these)
 */
public record DetectionResult(String ruleSetVersion, List<CategoryFinding> findings, Severity severity,
                              double confidence, List<CategoryFinding> belowThreshold) {
    public DetectionResult {
        findings = List.copyOf(findings);
        belowThreshold = List.copyOf(belowThreshold);
    }

    public boolean incidentDetected() {
        return !findings.isEmpty();
    }

    public Optional<Severity> overallSeverity() {
        return Optional.ofNullable(severity);
    }

    public List<IncidentCategory> categories() {
        return findings.stream().map(CategoryFinding::category).toList();
    }

    /** The matched phrases of all findings, without repeats. */
    public List<String> matchedPhrases() {
        Set<String> all = new LinkedHashSet<>();
        findings.forEach(f -> all.addAll(f.matchedPhrases()));
        return List.copyOf(all);
    }

    /** The suggested actions of all findings, most severe finding first, without repeats. */
    public List<String> suggestedActions() {
        Set<String> all = new LinkedHashSet<>();
        findings.forEach(f -> all.addAll(f.suggestedActions()));
        return List.copyOf(all);
    }
}
