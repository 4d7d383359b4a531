package org.grace.webapp.notifications;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.grace.webapp.database.Sql;

/**
 * The one way notifications are written, inside the caller's transaction (the incident, its notifications and its
 * alert-log row commit together or not at all), and announced after it commits.
 *
 * <p><b>Ids in commit order.</b> An identity column hands out ids at insert, so two transactions can commit in the
 * opposite order of their ids, and a browser that resumed "after id 11" would never see 10. Every writer therefore
 * takes one transaction-level advisory lock before its first insert and keeps it until commit: the transactions that
 * write notifications run their inserts one after the other, so an id is never visible before a smaller one. The
 * lock is held only from the first notification insert to the commit (a few inserts and an alert-log row), so the
 * serialisation costs little; callers write notifications last in their transaction for that reason.
 */
@ApplicationScoped
public class NotificationWriter {
    /** Any constant: the advisory lock that orders notification ids by commit ("grace-nt"). */
    public static final long ORDER_LOCK = 0x67726163652d6e74L;
    static final String COLUMNS = "id, organization_id, user_id, type, title, message, priority, incident_id, link, "
            + "created_at, read_at, acknowledged_at";

    @Inject
    CareEvents events;
    @Inject
    Notifications notifications;

    /**
     * Inserts the notifications on {@code c} (a transaction the caller commits) and returns those written; a
     * recipient who already has a notification with the same dedupe key gets none.
     */
    public List<Notification> write(Connection c, List<NewNotification> batch) throws SQLException {
        if (batch.isEmpty()) {
            return List.of();
        }
        Sql.one(c, "SELECT pg_advisory_xact_lock(?)", List.of(ORDER_LOCK), rs -> Boolean.TRUE);
        List<Notification> written = new ArrayList<>(batch.size());
        for (NewNotification n : batch) {
            Sql.one(c, "INSERT INTO notifications (organization_id, user_id, type, title, message, priority, "
                            + "incident_id, link, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING "
                            + COLUMNS,
                    Sql.params(n.organizationId(), n.userId(), n.type(), n.title(), n.message(), n.priority(),
                            n.incidentId(), n.link(), n.dedupeKey()), NotificationWriter::read)
                    .ifPresent(written::add);
        }
        return written;
    }

    /** After the commit: drops each recipient's cached unread count and tells every instance. */
    public void committed(List<Notification> written) {
        for (Notification n : written) {
            notifications.unreadCountChanged(n.userId());
            events.notificationCreated(n);
        }
    }

    static Notification read(ResultSet rs) throws SQLException {
        return new Notification(rs.getLong("id"), rs.getLong("organization_id"), rs.getLong("user_id"),
                rs.getString("type"), rs.getString("title"), rs.getString("message"), rs.getString("priority"),
                Sql.nullableLong(rs, "incident_id"), rs.getString("link"), text(Sql.instant(rs, "created_at")),
                text(Sql.instant(rs, "read_at")), text(Sql.instant(rs, "acknowledged_at")));
    }

    private static String text(java.time.Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
