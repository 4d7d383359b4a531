package org.grace.webapp.incidents.detection;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What kind of incident a rule detects. The categories are the domain's vocabulary (the database and the API
 * validate against them), so they live in code; everything a rule file says about them (phrases, weights,
 * severities, actions) is data.
 */
public enum IncidentCategory {
    FALL_INJURY,
    MEDICAL_EMERGENCY,
    BEHAVIOUR,
    EMOTIONAL_DISTRESS,
    COGNITIVE_CHANGE,
    MEDICATION_ERROR,
    SAFEGUARDING;

    /** The name stored in the database, used in rule files and sent in JSON, e.g. {@code fall_injury}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException naming the value and the accepted ones, for a name that is not a category
     */
    public static IncidentCategory fromWireName(String name) {
        if (name != null) {
            for (IncidentCategory category : values()) {
                if (category.wireName().equals(name)) {
                    return category;
                }
            }
        }
        throw new IllegalArgumentException("unknown category '" + name + "' (expected one of "
                + Arrays.stream(values()).map(IncidentCategory::wireName).collect(Collectors.joining(", ")) + ")");
    }
}
