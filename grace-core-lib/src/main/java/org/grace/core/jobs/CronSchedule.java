package org.grace.core.jobs;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** {@link Schedule#cron(String, ZoneId)}: a parsed cron expression and the zone it is read in. */
record CronSchedule(CronExpression expression, ZoneId zone) implements Schedule {
    @Override
    public Instant next(Instant after) {
        return expression.next(after.atZone(zone)).toInstant();
    }

    @Override
    public String toString() {
        return "cron " + expression + (zone.equals(ZoneOffset.UTC) ? "" : "|" + zone.getId());
    }
}
