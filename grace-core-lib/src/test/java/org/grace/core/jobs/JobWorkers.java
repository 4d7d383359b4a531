package org.grace.core.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.grace.testsupport.ChildJvm;

/**
 * The {@link JobWorkerMain} processes of a multi-process job IT, started together and stopped together: use it in
 * try-with-resources, and every process that was started is stopped, also when a later one fails to start.
 */
final class JobWorkers implements AutoCloseable {
    private final List<ChildJvm> processes = new ArrayList<>();

    private JobWorkers() {
    }

    /**
     * Starts one worker process per name (each with 4 threads and these lease, poll and handler times) and returns
     * when all of them have printed READY.
     */
    static JobWorkers startReady(String url, String processPrefix, List<String> workers, String leaseMillis,
            String pollMillis, String handlerMillis) {
        JobWorkers group = new JobWorkers();
        try {
            for (String worker : workers) {
                group.processes.add(ChildJvm.builder(JobWorkerMain.class).name(processPrefix + worker)
                        .args(url, worker, "4", leaseMillis, pollMillis, handlerMillis).start());
            }
            for (ChildJvm process : group.processes) {
                process.awaitLine("READY", Duration.ofSeconds(60));
            }
            return group;
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /** The processes, in the order of the names given. */
    List<ChildJvm> processes() {
        return processes;
    }

    @Override
    public void close() {
        processes.forEach(ChildJvm::close);
    }
}
