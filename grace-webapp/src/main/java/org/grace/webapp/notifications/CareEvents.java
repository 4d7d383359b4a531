package org.grace.webapp.notifications;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.grace.webapp.library.GraceLibrary;

/**
 * What the care domain tells every instance, over the library's event bus (Redis pub/sub, at most once): the live
 * stream (issue #13) subscribes to these topics and pushes each event to the connected browsers of its user (or,
 * for incidents, of everyone who may see it). Published after the transaction that made the change commits, so a
 * subscriber that reads PostgreSQL on receipt finds the change.
 *
 * <p>At most once: an event can be lost (Redis down, an instance reconnecting). Nothing is lost for the user:
 * every event describes rows in PostgreSQL, and a client that missed some catches up by reading notifications with
 * an id above the last one it saw. Without {@code GRACE_REDIS_URL} there is no bus and nothing is published.
 *
 * <table>
 *   <caption>Topics</caption>
 *   <tr><th>topic</th><th>payload</th><th>when</th></tr>
 *   <tr><td>{@value #NOTIFICATIONS}</td><td>{@link Notification}</td><td>a notification was written for a user (one
 *       event per recipient; {@code id} is the SSE event id)</td></tr>
 *   <tr><td>{@value #NOTIFICATION_UPDATES}</td><td>{@link NotificationsChanged}</td><td>a user's notifications were
 *       read, unread or acknowledged</td></tr>
 *   <tr><td>{@value #INCIDENTS}</td><td>{@link IncidentChanged}</td><td>an incident was detected or reported,
 *       acknowledged, resolved or reopened</td></tr>
 * </table>
 */
@ApplicationScoped
public class CareEvents {
    private static final Logger LOG = Logger.getLogger(CareEvents.class.getName());
    public static final String NOTIFICATIONS = "care.notifications";
    public static final String NOTIFICATION_UPDATES = "care.notification-updates";
    public static final String INCIDENTS = "care.incidents";

    /**
     * Some of one user's notifications changed: {@code change} is {@code read}, {@code unread} or
     * {@code acknowledged}; {@code at} an ISO-8601 instant.
     */
    public record NotificationsChanged(long organizationId, long userId, List<Long> notificationIds, String change,
                                       String at) {
    }

    /**
     * An incident changed: {@code change} is {@code detected}, {@code reported}, {@code acknowledged},
     * {@code resolved} or {@code reopened}; {@code status} its status after the change; {@code actorUserId} null
     * for the system (detection).
     */
    public record IncidentChanged(long incidentId, long organizationId, long facilityId, long residentId,
                                  String severity, String status, String change, Long actorUserId, String at) {
    }

    @Inject
    GraceLibrary library;

    public void notificationCreated(Notification n) {
        publish(NOTIFICATIONS, n);
    }

    public void notificationsChanged(NotificationsChanged change) {
        publish(NOTIFICATION_UPDATES, change);
    }

    public void incidentChanged(IncidentChanged change) {
        publish(INCIDENTS, change);
    }

    private void publish(String topic, Object event) {
        try {
            library.events().ifPresent(bus -> bus.publish(topic, event));
        } catch (RuntimeException e) {
            // The change is committed; a lost event is caught up from PostgreSQL by the stream's clients.
            LOG.log(Level.WARNING, "grace: could not publish a " + topic + " event: " + e);
        }
    }
}
