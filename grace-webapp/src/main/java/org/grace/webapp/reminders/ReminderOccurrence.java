package org.grace.webapp.reminders;

/** One delivered occurrence of a reminder; times are ISO-8601 instants, null when it has not happened. */
public record ReminderOccurrence(long id, long reminderId, String dueAt, String deliveredAt, int recipients,
                                 String doneAt, Long doneBy, String missedAlertAt) {
}
