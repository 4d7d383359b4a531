package org.grace.webapp.notifications;

import java.util.Objects;
import java.util.Set;

/**
 * A notification to write for one recipient. {@code dedupeKey} (for example {@code incident:42:alert} or
 * {@code incident:42:escalation:2}) makes the write idempotent per recipient: a retried job that writes the same
 * key again inserts nothing.
 */
public record NewNotification(long organizationId, long userId, String type, String title, String message,
                              String priority, Long incidentId, String link, String dedupeKey) {
    public static final String INCIDENT_ALERT = "incident_alert";
    public static final String ESCALATION = "escalation";
    public static final String REMINDER = "reminder";
    public static final String SYSTEM = "system";
    public static final Set<String> TYPES = Set.of(INCIDENT_ALERT, ESCALATION, REMINDER, SYSTEM);
    public static final Set<String> PRIORITIES = Set.of("low", "normal", "high", "urgent");

    public NewNotification {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("notification type must be one of " + TYPES + ", got " + type);
        }
        if (!PRIORITIES.contains(priority)) {
            throw new IllegalArgumentException("priority must be one of " + PRIORITIES + ", got " + priority);
        }
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(message, "message");
    }
}
