package org.grace.core.jobs;

import java.time.Duration;
import java.util.List;
import org.grace.testsupport.ChildJvm;

/** Starts {@link JobWorkerMain} processes for the multi-process job ITs and waits until each one is ready. */
final class JobWorkers {
    private JobWorkers() {
    }

    /**
     * Starts one worker process per name (each with 4 threads and these lease, poll and handler times) and adds it to
     * {@code started} at once, so that the caller's {@code finally} stops every process that was started even when a
     * later one fails; returns when all of them have printed READY.
     */
    static void startReady(List<ChildJvm> started, String url, String processPrefix, List<String> workers,
            String leaseMillis, String pollMillis, String handlerMillis) {
        for (String worker : workers) {
            started.add(ChildJvm.builder(JobWorkerMain.class).name(processPrefix + worker)
                    .args(url, worker, "4", leaseMillis, pollMillis, handlerMillis).start());
        }
        for (ChildJvm process : started) {
            process.awaitLine("READY", Duration.ofSeconds(60));
        }
    }
}
