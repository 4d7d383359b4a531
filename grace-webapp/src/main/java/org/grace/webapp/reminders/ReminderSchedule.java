package org.grace.webapp.reminders;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.grace.core.jobs.Schedule;

/**
 * When a care reminder is due, in the wall-clock time of the resident's facility: at fixed times of day (on every
 * day or on chosen weekdays), or by a five-field cron expression ({@code minute hour day month weekday}).
 *
 * <p>Both forms are first evaluated as local date-times, without any zone, and only then placed in the facility's
 * zone. That one step gives the same daylight-saving behaviour to both: a local time that does not exist on the
 * day the clocks go forward (02:30 in Europe/Berlin) is due when the clocks have moved past the gap (03:30), and a
 * local time that happens twice on the day they go back is due once, at its first (summer-time) instant. A medication
 * reminder is therefore never skipped and never doubled by a clock change, which a cron evaluated instant by instant
 * would do. The library's {@link Schedule#cron(String, ZoneId)}, evaluated in UTC, reads the cron text, so the
 * expression language is the same one the job system uses.
 */
public final class ReminderSchedule {
    /** Longest shift of a local time by a daylight-saving change anywhere (2 h, historically), with margin. */
    private static final long DST_MARGIN_HOURS = 3;
    private static final int MAX_TIMES = 48;

    private final List<LocalTime> times;
    private final Set<DayOfWeek> weekdays;
    private final String cron;
    private final Schedule cronAsLocal;

    private ReminderSchedule(List<LocalTime> times, Set<DayOfWeek> weekdays, String cron) {
        this.times = times;
        this.weekdays = weekdays;
        this.cron = cron;
        this.cronAsLocal = cron == null ? null : Schedule.cron(cron, ZoneOffset.UTC);
    }

    /** Daily at {@code times}, on {@code weekdays} only (every day when empty). */
    public static ReminderSchedule daily(List<LocalTime> times, Set<DayOfWeek> weekdays) {
        if (times.isEmpty()) {
            throw new IllegalArgumentException("a daily schedule needs at least one time");
        }
        List<LocalTime> sorted = new ArrayList<>(new TreeSet<>(times));
        Set<DayOfWeek> days = weekdays.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(weekdays);
        return new ReminderSchedule(List.copyOf(sorted), days, null);
    }

    /** A five-field cron expression; {@link IllegalArgumentException} naming the problem when it is not one. */
    public static ReminderSchedule cron(String expression) {
        String trimmed = expression.strip();
        int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        if (fields != 5) {
            throw new IllegalArgumentException("must have 5 fields (minute hour day-of-month month day-of-week), got "
                    + fields);
        }
        ReminderSchedule schedule = new ReminderSchedule(null, null, trimmed);
        // A valid-looking expression that never matches (30 February) fails here, once, instead of in a job.
        schedule.nextLocal(LocalDateTime.of(2000, 1, 1, 0, 0));
        return schedule;
    }

