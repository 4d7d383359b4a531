package org.grace.webapp.livestream;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.grace.webapp.notifications.Notification;

/**
 * One open stream of one signed-in user. Every send goes through this object's lock, so events on one stream never
 * interleave, and a notification is written only if its id is above {@link #lastSent()}: whichever path finds it
 * first (the catch-up on connect, a pub/sub wake-up, the poll, the sweep), the stream gets it once, in id order.
 *
 * <p>States: {@code connecting} from registration until its catch-up from PostgreSQL has run (the dispatcher sends
 * it nothing else meanwhile, so the missed notifications come first), then {@code live}, then {@code closed}.
 */
final class LiveStream {
    private static final AtomicLong IDS = new AtomicLong();

    enum State { CONNECTING, LIVE, CLOSED }

    final long streamId = IDS.incrementAndGet();
    final long userId;
    final long organizationId;
    final String role;
    final Instant accessTokenExpiresAt;
    private final EventOutput output;
    private long lastSent;
    private volatile State state = State.CONNECTING;

    LiveStream(long userId, long organizationId, String role, Instant accessTokenExpiresAt, long lastSent,
               EventOutput output) {
        this.userId = userId;
        this.organizationId = organizationId;
        this.role = role;
        this.accessTokenExpiresAt = accessTokenExpiresAt;
        this.lastSent = lastSent;
        this.output = output;
    }

    /** Sets where a stream without a Last-Event-ID starts (the user's newest notification), before {@code ready}. */
    synchronized void startAt(long id) {
        lastSent = id;
    }

    /** Where its events go (for the shutdown's wait on the last writes). */
    EventOutput output() {
        return output;
    }

    State state() {
        return state;
    }

    synchronized long lastSent() {
        return lastSent;
    }

    /** The first event: where the stream starts. False when the connection is already gone. */
    synchronized boolean ready(String data, long retryMillis) {
        return state != State.CLOSED && check(output.send("ready", Long.toString(lastSent), data, null, retryMillis));
    }

    /** After the catch-up: from now on the dispatcher's live queries include this stream. */
    synchronized void goLive() {
        if (state == State.CONNECTING) {
            state = State.LIVE;
        }
    }

    /**
     * Sends the notification {@code id} unless the stream already has it (id at or below {@link #lastSent()}).
     *
     * @return true if it was written now
     */
    synchronized boolean deliver(long id, String data) {
        if (state == State.CLOSED || id <= lastSent) {
            return false;
        }
        if (!check(output.send("notification", Long.toString(id), data, null, null))) {
            return false;
        }
        lastSent = id;
        return true;
    }

    /** An event without id (notification-updated, incident-updated, reauthenticate). */
    synchronized boolean event(String name, String data) {
        return state != State.CLOSED && check(output.send(name, null, data, null, null));
    }

    synchronized boolean heartbeat() {
        return state != State.CLOSED && check(output.send(null, null, null, "heartbeat", null));
    }

    /**
     * Ends the stream because this instance stops: a last comment line ({@code : instance stopping}) says why, for
     * whoever reads the stream (browser developer tools, tests), then the browser reconnects, through the load
     * balancer, to another instance.
     */
    synchronized void closeForStop() {
        if (state != State.CLOSED) {
            output.send(null, null, null, "instance stopping", null);
            close();
        }
    }

    /** Ends the stream (idempotent); the caller removes it from the registry. */
    synchronized void close() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            output.close();
        }
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    private boolean check(boolean sent) {
        if (!sent) {
            close();
        }
        return sent;
    }

    @Override
    public String toString() {
        return "stream " + streamId + " of user " + userId + " (" + state + ", lastSent " + lastSent + ")";
    }
}
