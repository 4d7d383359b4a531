package org.grace.webapp.incidents.detection;

import java.util.Locale;

/** How urgent an incident is, in the order staff triage it. The wire names are the lower-case constant names. */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    /** The name stored in the database and sent in JSON: {@code low | medium | high | critical}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** One step up; {@link #CRITICAL} stays critical. */
    public Severity raisedOneStep() {
        return this == CRITICAL ? CRITICAL : values()[ordinal() + 1];
    }

    public boolean isAtLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    /**
     * @throws IllegalArgumentException naming the value and the accepted ones, for a name that is not a severity
     */
    public static Severity fromWireName(String name) {
        if (name != null) {
            for (Severity severity : values()) {
                if (severity.wireName().equals(name)) {
                    return severity;
                }
            }
        }
        throw new IllegalArgumentException("unknown severity '" + name + "' (expected low, medium, high or critical)");
    }
}
