package org.grace.core.jobs;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * LISTENs on the job channel on one dedicated connection and wakes the worker of the queue named in each
 * notification. Each time LISTEN takes effect (at start and after a reconnect) it wakes every worker once, because
 * notifications sent before were lost. When the connection breaks (PostgreSQL restarted, network cut) it reconnects
 * with backoff; polling covers the time in between.
 */
final class NotificationListener implements Runnable {
    private static final System.Logger LOG = System.getLogger(NotificationListener.class.getName());
    private static final int RECEIVE_TIMEOUT_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final DataSource dataSource;
    private final Consumer<String> onQueueNotified;
    private final Runnable onConnected;
    private volatile boolean stopping;
    private Thread thread;

    NotificationListener(DataSource dataSource, Consumer<String> onQueueNotified, Runnable onConnected) {
        this.dataSource = dataSource;
        this.onQueueNotified = onQueueNotified;
        this.onConnected = onConnected;
    }

    void start(String threadName) {
        thread = new Thread(this, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        stopping = true;
        if (thread != null) {
            try {
                thread.join(RECEIVE_TIMEOUT_MILLIS * 4L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        long backoff = 100;
        boolean down = false;
        while (!stopping) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                PGConnection pg = c.unwrap(PGConnection.class);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + JobStore.CHANNEL);
                }
                if (down) {
                    LOG.log(Level.INFO, "grace jobs: listening for job notifications again");
                }
                down = false;
                backoff = 100;
                // Notifications sent before LISTEN took effect (start-up, or while reconnecting) are lost.
                onConnected.run();
                try {
                    while (!stopping) {
                        PGNotification[] notifications = pg.getNotifications(RECEIVE_TIMEOUT_MILLIS);
                        if (notifications != null) {
                            for (PGNotification n : notifications) {
                                onQueueNotified.accept(n.getParameter());
                            }
                        }
                    }
                } finally {
                    unlisten(c);
                }
            } catch (SQLException | RuntimeException e) {
                if (stopping) {
                    break;
                }
                if (!down) {
                    LOG.log(Level.WARNING, "grace jobs: lost the notification connection ({0}); polling until it "
                            + "is back, reconnecting", e.getMessage());
                    down = true;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    /** A pooled connection goes back to the pool: it must not keep receiving our notifications. */
    private static void unlisten(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("UNLISTEN *");
        } catch (SQLException ignored) {
            // the connection is broken; the pool will discard it
        }
    }
}
