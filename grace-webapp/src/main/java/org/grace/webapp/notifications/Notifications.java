package org.grace.webapp.notifications;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.grace.webapp.care.CareCache;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;

/**
 * A user's notifications: the list (unread first, newest first, keyset pages), the unread count, read / unread, and
 * the acknowledgement of an incident's notifications. Only the owner ever reads or changes a notification: every
 * statement filters on the user id from the verified token.
 *
 * <p>The unread count is asked for by every screen, so it is cached ({@code user:<id>:unread}) and evicted after
 * each change. Its TTL is short ({@link #UNREAD_TTL}): a read that loaded the count just before a change committed
 * can put the old number back after the eviction, and the TTL bounds how long.
 */
@ApplicationScoped
public class Notifications {
    public static final Duration UNREAD_TTL = Duration.ofSeconds(30);
    public static final int MAX_PAGE = 200;

    /** Cached shape of the unread count. */
    public record UnreadCount(long unread) {
    }

    /** A page of the list; {@code nextCursor} is null on the last page. */
    public record Page(List<Notification> items, String nextCursor) {
    }

    @Inject
    DataSource dataSource;
    @Inject
    CareCache cache;
    @Inject
    CareEvents events;

    public long unreadCount(long userId) {
        return cache.get(unreadKey(userId), UnreadCount.class, UNREAD_TTL, () -> Transactions.inTransaction(dataSource,
                c -> new UnreadCount(Sql.one(c, "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
                        List.of(userId), rs -> rs.getLong(1)).orElse(0L)))).unread();
    }

    /**
     * Unread first, each part newest first. The cursor is {@code u<id>} (still in the unread part, below that id) or
     * {@code r<id>} (in the read part); anything else is the first page.
     */
    public Page list(long userId, boolean unreadOnly, String cursor, int limit) {
        boolean inRead = cursor != null && cursor.startsWith("r");
        long below = cursorId(cursor);
        return Transactions.inTransaction(dataSource, c -> {
            List<Notification> items = new ArrayList<>();
            if (!inRead) {
                items.addAll(Sql.list(c, "SELECT " + NotificationWriter.COLUMNS + " FROM notifications WHERE user_id = ? "
                                + "AND read_at IS NULL AND id < ? ORDER BY id DESC LIMIT ?",
                        List.of(userId, below, limit + 1), NotificationWriter::read));
                if (items.size() > limit) {
                    items = new ArrayList<>(items.subList(0, limit));
                    return new Page(items, "u" + items.get(items.size() - 1).id());
                }
                if (unreadOnly) {
                    return new Page(items, null);
                }
            }
            long readBelow = inRead ? below : Long.MAX_VALUE;
            int room = limit - items.size();
            List<Notification> read = Sql.list(c, "SELECT " + NotificationWriter.COLUMNS + " FROM notifications "
                    + "WHERE user_id = ? AND read_at IS NOT NULL AND id < ? ORDER BY id DESC LIMIT ?",
                    List.of(userId, readBelow, room + 1), NotificationWriter::read);
            String next = null;
            if (read.size() > room) {
                read = read.subList(0, room);
                next = read.isEmpty() ? "r" + Long.MAX_VALUE : "r" + read.get(read.size() - 1).id();
            }
            items.addAll(read);
            return new Page(items, next);
        });
    }

    /** Marks the user's notification read or unread; false when the user has no such notification. */
    public boolean mark(long organizationId, long userId, long notificationId, boolean read) {
        int changed = Transactions.inTransaction(dataSource, c -> Sql.update(c, "UPDATE notifications SET read_at = "
                        + (read ? "coalesce(read_at, now())" : "NULL") + " WHERE id = ? AND user_id = ?",
                List.of(notificationId, userId)));
        if (changed == 0) {
            return false;
        }
        unreadCountChanged(userId);
        events.notificationsChanged(new CareEvents.NotificationsChanged(organizationId, userId,
                List.of(notificationId), read ? "read" : "unread", Instant.now().toString()));
        return true;
    }

    /** Marks every unread notification of the user read; returns how many. */
    public int markAllRead(long organizationId, long userId) {
        List<Long> ids = Transactions.inTransaction(dataSource, c -> Sql.list(c, "UPDATE notifications SET read_at = "
                + "now() WHERE user_id = ? AND read_at IS NULL RETURNING id", List.of(userId), rs -> rs.getLong(1)));
        if (!ids.isEmpty()) {
            unreadCountChanged(userId);
            events.notificationsChanged(new CareEvents.NotificationsChanged(organizationId, userId, ids, "read",
                    Instant.now().toString()));
        }
        return ids.size();
    }

    /**
     * Marks every notification of the incident acknowledged, on {@code c} (the acknowledging transaction); returns
     * the ids changed per user, for {@link #acknowledgedCommitted}.
     */
    public Map<Long, List<Long>> acknowledgeIncident(Connection c, long organizationId, long incidentId)
            throws SQLException {
        Map<Long, List<Long>> byUser = new LinkedHashMap<>();
        Sql.list(c, "UPDATE notifications SET acknowledged_at = now() WHERE incident_id = ? AND organization_id = ? "
                        + "AND acknowledged_at IS NULL RETURNING user_id, id", List.of(incidentId, organizationId),
                rs -> byUser.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getLong(2)));
        return byUser;
    }

    public void acknowledgedCommitted(long organizationId, Map<Long, List<Long>> byUser) {
        String now = Instant.now().toString();
        byUser.forEach((userId, ids) -> events.notificationsChanged(
                new CareEvents.NotificationsChanged(organizationId, userId, List.copyOf(ids), "acknowledged", now)));
    }

    /** Notifications of the user with an id above {@code afterId}, oldest first: the live stream's catch-up. */
    public List<Notification> after(long userId, long afterId, int limit) {
        return Transactions.inTransaction(dataSource, c -> Sql.list(c, "SELECT " + NotificationWriter.COLUMNS
                + " FROM notifications WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?",
                List.of(userId, afterId, limit), NotificationWriter::read));
    }

    /**
     * Notifications of any of {@code userIds} with an id above {@code afterId}, oldest first: the live stream's one
     * query per instance for all its connected users.
     */
    public List<Notification> afterForUsers(java.util.Collection<Long> userIds, long afterId, int limit) {
        return Transactions.inTransaction(dataSource, c -> Sql.list(c, "SELECT " + NotificationWriter.COLUMNS
                + " FROM notifications WHERE id > ? AND user_id = ANY (?::bigint[]) ORDER BY id LIMIT ?",
                Sql.params(afterId, List.copyOf(userIds), limit), NotificationWriter::read));
    }

    /** The newest notification id of the user (0 when none), or of everyone when {@code userId} is null. */
    public long newestId(Long userId) {
        return Transactions.inTransaction(dataSource, c -> userId == null
                ? Sql.one(c, "SELECT coalesce(max(id), 0) FROM notifications", List.of(), rs -> rs.getLong(1))
                        .orElse(0L)
                : Sql.one(c, "SELECT coalesce(max(id), 0) FROM notifications WHERE user_id = ?", List.of(userId),
                        rs -> rs.getLong(1)).orElse(0L));
    }

    public void unreadCountChanged(long userId) {
        cache.evict(unreadKey(userId));
    }

    private static String unreadKey(long userId) {
        return "user:" + userId + ":unread";
    }

    private static long cursorId(String cursor) {
        if (cursor == null || cursor.length() < 2) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(cursor.substring(1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
