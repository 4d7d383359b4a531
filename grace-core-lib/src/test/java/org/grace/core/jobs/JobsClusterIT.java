package org.grace.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.List;
import org.grace.testsupport.PostgresDatabase;
import org.grace.testsupport.WithPostgres;
import org.junit.jupiter.api.Test;

/**
 * Modelled on db-scheduler's cluster test: three worker processes share one table of 10,000 jobs; every job must
 * be executed exactly once and none may be left pending or running.
 */
@WithPostgres
class JobsClusterIT {
    private static final int JOBS = 10_000;

    @Test
    void threeWorkerProcessesCompleteTenThousandJobsExactlyOnce(PostgresDatabase db) {
        String url = TestDatabase.withJobsSchema(db);
        try (JobWorkers workers = JobWorkers.startReady(url, "cluster-", List.of("worker-1", "worker-2", "worker-3"),
                "30000", "1000", "0"); HikariDataSource ds = TestDatabase.pool(url, 4)) {
            long t0 = System.nanoTime();
            TestDatabase.enqueueRecordJobs(ds, 0, JOBS);

            TestDatabase.awaitNothingToDo(ds, Duration.ofSeconds(120));
            double seconds = (System.nanoTime() - t0) / 1e9;

            long executions = TestDatabase.count(ds, "SELECT count(*) FROM executions");
            long distinct = TestDatabase.count(ds, "SELECT count(DISTINCT job_id) FROM executions");
            long completed = TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs WHERE status = 'completed'");
            String perWorker = TestDatabase.text(ds,
                    "SELECT string_agg(worker || '=' || n, ', ' ORDER BY worker) FROM "
                            + "(SELECT worker, count(*) n FROM executions GROUP BY worker) w");
            System.out.printf("cluster: %d jobs, 3 processes x 4 threads: %d executions (%d distinct), %d completed, "
                    + "per worker {%s}, enqueue+drain %.1f s%n", JOBS, executions, distinct, completed, perWorker, seconds);

            assertThat(executions).as("executions recorded").isEqualTo(JOBS);
            assertThat(distinct).as("distinct jobs executed").isEqualTo(JOBS);
            assertThat(completed).as("jobs completed").isEqualTo(JOBS);
            assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs")).isEqualTo(JOBS);
            assertThat(TestDatabase.count(ds, "SELECT count(DISTINCT worker) FROM executions"))
                    .as("all three processes took part").isEqualTo(3);
        }
    }
}
