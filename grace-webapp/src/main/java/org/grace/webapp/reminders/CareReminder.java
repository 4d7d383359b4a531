package org.grace.webapp.reminders;

import java.util.List;
import java.util.Map;

/**
 * A care reminder as the API shows it. {@code schedule} has the shape the API takes ({@link ReminderSchedule});
 * {@code nextDueAt} is the next occurrence (ISO-8601 instant) in the facility's {@code timeZone}, null when inactive.
 */
public record CareReminder(long id, long residentId, String kind, String text, Map<String, Object> schedule,
                           String timeZone, String assignedRole, List<Long> assignedUserIds, boolean active,
                           String nextDueAt, String createdAt, String updatedAt) {
}
