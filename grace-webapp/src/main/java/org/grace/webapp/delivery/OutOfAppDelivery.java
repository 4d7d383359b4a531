package org.grace.webapp.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.core.jobs.JobContext;
import org.grace.core.jobs.JobOptions;
import org.grace.core.jobs.Jobs;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.library.JobTypes;

/**
 * Out-of-app delivery: a message for some users becomes, inside the caller's transaction, one
 * {@code outbound_messages} row and one {@value #DELIVER} job per recipient and enabled channel that the recipient
 * has not switched off. The request or detection job that caused it never waits for a mail server: the job sends
 * later, on any instance, retried with the library's backoff ({@link MailSettings#maxAttempts()} attempts).
 *
 * <p>Sending is at least once. The row's {@code sent_at} is written after the server accepted the message, so a job
 * that runs again (its instance died between the two) finds it sent and stops; only a death in that instant between
 * the server's acceptance and the update resends, which is what SMTP allows.
 */
@ApplicationScoped
public class OutOfAppDelivery implements JobTypes {
    private static final Logger LOG = Logger.getLogger(OutOfAppDelivery.class.getName());
    /** Job type: send one stored message. */
    public static final String DELIVER = "deliver-message";

    /** The job's payload: the stored message's id (the text stays in the table, out of the job queue). */
    public record Delivery(long messageId) {
    }

    @Inject
    DataSource dataSource;
    @Inject
    Jobs jobs;
    @Inject
    MailSettings mail;
    @Inject
    @Any
    Instance<Notifier> notifiers;

    @Override
    public void registerOn(Jobs.Builder builder) {
        builder.handler(DELIVER, Delivery.class, this::deliver);
    }

    /**
     * Queues {@code subject}/{@code body} for each of {@code userIds} (users of {@code organizationId}) on each of
     * their channels, on {@code c} inside the caller's transaction: the messages exist and go out only if it
     * commits. {@code dedupeKey} (e.g. {@code incident:42:escalation:1}) makes a second call for the same event queue
     * nothing. Returns how many messages were queued (0 when every channel is off).
     */
    public int enqueue(Connection c, long organizationId, Collection<Long> userIds, String subject, String body,
                       String dedupeKey) throws SQLException {
        if (userIds.isEmpty()) {
            return 0;
        }
        int queued = 0;
        for (Notifier notifier : notifiers) {
            if (!notifier.isEnabled()) {
                continue;
            }
            for (Recipient r : recipients(c, organizationId, userIds, notifier.channel())) {
                Optional<Long> id = insert(c, organizationId, r.userId(), notifier.channel(),
                        notifier.addressOf(r.email()), clip(subject, 300), clip(body, 10000), dedupeKey);
                if (id.isPresent()) {
                    jobs.enqueue(c, DELIVER, new Delivery(id.get()), JobOptions.builder()
                            .maxAttempts(mail.maxAttempts()).idempotencyKey("outbound:" + id.get()).build());
                    queued++;
                }
            }
        }
        return queued;
    }

    private record Recipient(long userId, String email) {
    }

    /** The users of the organisation among {@code userIds} who have not switched {@code channel} off. */
    private static List<Recipient> recipients(Connection c, long organizationId, Collection<Long> userIds,
                                              String channel) throws SQLException {
        return Sql.list(c, "SELECT u.id, u.email FROM users u "
                + "LEFT JOIN user_delivery_channels p ON p.user_id = u.id AND p.channel = ? "
                + "WHERE u.id = ANY (?) AND u.organization_id = ? AND coalesce(p.enabled, true) ORDER BY u.id",
                Sql.params(channel, c.createArrayOf("bigint", userIds.toArray()), organizationId),
                rs -> new Recipient(rs.getLong(1), rs.getString(2)));
    }

    private static Optional<Long> insert(Connection c, long organizationId, long userId, String channel,
                                         String address, String subject, String body, String dedupeKey)
            throws SQLException {
        return Sql.one(c, "INSERT INTO outbound_messages (organization_id, user_id, channel, address, subject, body, "
                + "dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, user_id, dedupe_key) DO NOTHING "
                + "RETURNING id", Sql.params(organizationId, userId, channel, address, subject, body, dedupeKey),
                rs -> rs.getLong(1));
    }

    void deliver(Delivery delivery, JobContext ctx) throws Exception {
        Optional<OutboundMessage> message = Transactions.inTransaction(dataSource, c -> load(c, delivery.messageId()));
        if (message.isEmpty()) {
            return; // sent already (a second run of the job), or the user was deleted
        }
        OutboundMessage m = message.get();
        Notifier notifier = notifierFor(m.channel());
        if (notifier == null || !notifier.isEnabled()) {
            // The channel was switched off on this deployment since the message was queued: fail loudly, so the
            // message stays visible in the failed jobs and can be retried once the channel is back.
            throw new IllegalStateException("channel '" + m.channel() + "' is off on this instance; message "
                    + m.id() + " not sent");
        }
        try {
            notifier.send(m);
        } catch (Exception e) {
            Transactions.inTransaction(dataSource, c -> Sql.update(c, "UPDATE outbound_messages SET attempts = "
                    + "attempts + 1, last_error = ? WHERE id = ?", Sql.params(clip(String.valueOf(e), 1000), m.id())));
            LOG.warning(() -> "grace: " + m.channel() + " message " + m.id() + " not sent (attempt " + ctx.attempt()
                    + " of " + ctx.maxAttempts() + "): " + e);
            throw e;
        }
        Transactions.inTransaction(dataSource, c -> Sql.update(c, "UPDATE outbound_messages SET attempts = "
                + "attempts + 1, sent_at = now(), last_error = NULL WHERE id = ?", Sql.params(m.id())));
    }

    private static Optional<OutboundMessage> load(Connection c, long id) throws SQLException {
        return Sql.one(c, "SELECT id, user_id, channel, address, subject, body FROM outbound_messages "
                + "WHERE id = ? AND sent_at IS NULL", Sql.params(id), rs -> new OutboundMessage(rs.getLong(1),
                rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
    }

    private Notifier notifierFor(String channel) {
        for (Notifier n : notifiers) {
            if (n.channel().equals(channel)) {
                return n;
            }
        }
        return null;
    }

    /** The channels this deployment can deliver on now. */
    public List<String> availableChannels() {
        List<String> out = new ArrayList<>();
        for (Notifier n : notifiers) {
            if (n.isEnabled()) {
                out.add(n.channel());
            }
        }
        return out;
    }

    /** Every channel this build knows, configured or not. */
    public List<String> knownChannels() {
        List<String> out = new ArrayList<>();
        for (Notifier n : notifiers) {
            out.add(n.channel());
        }
        return out;
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
