package org.grace.webapp.livestream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.grace.webapp.notifications.Notification;

/**
 * The instance's one reader of new notifications for its streams. One thread runs every query, so at most one is in
 * flight; a wake-up that arrives meanwhile makes it run once more (any number of wake-ups during a query coalesce into
 * that one re-run).
 *
 * <p>Two kinds of query, both on this thread:
 * <ul>
 *   <li><b>catch-up</b> of a stream that connected: its user's notifications above its {@code lastSent}; then the
 *       stream is live. Running it here, not on the request thread, is what makes the hand-over exact: the previous
 *       live query saw at most what was committed before this catch-up started, and notification ids become visible
 *       in commit order ({@code NotificationWriter}), so every notification the catch-up did not see has an id above
 *       the high-water mark of the next live query.</li>
 *   <li><b>live</b>: {@code id > highWater AND user_id = ANY(users with a live stream)}, one query for all of them,
 *       each row handed to the live streams of its user; the high-water mark then moves to the last row.</li>
 * </ul>
 * A notification found twice (by the catch-up and a live query, or by two wake-ups) is written once: each stream
 * sends only ids above its own {@code lastSent}.
 */
final class Dispatcher {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
    static final String CATCH_UP = "catch-up";
    /** Rows per query; a full page is followed by the next at once. */
    static final int PAGE = 500;

    /** PostgreSQL, as the dispatcher reads it. */
    interface Source {
        /** The newest notification id of anyone (0 when none). */
        long newestId();

        List<Notification> forUsers(Collection<Long> userIds, long afterId, int limit);

        List<Notification> forUser(long userId, long afterId, int limit);
    }

    /** Writes a found notification on a stream, and counts. */
    interface Delivery {
        void query(String path);

        void deliver(LiveStream stream, Notification notification, String path);
    }

    private final StreamRegistry registry;
    private final Source source;
    private final Delivery delivery;
    private final Object lock = new Object();
    private final ArrayDeque<LiveStream> connecting = new ArrayDeque<>();
    private String wakePath;
    private boolean stopped;
    private long highWater = -1;
    private Thread thread;

    Dispatcher(StreamRegistry registry, Source source, Delivery delivery) {
        this.registry = registry;
        this.source = source;
        this.delivery = delivery;
    }

    /** A registered stream that has had its {@code ready}: catch it up, then make it live. */
    void connected(LiveStream stream) {
        synchronized (lock) {
            connecting.add(stream);
            lock.notifyAll();
        }
    }

    /** Asks for a live query; {@code path} (pubsub, poll, sweep) labels it if no other is pending. */
    void wake(String path) {
        synchronized (lock) {
            if (wakePath == null) {
                wakePath = path;
            }
            lock.notifyAll();
        }
    }

    long highWater() {
        return highWater;
    }

    /**
     * Runs the pending catch-ups and the pending live query (on the calling thread: the dispatcher's, or a unit
     * test's); false when nothing was pending.
     */
    boolean runPending() {
        List<LiveStream> catchUps;
        String path;
        synchronized (lock) {
            catchUps = new ArrayList<>(connecting);
            connecting.clear();
            path = wakePath;
            wakePath = null;
        }
        if (catchUps.isEmpty() && path == null) {
            return false;
        }
        try {
            if (highWater < 0) {
                highWater = source.newestId();
            }
            while (!catchUps.isEmpty()) {
                catchUp(catchUps.get(0));
                catchUps.remove(0);
            }
            if (path != null) {
                live(path);
                path = null;
            }
        } catch (RuntimeException e) {
            // PostgreSQL failed: keep what is left for the next run (the timer wakes it again).
            synchronized (lock) {
                for (int i = catchUps.size() - 1; i >= 0; i--) {
                    connecting.addFirst(catchUps.get(i));
                }
                if (path != null && wakePath == null) {
                    wakePath = path;
                }
            }
            throw e;
        }
        return true;
    }

    private void catchUp(LiveStream stream) {
        if (stream.isClosed()) {
            return;
        }
        long after = stream.lastSent();
        List<Notification> rows;
        do {
            delivery.query(CATCH_UP);
            rows = source.forUser(stream.userId, after, PAGE);
            for (Notification n : rows) {
                delivery.deliver(stream, n, CATCH_UP);
                after = n.id();
            }
        } while (rows.size() == PAGE && !stream.isClosed());
        stream.goLive();
    }

    private void live(String path) {
        List<Long> users = registry.liveUsers();
        if (users.isEmpty()) {
            return;
        }
        List<Notification> rows;
        do {
            delivery.query(path);
            rows = source.forUsers(users, highWater, PAGE);
            for (Notification n : rows) {
                for (LiveStream s : registry.of(n.userId())) {
                    if (s.state() == LiveStream.State.LIVE) {
                        delivery.deliver(s, n, path);
                    }
                }
                highWater = Math.max(highWater, n.id());
            }
        } while (rows.size() == PAGE);
    }

    void start() {
        thread = new Thread(this::loop, "grace-stream-dispatcher");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
    }

    private void loop() {
        while (true) {
            synchronized (lock) {
                while (!stopped && connecting.isEmpty() && wakePath == null) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopped) {
                    return;
                }
            }
            try {
                runPending();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "grace: live stream query failed, retrying in 1 s: " + e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }
}
