package org.grace.webapp.incidents;

import java.util.List;
import java.util.Set;

/**
 * The words of the incident API: severities in triage order, statuses, and the categories (the detector's
 * {@code IncidentCategory} wire names, which the API validates a report by hand against).
 */
public final class IncidentVocabulary {
    public static final List<String> SEVERITY_ORDER = List.of("low", "medium", "high", "critical");
    public static final Set<String> SEVERITIES = Set.copyOf(SEVERITY_ORDER);
    public static final Set<String> STATUSES = Set.of("open", "acknowledged", "resolved");
    public static final Set<String> CATEGORIES = Set.of("fall_injury", "medical_emergency", "behaviour",
            "emotional_distress", "cognitive_change", "medication_error", "safeguarding");

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
