package org.grace.webapp.notifications;

/**
 * One notification of one user, as the API and the event bus carry it. {@code id} increases in commit order (see
 * {@link NotificationWriter}): the live stream uses it as the SSE event id. Times are ISO-8601 instants.
 */
public record Notification(long id, long organizationId, long userId, String type, String title, String message,
                           String priority, Long incidentId, String link, String createdAt, String readAt,
                           String acknowledgedAt) {
}
