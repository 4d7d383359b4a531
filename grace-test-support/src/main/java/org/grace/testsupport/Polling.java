package org.grace.testsupport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The short waits of the throwaway servers while they poll a process or a port. */
final class Polling {
    private Polling() {
    }

    /** A wait of at most a given time that an interrupt cuts short: {@code Process::waitFor}, a queue's poll. */
    @FunctionalInterface
    interface TimedWait<T> {
        T await(long timeout, TimeUnit unit) throws InterruptedException;
    }

    /**
     * What {@code wait} gives within {@code timeout}, or {@code ifInterrupted} when an interrupt cuts the wait short
     * (the interrupt is kept for the caller's caller to see).
     */
    static <T> T upTo(Duration timeout, TimedWait<T> wait, T ifInterrupted) {
        try {
            return wait.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ifInterrupted;
        }
    }

    /** Sleeps; an interrupt is kept and turned into an exception, so a cancelled test run stops polling. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a throwaway server", e);
        }
    }
}
