package org.grace.core.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** {@link Schedule#every(Duration)}: at least a second apart. */
record EverySchedule(Duration interval) implements Schedule {
    EverySchedule {
        Objects.requireNonNull(interval, "interval must not be null");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("interval must be at least 1 second, got " + interval);
        }
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
