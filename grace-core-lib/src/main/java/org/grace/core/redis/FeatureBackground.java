package org.grace.core.redis;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The background thread of one of the library's Redis features (the cache, the event bus): one daemon thread that
 * runs the feature's {@link RedisProbe} and its {@link ChannelSubscription}s, and whether the feature is closed. Shut
 * down once, when the feature closes, interrupting what runs on it. Used by the library's features.
 */
public final class FeatureBackground {
    private final ScheduledExecutorService executor;
    private final AtomicBoolean shutDown = new AtomicBoolean();

    /** Starts the daemon thread {@code threadName}. */
    public FeatureBackground(String threadName) {
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, threadName));
    }

    public ScheduledExecutorService executor() {
        return executor;
    }

    /** Whether the feature has been closed. */
    public boolean isShutDown() {
        return shutDown.get();
    }

    /**
     * Stops the thread, interrupting what runs on it. True for the one call that did it, so that the feature closing
     * releases the rest of what it holds once, however many threads close it.
     */
    public boolean shutDown() {
        if (!shutDown.compareAndSet(false, true)) {
            return false;
        }
        executor.shutdownNow();
        return true;
    }

    /** A daemon thread for {@code task}: the library's threads never keep a JVM from exiting. */
    public static Thread daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }
}
