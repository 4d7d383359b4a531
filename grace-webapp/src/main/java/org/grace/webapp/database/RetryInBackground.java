package org.grace.webapp.database;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A start-up step that needs a server which may not be up yet (the schema migration, the job system): tried at once,
 * and while it fails, again every few seconds on a daemon thread of its own until it succeeds or {@link #stop()}.
 * The step reports its own failures; it returns whether it is done.
 */
public final class RetryInBackground {
    private final ScheduledExecutorService retries;

    private RetryInBackground(ScheduledExecutorService retries) {
        this.retries = retries;
    }

    /** Runs {@code step} now and, until it returns true, every {@code seconds} on the thread {@code threadName}. */
    public static RetryInBackground start(String threadName, long seconds, BooleanSupplier step) {
        if (step.getAsBoolean()) {
            return new RetryInBackground(null);
        }
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        retries.scheduleWithFixedDelay(() -> {
            if (step.getAsBoolean()) {
                retries.shutdown();
            }
        }, seconds, seconds, TimeUnit.SECONDS);
        return new RetryInBackground(retries);
    }

    /** Stops retrying (the application is going down); a step running now is interrupted. */
    public void stop() {
        if (retries != null) {
            retries.shutdownNow();
        }
    }
}
