package org.grace.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the servers here wait for the processes they started to end, and end those that do not: every one first asks
 * its process to stop in its own way (SIGTERM, nginx's SIGQUIT), then waits here for a grace period before SIGKILL.
 * And what stops them if the JVM that started them exits first ({@link #stoppedAtExit}).
 */
final class Processes {
    /** How long a process gets to go after SIGKILL. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(10);
    /** How long the servers still running when the JVM exits get, together, after SIGTERM. */
    private static final Duration AT_EXIT = Duration.ofSeconds(5);
    /** Processes started here that have not ended yet. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Processes::stopRunning, "grace-test-servers-stop"));
    }

    private Processes() {
    }

    /**
     * {@code process}, just started by a server here, to be stopped if this JVM exits while it still runs: a test
     * run or benchmark killed (Ctrl-C, SIGTERM, a fork timed out) must not leave its servers behind. Returns it.
     */
    static Process stoppedAtExit(Process process) {
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
        return process;
    }

    /** SIGTERM to every process still running, then SIGKILL to those not gone within {@link #AT_EXIT}. */
    private static void stopRunning() {
        List<Process> left = List.copyOf(RUNNING);
        left.forEach(Process::destroy);
        long deadline = System.nanoTime() + AT_EXIT.toNanos();
        for (Process p : left) {
            if (!endsWithin(p, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                p.destroyForcibly();
            }
        }
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
