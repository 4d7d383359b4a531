package org.grace.webapp.reminders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReminderScheduleTest {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static List<Instant> occurrences(ReminderSchedule s, ZoneId zone, String from, int n) {
        List<Instant> out = new ArrayList<>();
        Instant t = Instant.parse(from);
        for (int i = 0; i < n; i++) {
            t = s.next(t, zone);
            out.add(t);
        }
        return out;
    }

    @Test
    void dailyTimesAreReadInTheFacilitysZone() {
        ReminderSchedule s = ReminderSchedule.daily(List.of(LocalTime.of(20, 0), LocalTime.of(8, 0)), Set.of());
        assertThat(occurrences(s, NEW_YORK, "2026-01-10T12:00:00Z", 3)).containsExactly(
                Instant.parse("2026-01-10T13:00:00Z"),   // 08:00 EST
                Instant.parse("2026-01-11T01:00:00Z"),   // 20:00 EST
                Instant.parse("2026-01-11T13:00:00Z"));
    }

    @Test
    void aDailyTimeKeepsItsWallClockTimeAcrossTheSpringChange() {
        // London goes from GMT to BST at 01:00 UTC on 29 March 2026.
        ReminderSchedule s = ReminderSchedule.daily(List.of(LocalTime.of(9, 0)), Set.of());
        assertThat(occurrences(s, LONDON, "2026-03-28T00:00:00Z", 2)).containsExactly(
                Instant.parse("2026-03-28T09:00:00Z"),   // 09:00 GMT
                Instant.parse("2026-03-29T08:00:00Z"));  // 09:00 BST
    }

    @Test
    void aTimeInsideTheSpringGapIsDueOnceJustAfterTheGapNotSkipped() {
        // Berlin: 02:00 CET jumps to 03:00 CEST on 29 March 2026; 02:30 does not exist that day.
        ReminderSchedule s = ReminderSchedule.daily(List.of(LocalTime.of(2, 30)), Set.of());
        assertThat(occurrences(s, BERLIN, "2026-03-28T12:00:00Z", 2)).containsExactly(
                Instant.parse("2026-03-29T01:30:00Z"),   // shown as 03:30 CEST
                Instant.parse("2026-03-30T00:30:00Z"));  // 02:30 CEST the next day
    }

    @Test
    void aTimeThatHappensTwiceOnTheAutumnChangeIsDueOnceAtItsFirstInstant() {
        // London: 02:00 BST goes back to 01:00 GMT on 25 October 2026; 01:30 happens twice.
        ReminderSchedule s = ReminderSchedule.daily(List.of(LocalTime.of(1, 30)), Set.of());
        assertThat(occurrences(s, LONDON, "2026-10-24T12:00:00Z", 2)).containsExactly(
                Instant.parse("2026-10-25T00:30:00Z"),   // 01:30 BST; not again at 01:30 GMT
                Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void cronGetsTheSameDaylightSavingTreatmentAsDailyTimes() {
        ReminderSchedule gap = ReminderSchedule.cron("30 2 * * *");
        assertThat(occurrences(gap, BERLIN, "2026-03-28T12:00:00Z", 2)).containsExactly(
                Instant.parse("2026-03-29T01:30:00Z"), Instant.parse("2026-03-30T00:30:00Z"));
        ReminderSchedule overlap = ReminderSchedule.cron("30 1 * * *");
        assertThat(occurrences(overlap, LONDON, "2026-10-24T12:00:00Z", 2)).containsExactly(
                Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void twoTimesAroundTheGapComeInTimeOrderAndNeitherIsLost() {
        // 02:30 moves to 03:30 CEST, after the real 03:15: both are due, in instant order.
        ReminderSchedule s = ReminderSchedule.daily(List.of(LocalTime.of(2, 30), LocalTime.of(3, 15)), Set.of());
        assertThat(occurrences(s, BERLIN, "2026-03-28T23:00:00Z", 2)).containsExactly(
                Instant.parse("2026-03-29T01:15:00Z"),   // 03:15 CEST
                Instant.parse("2026-03-29T01:30:00Z"));  // 03:30 CEST, from 02:30
    }

    @Test
    void weekdaysRestrictTheDays() {
        // 2026-12-04 is a Friday.
        ReminderSchedule s = ReminderSchedule.daily(List.of(LocalTime.of(10, 0)),
                Set.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
        assertThat(occurrences(s, LONDON, "2026-12-04T11:00:00Z", 3)).containsExactly(
                Instant.parse("2026-12-07T10:00:00Z"), Instant.parse("2026-12-11T10:00:00Z"),
                Instant.parse("2026-12-14T10:00:00Z"));
    }

    @Test
    void cronWeekdaysAndStepsWorkInTheZone() {
        ReminderSchedule s = ReminderSchedule.cron("0 8-12/2 * * MON-FRI");
        // Saturday 5 December 2026 in New York: the next is Monday 08:00 EST.
        assertThat(occurrences(s, NEW_YORK, "2026-12-05T15:00:00Z", 4)).containsExactly(
                Instant.parse("2026-12-07T13:00:00Z"), Instant.parse("2026-12-07T15:00:00Z"),
                Instant.parse("2026-12-07T17:00:00Z"), Instant.parse("2026-12-08T13:00:00Z"));
    }

    @Test
    void malformedSchedulesNameTheFieldAndTheProblem() {
        Map<String, String> errors = new LinkedHashMap<>();
        assertThat(ReminderSchedule.read(Map.of("times", List.of("8am", "25:00", "09:30")), "schedule", errors))
                .isNull();
        assertThat(errors).containsOnlyKeys("schedule.times[0]", "schedule.times[1]");

        errors.clear();
        ReminderSchedule.read(Map.of("times", List.of("09:00"), "weekdays", List.of("MON", "Funday")), "schedule",
                errors);
        assertThat(errors).containsOnlyKeys("schedule.weekdays[1]");

        errors.clear();
        ReminderSchedule.read(Map.of("cron", "61 8 * * *"), "schedule", errors);
        assertThat(errors).containsOnlyKeys("schedule.cron");
        assertThat(errors.get("schedule.cron")).contains("61");

        errors.clear();
        ReminderSchedule.read(Map.of("cron", "0 0 8 * * *"), "schedule", errors);
        assertThat(errors.get("schedule.cron")).contains("5 fields");

        errors.clear();
        ReminderSchedule.read(Map.of("cron", "0 8 30 2 *"), "schedule", errors);
        assertThat(errors.get("schedule.cron")).contains("matches no time");

        errors.clear();
        ReminderSchedule.read(Map.of("cron", "0 8 * * *", "times", List.of("08:00")), "schedule", errors);
        assertThat(errors).containsOnlyKeys("schedule");

        errors.clear();
        ReminderSchedule.read(null, "schedule", errors);
        assertThat(errors).containsOnlyKeys("schedule");
    }

    @Test
    void theStoredFormReadsBackToTheSameSchedule() {
        Map<String, String> errors = new LinkedHashMap<>();
        ReminderSchedule s = ReminderSchedule.read(Map.of("times", List.of("20:00", "08:00:30"),
                "weekdays", List.of("fri", "MON")), "schedule", errors);
        assertThat(errors).isEmpty();
        assertThat(s.toJson()).isEqualTo(Map.of("times", List.of("08:00:30", "20:00"), "weekdays",
                List.of("MON", "FRI")));
        assertThat(ReminderSchedule.read(s.toJson(), "schedule", errors).toJson()).isEqualTo(s.toJson());
        assertThatThrownBy(() -> ReminderSchedule.daily(List.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
