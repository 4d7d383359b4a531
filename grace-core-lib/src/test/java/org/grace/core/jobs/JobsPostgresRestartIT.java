package org.grace.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.List;
import org.grace.testsupport.ChildJvm;
import org.grace.testsupport.PostgresDatabase;
import org.grace.testsupport.WithPostgres;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL is stopped and started again while two worker processes are busy: they carry on without a restart
 * of their own, jobs enqueued after the restart are picked up, and no job is lost.
 */
@WithPostgres
class JobsPostgresRestartIT {
    private static final int BEFORE = 3_000;
    private static final int AFTER = 500;

    @Test
    void workersCarryOnAfterAPostgresRestartAndNothingIsLost(PostgresDatabase db) throws Exception {
        String url = TestDatabase.withJobsSchema(db);
        try (JobWorkers group = JobWorkers.startReady(url, "restart-", List.of("worker-1", "worker-2"), "2000", "500",
                "3"); HikariDataSource ds = TestDatabase.pool(url, 4)) {
            List<ChildJvm> workers = group.processes();
            List<Long> pids = workers.stream().map(ChildJvm::pid).toList();
            TestDatabase.enqueueRecordJobs(ds, 0, BEFORE);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> TestDatabase.count(ds, "SELECT count(*) FROM executions") >= 300);

            db.server().stop();
            long beforeStop = System.nanoTime();
            Thread.sleep(2_000); // an outage, not an assertion
            db.server().restart();
            System.out.printf("restart: PostgreSQL was down for %.1f s%n", (System.nanoTime() - beforeStop) / 1e9);

            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> TestDatabase.count(ds, "SELECT 1") == 1);
            String restartedAt = TestDatabase.text(ds, "SELECT now()::text");
            TestDatabase.enqueueRecordJobs(ds, BEFORE, AFTER);

            TestDatabase.awaitNothingToDo(ds, Duration.ofSeconds(90));

            int total = BEFORE + AFTER;
            long completed = TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs WHERE status = 'completed'");
            long distinct = TestDatabase.count(ds, "SELECT count(DISTINCT job_id) FROM executions");
            long executions = TestDatabase.count(ds, "SELECT count(*) FROM executions");
            String afterRestart = TestDatabase.text(ds, "SELECT string_agg(worker || '=' || n, ', ' ORDER BY worker) "
                    + "FROM (SELECT worker, count(*) n FROM executions WHERE at > '" + restartedAt + "' GROUP BY worker) w");
            System.out.printf("restart: %d jobs, %d completed, %d executions (%d distinct), after restart {%s}%n",
                    total, completed, executions, distinct, afterRestart);

            assertThat(completed).as("completed").isEqualTo(total);
            assertThat(distinct).as("every job executed").isEqualTo(total);
            assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs")).isEqualTo(total);
            assertThat(workers).allMatch(ChildJvm::isAlive);
            assertThat(workers.stream().map(ChildJvm::pid).toList()).isEqualTo(pids);
            assertThat(TestDatabase.count(ds, "SELECT count(DISTINCT worker) FROM executions WHERE at > '"
                    + restartedAt + "'")).as("both processes worked after the restart").isEqualTo(2);
        }
    }
}
