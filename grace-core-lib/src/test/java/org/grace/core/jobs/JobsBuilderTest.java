package org.grace.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Validation of the builders and the schedule text form; no database needed (nothing connects before start). */
class JobsBuilderTest {
    private final DataSource unused = new org.postgresql.ds.PGSimpleDataSource();

    @Test
    void rejectsBadSettingsNamingTheSetting() {
        Jobs.Builder b = Jobs.builder(unused);
        assertThatThrownBy(() -> b.batchSize(0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> b.queue("default", 0)).hasMessageContaining("concurrency of queue 'default'");
        assertThatThrownBy(() -> b.queue(" ", 1)).hasMessageContaining("queue");
        assertThatThrownBy(() -> b.pollInterval(Duration.ZERO)).hasMessageContaining("pollInterval");
        assertThatThrownBy(() -> b.leaseDuration(Duration.ofMillis(10))).hasMessageContaining("leaseDuration");
        assertThatThrownBy(() -> b.retryDelay(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("max retry delay");
        assertThatThrownBy(() -> b.retention(Duration.ofSeconds(-1))).hasMessageContaining("retention");
        assertThatThrownBy(() -> b.maxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> Jobs.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("dataSource");
    }

    @Test
    void rejectsASecondHandlerForOneTypeAndASecondScheduleOfOneName() {
        Jobs.Builder b = Jobs.builder(unused).handler("t", String.class, (p, ctx) -> { });
        assertThatThrownBy(() -> b.handler("t", String.class, (p, ctx) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'t' is already registered");
        b.recurring("r", Schedule.every(Duration.ofMinutes(1)), "t", "x");
        assertThatThrownBy(() -> b.recurring("r", Schedule.every(Duration.ofMinutes(1)), "t", "x"))
                .hasMessageContaining("'r' is already registered");
        assertThatThrownBy(() -> b.recurring("k", Schedule.every(Duration.ofMinutes(1)), "t", "x",
                JobOptions.builder().idempotencyKey("k").build())).hasMessageContaining("the schedule decides");
    }

    @Test
    void jobOptionsValidateAndKeepOnlyOneOfDelayAndRunAt() {
        assertThatThrownBy(() -> JobOptions.builder().delay(Duration.ofSeconds(-1))).hasMessageContaining("delay");
        assertThatThrownBy(() -> JobOptions.builder().maxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> JobOptions.builder().idempotencyKey("")).hasMessageContaining("idempotencyKey");
        assertThatThrownBy(() -> JobOptions.builder().idempotencyKey("x".repeat(501)))
                .hasMessageContaining("idempotencyKey");
        JobOptions o = JobOptions.builder().delay(Duration.ofSeconds(5)).runAt(Instant.EPOCH).build();
        assertThat(o.delay()).isNull();
        assertThat(o.runAt()).isEqualTo(Instant.EPOCH);
        assertThat(JobOptions.DEFAULTS.queue()).isEqualTo("default");
        assertThat(JobOptions.DEFAULTS.maxAttempts()).isNull();
    }

    @Test
    void schedulesSurviveTheirTextForm() {
        for (Schedule s : List.of(Schedule.every(Duration.ofMinutes(5)), Schedule.cron("0 */5 * * * *"),
                Schedule.cron("0 9 * * MON-FRI", java.time.ZoneId.of("Europe/Paris")))) {
            Schedule back = Schedule.parse(s.toString());
            assertThat(back.toString()).isEqualTo(s.toString());
            Instant t = Instant.parse("2026-11-27T10:03:17Z");
            assertThat(back.next(t)).isEqualTo(s.next(t));
        }
        assertThat(Schedule.every(Duration.ofMinutes(5)).next(Instant.parse("2026-11-27T10:03:17Z")))
                .isEqualTo(Instant.parse("2026-11-27T10:08:17Z"));
        assertThatThrownBy(() -> Schedule.every(Duration.ofMillis(10))).hasMessageContaining("at least 1 second");
        assertThatThrownBy(() -> Schedule.parse("hourly")).hasMessageContaining("not a schedule");
    }

    @Test
    void theSchemaScriptSplitsIntoItsStatements() {
        List<String> statements = JobsSchema.statements();
        assertThat(statements).hasSize(6);
        assertThat(statements).allMatch(s -> s.contains("IF NOT EXISTS"));
    }
}
