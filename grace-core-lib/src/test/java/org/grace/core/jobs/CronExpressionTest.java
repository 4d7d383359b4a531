package org.grace.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronExpressionTest {
    private static final ZoneId UTC = ZoneId.of("UTC");

    private static ZonedDateTime at(String iso) {
        return ZonedDateTime.parse(iso + "Z").withZoneSameInstant(UTC);
    }

    @ParameterizedTest(name = "{0} after {1} is {2}")
    @CsvSource(delimiter = '|', value = {
            // six fields, seconds first
            "0 */5 * * * *      | 2026-11-27T10:03:17 | 2026-11-27T10:05:00",
            "0 */5 * * * *      | 2026-11-27T10:05:00 | 2026-11-27T10:10:00",
            "* * * * * *        | 2026-11-27T10:05:00.400 | 2026-11-27T10:05:01",
            "30 0 3 * * *       | 2026-11-27T03:00:30 | 2026-11-28T03:00:30",
            // five fields: minute precision
            "*/15 * * * *       | 2026-11-27T10:44:59 | 2026-11-27T10:45:00",
            "0 9 * * MON-FRI    | 2026-11-27T09:00:00 | 2026-11-30T09:00:00",
            "0 9 * * 1-5        | 2026-11-28T12:00:00 | 2026-11-30T09:00:00",
            "0 0 1 JAN *        | 2026-11-27T00:00:00 | 2027-01-01T00:00:00",
            "0 0 29 2 *         | 2026-03-01T00:00:00 | 2028-02-29T00:00:00",
            "0 12 31 * *        | 2026-11-01T00:00:00 | 2026-12-31T12:00:00",
            "0 0 * * 7          | 2026-11-27T00:00:00 | 2026-11-29T00:00:00",
            "0 0 * * SUN        | 2026-11-27T00:00:00 | 2026-11-29T00:00:00",
            "5,10 8-9 * * *     | 2026-11-27T08:10:00 | 2026-11-27T09:05:00",
            "10-30/10 * * * *   | 2026-11-27T08:30:00 | 2026-11-27T09:10:00",
            "0 22/1 * * *       | 2026-11-27T22:30:00 | 2026-11-27T23:00:00",
            // both day fields restricted: either matches (Unix cron)
            "0 0 1 * MON        | 2026-11-27T00:00:00 | 2026-11-30T00:00:00",
            "0 0 1 * MON        | 2026-11-30T00:00:00 | 2026-12-01T00:00:00",
            "0 0 ? * 3          | 2026-11-27T00:00:00 | 2026-12-02T00:00:00",
    })
    void nextOccurrence(String expression, String after, String expected) {
        assertThat(CronExpression.parse(expression).next(at(after))).isEqualTo(at(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "* * * *", "* * * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
            "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *", "* * * FOO *", "1,,2 * * * *", "? * * * *"})
    void rejectsMalformedExpressionsNamingTheProblem(String expression) {
        assertThatThrownBy(() -> CronExpression.parse(expression))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cron expression");
    }

    @org.junit.jupiter.api.Test
    void anExpressionThatNeverMatchesFailsInsteadOfLooping() {
        CronExpression feb30 = CronExpression.parse("0 0 30 2 *");
        assertThatThrownBy(() -> feb30.next(at("2026-01-01T00:00:00")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matches no time");
    }

    @org.junit.jupiter.api.Test
    void followsTheZoneAcrossADaylightSavingShift() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        // 2026-10-25: clocks go back at 03:00 CEST; "every day at 09:00" stays 09:00 local time.
        ZonedDateTime before = ZonedDateTime.of(2026, 10, 24, 9, 0, 0, 0, paris);
        ZonedDateTime next = CronExpression.parse("0 9 * * *").next(before);
        assertThat(next.toLocalDateTime()).isEqualTo(before.toLocalDateTime().plusDays(1));
        assertThat(java.time.Duration.between(before, next)).isEqualTo(java.time.Duration.ofHours(25));
    }
}
