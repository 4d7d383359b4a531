package org.grace.core.jobs;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * When a recurring job fires: a fixed interval or a cron expression. Stored as text in the schedules table so any
 * instance can compute the next occurrence; {@link #toString()} and {@link #parse(String)} are that text form.
 */
public sealed interface Schedule permits EverySchedule, CronSchedule {
    /** Every {@code interval}, the first occurrence one interval after the schedule is first registered. */
    static Schedule every(Duration interval) {
        return new EverySchedule(interval);
    }

    /** A cron expression evaluated in UTC: 5 fields (minute precision) or 6 (seconds first). */
    static Schedule cron(String expression) {
        return cron(expression, ZoneOffset.UTC);
    }

    /** A cron expression evaluated in {@code zone} (daylight saving shifts follow the zone's rules). */
    static Schedule cron(String expression, ZoneId zone) {
        Objects.requireNonNull(zone, "zone must not be null");
        return new CronSchedule(CronExpression.parse(expression), zone);
    }

    /** The first occurrence strictly after {@code after}. */
    Instant next(Instant after);

    /** Reads the text form written by {@link #toString()}. */
    static Schedule parse(String text) {
        Objects.requireNonNull(text, "schedule text must not be null");
        if (text.startsWith("every ")) {
            return every(Duration.parse(text.substring(6)));
        }
        if (text.startsWith("cron ")) {
            String rest = text.substring(5);
            int bar = rest.indexOf('|');
            if (bar < 0) {
                return cron(rest);
            }
            return cron(rest.substring(0, bar), ZoneId.of(rest.substring(bar + 1)));
        }
        throw new IllegalArgumentException("not a schedule: '" + text + "' (expected 'every <ISO duration>' or 'cron <expr>')");
    }
}
