package org.grace.testsupport;

/** The short waits of the throwaway servers while they poll a process or a port. */
final class Polling {
    private Polling() {
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
