package org.grace.core.redis;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.StringCodec;

/**
 * One Redis pub/sub channel heard by a Grace feature: the cache's invalidations, an event bus topic. Used by the
 * library's features, not meant for applications.
 *
 * <p>A subscription that fails (Redis down at the time) is reported to the feature's {@link RedisAvailability} and
 * retried every second on the feature's background executor until it holds; after that Redisson resubscribes by
 * itself on reconnect. Messages published meanwhile are lost for this instance, which is why a feature that keeps
 * state derived from the messages (the cache's level 1) can ask to hear every (re)subscription that may have
 * followed lost messages: every one except the subscription {@link #open()} made and waited for, which missed
 * nothing.
 */
public final class ChannelSubscription {
    private static final System.Logger LOG = System.getLogger(ChannelSubscription.class.getName());
    private static final long RETRY_MILLIS = 1000;

    private final String feature;
    private final String channel;
    private final RTopic topic;
    private final RedisAvailability availability;
    private final ScheduledExecutorService retries;
    private final Consumer<String> onMessage;
    private final Runnable onResubscribe;
    /** Set while {@link #open()} subscribes: the status event confirming that subscription needs no reaction. */
    private final AtomicBoolean nextSubscribeIsOpen = new AtomicBoolean();
    private Integer messageListenerId;
    private Integer statusListenerId;
    private volatile boolean subscribed;
    private volatile boolean closed;

    /**
     * @param feature       names the feature in the log line of a failed subscription
     * @param retries       where failed subscriptions are retried; owned by the feature
     * @param onMessage     hears each message, on Redisson's pub/sub thread: keep it short
     * @param onResubscribe hears each (re)subscription that may have followed lost messages; null for none
     */
    public ChannelSubscription(String feature, RedissonClient redis, String channel, RedisAvailability availability,
                               ScheduledExecutorService retries, Consumer<String> onMessage, Runnable onResubscribe) {
        this.feature = Objects.requireNonNull(feature, "feature");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.topic = redis.getTopic(channel, StringCodec.INSTANCE);
        this.availability = Objects.requireNonNull(availability, "availability");
        this.retries = Objects.requireNonNull(retries, "retries");
        this.onMessage = Objects.requireNonNull(onMessage, "onMessage");
        this.onResubscribe = onResubscribe;
    }

    /**
     * Subscribes and waits for it (with Redis down, the client's connect timeout and retry); on failure keeps
     * retrying in the background. Returns whether the channel is subscribed now.
     */
    public synchronized boolean open() {
        nextSubscribeIsOpen.set(true);
        subscribe();
        if (!subscribed) {
            nextSubscribeIsOpen.set(false);
        }
        return subscribed;
    }

    /** Whether messages on the channel reach this instance now (false while a failed subscription is retried). */
    public boolean isSubscribed() {
        return subscribed;
    }

    /** Stops listening and retrying; the Redisson client stays open (it is shared). */
    public synchronized void close() {
        closed = true;
        subscribed = false;
        try {
            if (messageListenerId != null) {
                topic.removeListener(messageListenerId);
            }
            if (statusListenerId != null) {
                topic.removeListener(statusListenerId);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "grace {0}: could not unsubscribe from {1}: {2}", feature, channel, e.toString());
        }
        messageListenerId = null;
        statusListenerId = null;
    }

    private synchronized void subscribe() {
        if (closed) {
            return;
        }
        try {
            if (onResubscribe != null && statusListenerId == null) {
                statusListenerId = topic.addListener(new StatusListener() {
                    @Override
                    public void onSubscribe(String ch) {
                        // Fires on the first subscription and again after every reconnect.
                        if (!nextSubscribeIsOpen.getAndSet(false) && !closed) {
                            onResubscribe.run();
                        }
                    }

                    @Override
                    public void onUnsubscribe(String ch) {
                        // Only on an explicit unsubscribe; a dropped connection is seen as a resubscribe later.
                    }
                });
            }
            if (messageListenerId == null) {
                messageListenerId = topic.addListener(String.class, (ch, message) -> onMessage.accept(message));
            }
            subscribed = true;
        } catch (RuntimeException e) {
            availability.recordFailure(e);
            LOG.log(Level.INFO, "grace {0}: subscribing to {1} failed ({2}); retrying every second, messages on it are "
                    + "not heard here until then", feature, channel, e.getClass().getSimpleName());
            try {
                retries.schedule(this::subscribe, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shutDown) {
                // The feature is closing.
            }
        }
    }
}