    /**
     * Reads the request's form: {@code {"times": ["08:00", "20:30"], "weekdays": ["MON", "FRI"]}} or
     * {@code {"cron": "0 8 * * MON-FRI"}}. Problems go into {@code errors} under {@code prefix.field}; null then.
     */
    public static ReminderSchedule read(Map<String, Object> raw, String prefix, Map<String, String> errors) {
        if (raw == null) {
            errors.put(prefix, "is required: {\"times\": [\"08:00\"], \"weekdays\": [\"MON\"]} or {\"cron\": \"0 8 * * *\"}");
            return null;
        }
        Object cron = raw.get("cron");
        Object times = raw.get("times");
        if (cron != null && times != null) {
            errors.put(prefix, "give either times (with optional weekdays) or cron, not both");
            return null;
        }
        for (String key : raw.keySet()) {
            if (!Set.of("cron", "times", "weekdays").contains(key)) {
                errors.put(prefix + "." + key, "is not a schedule field (times, weekdays, cron)");
            }
        }
        if (cron != null) {
            if (!(cron instanceof String text) || text.isBlank()) {
                errors.put(prefix + ".cron", "must be a cron expression such as \"0 8 * * MON-FRI\"");
                return null;
            }
            if (raw.get("weekdays") != null) {
                errors.put(prefix + ".weekdays", "goes with times; a cron expression has its own day field");
            }
            try {
                ReminderSchedule s = cron(text);
                return errors.isEmpty() ? s : null;
            } catch (IllegalArgumentException e) {
                errors.put(prefix + ".cron", e.getMessage());
                return null;
            }
        }
        if (!(times instanceof List<?> list) || list.isEmpty()) {
            errors.put(prefix + ".times", "must be a non-empty list of times of day such as \"08:00\"");
            return null;
        }
        if (list.size() > MAX_TIMES) {
            errors.put(prefix + ".times", "must have at most " + MAX_TIMES + " times");
            return null;
        }
        List<LocalTime> parsed = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object t = list.get(i);
            try {
                if (!(t instanceof String s) || !s.matches("\\d{2}:\\d{2}(:\\d{2})?")) {
                    throw new DateTimeParseException("not HH:mm", String.valueOf(t), 0);
                }
                parsed.add(LocalTime.parse(s));
            } catch (DateTimeParseException e) {
                errors.put(prefix + ".times[" + i + "]", "must be a time of day HH:mm (or HH:mm:ss), 00:00-23:59, got "
                        + (t instanceof String ? "'" + t + "'" : String.valueOf(t)));
            }
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        Object weekdays = raw.get("weekdays");
        if (weekdays != null) {
            if (!(weekdays instanceof List<?> wl)) {
                errors.put(prefix + ".weekdays", "must be a list of days such as [\"MON\", \"THU\"]");
            } else {
                for (int i = 0; i < wl.size(); i++) {
                    DayOfWeek d = wl.get(i) instanceof String s ? dayOf(s) : null;
                    if (d == null) {
                        errors.put(prefix + ".weekdays[" + i + "]", "must be one of MON, TUE, WED, THU, FRI, SAT, SUN");
                    } else {
                        days.add(d);
                    }
                }
            }
        }
        return errors.isEmpty() ? daily(parsed, days) : null;
    }

    private static DayOfWeek dayOf(String s) {
        String u = s.trim().toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().startsWith(u) && u.length() >= 3) {
                return d;
            }
        }
        return null;
    }

    /** The first due instant strictly after {@code after}, with the local times read in {@code zone}. */
    public Instant next(Instant after, ZoneId zone) {
        LocalDateTime afterLocal = LocalDateTime.ofInstant(after, zone);
        LocalDateTime local = afterLocal.minusHours(DST_MARGIN_HOURS);
        LocalDateTime stop = afterLocal.plusHours(DST_MARGIN_HOURS);
        Instant best = null;
        while (true) {
            local = nextLocal(local);
            // Gap: ZonedDateTime.of moves the time forward by the gap's length; overlap: the earlier offset.
            Instant candidate = ZonedDateTime.of(local, zone).toInstant();
            if (candidate.isAfter(after) && (best == null || candidate.isBefore(best))) {
                best = candidate;
            }
            // Past the margin no later local time can resolve to an earlier instant than the best one found.
            if (best != null && local.isAfter(stop)) {
                return best;
            }
        }
    }

    /** The first local date-time strictly after {@code after} that the schedule names. */
    LocalDateTime nextLocal(LocalDateTime after) {
        if (cron != null) {
            return LocalDateTime.ofInstant(cronAsLocal.next(after.toInstant(ZoneOffset.UTC)), ZoneOffset.UTC);
        }
        LocalDate day = after.toLocalDate();
        for (int i = 0; i < 8; i++, day = day.plusDays(1)) {
            if (!weekdays.contains(day.getDayOfWeek())) {
                continue;
            }
            for (LocalTime t : times) {
                LocalDateTime candidate = day.atTime(t);
                if (candidate.isAfter(after)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("a daily schedule with at least one weekday always has a next time");
    }

    /** The stored (and answered) JSON form, the same shape {@link #read} takes. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (cron != null) {
            out.put("cron", cron);
            return out;
        }
        out.put("times", times.stream().map(t -> t.getSecond() == 0 ? t.toString().substring(0, 5) : t.toString())
                .toList());
        if (weekdays.size() < 7) {
            out.put("weekdays", weekdays.stream().map(d -> d.name().substring(0, 3)).toList());
        }
        return out;
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
