package org.grace.webapp.delivery;

/**
 * One out-of-app channel (e-mail today; SMS or push is one more class implementing this). A notifier only sends:
 * who gets what, the per-user choice of channels, the one job per message, its retries and the record of what was
 * sent are {@link OutOfAppDelivery}'s, so a new channel inherits them.
 *
 * <p>Implementations are {@code @ApplicationScoped} CDI beans; {@link OutOfAppDelivery} finds them all.
 */
public interface Notifier {
    /** The channel's name as users choose it and as it is stored: {@code email}, later {@code sms}, {@code push}. */
    String channel();

    /** False when the channel is not configured on this deployment: nothing is queued for it then. */
    boolean isEnabled();

    /** The user's address on this channel (an e-mail address, a phone number), from the users table's row. */
    String addressOf(String email);

    /**
     * Sends one message, synchronously, on a job worker thread. Throwing means "not sent": the job is retried with
     * the library's backoff. It must give up within a bounded time (timeouts), never hang.
     */
    void send(OutboundMessage message) throws Exception;
}
