package org.grace.testsupport;

import java.time.Duration;

/**
 * How the servers here wait for the processes they started to end, and end those that do not: every one first asks
 * its process to stop in its own way (SIGTERM, nginx's SIGQUIT), then waits here for a grace period before SIGKILL.
 */
final class Processes {
    /** How long a process gets to go after SIGKILL. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(10);

    private Processes() {
    }

    /**
     * Whether {@code process} has ended within {@code timeout}. False too when this thread is interrupted meanwhile
     * (its interrupt flag set again), so that the caller goes on to end the process the hard way.
     */
    static boolean endsWithin(Process process, Duration timeout) {
        return Polling.upTo(timeout, process::waitFor, false);
    }

    /** Waits up to {@code grace} for {@code process}, already asked to stop, to end; then kills it. */
    static void awaitOrKill(Process process, Duration grace) {
        if (!endsWithin(process, grace)) {
            kill(process);
        }
    }

    /** SIGKILL, as a crash would, and a wait for the process to be gone. */
    static void kill(Process process) {
        process.destroyForcibly();
        endsWithin(process, AFTER_KILL);
    }
}
