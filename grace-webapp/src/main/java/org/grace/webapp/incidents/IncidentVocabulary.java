package org.grace.webapp.incidents;

import java.util.List;
import java.util.Set;

/**
 * The words of the incident API: severities in triage order, statuses, and the categories (the detector's
 * {@code IncidentCategory} wire names, so a report by hand and a detection use one vocabulary).
 */
public final class IncidentVocabulary {
    public static final List<String> SEVERITY_ORDER = List.of("low", "medium", "high", "critical");
    public static final Set<String> SEVERITIES = Set.copyOf(SEVERITY_ORDER);
    public static final Set<String> STATUSES = Set.of("open", "acknowledged", "resolved");
    public static final Set<String> CATEGORIES = java.util.Arrays.stream(
            org.grace.webapp.incidents.detection.IncidentCategory.values())
            .map(org.grace.webapp.incidents.detection.IncidentCategory::wireName)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private IncidentVocabulary() {
    }

    /** {@code severity} is at least {@code floor} in triage order. */
    public static boolean atLeast(String severity, String floor) {
        return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(floor);
    }

    /** The notification priority of an alert of this severity. */
    public static String priority(String severity) {
        return switch (severity) {
            case "critical" -> "urgent";
            case "high" -> "high";
            case "medium" -> "normal";
            default -> "low";
        };
    }
}
