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
public abstract sealed class Schedule permits Schedule.Every, Schedule.Cron {
    private Schedule() {
    }

    /** Every {@code interval}, the first occurrence one interval after the schedule is first registered. */
    public static Schedule every(Duration interval) {
        return new Every(interval);
    }

    /** A cron expression evaluated in UTC: 5 fields (minute precision) or 6 (seconds first). */
    public static Schedule cron(String expression) {
        return cron(expression, ZoneOffset.UTC);
    }

    /** A cron expression evaluated in {@code zone} (daylight saving shifts follow the zone's rules). */
    public static Schedule cron(String expression, ZoneId zone) {
        return new Cron(CronExpression.parse(expression), Objects.requireNonNull(zone, "zone must not be null"));
    }

    /** The first occurrence strictly after {@code after}. */
    public abstract Instant next(Instant after);

    /** Reads the text form written by {@link #toString()}. */
    public static Schedule parse(String text) {
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

    static final class Every extends Schedule {
        private final Duration interval;

        Every(Duration interval) {
            Objects.requireNonNull(interval, "interval must not be null");
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("interval must be at least 1 second, got " + interval);
            }
            this.interval = interval;
        }

        @Override
        public Instant next(Instant after) {
            return after.plus(interval);
        }

        @Override
        public String toString() {
            return "every " + interval;
        }
    }

    static final class Cron extends Schedule {
        private final CronExpression expression;
        private final ZoneId zone;

        Cron(CronExpression expression, ZoneId zone) {
            this.expression = expression;
            this.zone = zone;
        }

        @Override
        public Instant next(Instant after) {
            return expression.next(after.atZone(zone)).toInstant();
        }

        @Override
        public String toString() {
            return "cron " + expression + (zone.equals(ZoneOffset.UTC) ? "" : "|" + zone.getId());
        }
    }
}
