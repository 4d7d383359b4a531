package org.grace.core.jobs;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Objects;

/**
 * A cron expression of 5 fields ({@code minute hour day-of-month month day-of-week}) or 6 (seconds first).
 * Each field takes {@code *}, {@code ?} (day fields), numbers, ranges {@code a-b}, lists {@code a,b}, steps
 * {@code * /n}, {@code a/n} and {@code a-b/n}; months {@code JAN-DEC} and days {@code SUN-SAT} by name; day of week
 * 0-7 with both 0 and 7 meaning Sunday. As in Unix cron, when both day fields are restricted a day matches if
 * either does.
 *
 * <p>{@link #next} walks forward field by field (month, day, hour, minute, second), so it takes at most a few
 * hundred steps; an expression that never matches (30 February) fails after searching eight years.
 */
final class CronExpression {
    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
            "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private final String text;
    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean domRestricted;
    private final boolean dowRestricted;

    private CronExpression(String text, String[] f) {
        this.text = text;
        this.seconds = parseField(f[0], 0, 59, null, "second");
        this.minutes = parseField(f[1], 0, 59, null, "minute");
        this.hours = parseField(f[2], 0, 23, null, "hour");
        this.daysOfMonth = parseField(f[3], 1, 31, null, "day of month");
        this.months = parseField(f[4], 1, 12, MONTHS, "month");
        BitSet dow = parseField(f[5], 0, 7, DAYS, "day of week");
        if (dow.get(7)) {
            dow.set(0);
            dow.clear(7);
        }
        this.daysOfWeek = dow;
        this.domRestricted = !isWildcard(f[3]);
        this.dowRestricted = !isWildcard(f[5]);
    }

    static CronExpression parse(String expression) {
        Objects.requireNonNull(expression, "cron expression must not be null");
        String trimmed = expression.strip();
        String[] fields = trimmed.split("\\s+");
        if (fields.length == 5) {
            String[] six = new String[6];
            six[0] = "0";
            System.arraycopy(fields, 0, six, 1, 5);
            fields = six;
        } else if (fields.length != 6) {
            throw new IllegalArgumentException("cron expression must have 5 or 6 fields, got " + fields.length
                    + ": '" + expression + "'");
        }
        try {
            return new CronExpression(trimmed, fields);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cron expression '" + expression + "': " + e.getMessage(), e);
        }
    }

    /** The first time strictly after {@code after} (whole seconds) that matches. */
    ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime t = after.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        ZonedDateTime limit = after.plusYears(8);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
                continue;
            }
            if (!dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                continue;
            }
            if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            if (!minutes.get(t.getMinute())) {
                t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
                continue;
            }
            if (!seconds.get(t.getSecond())) {
                t = t.plusSeconds(1);
                continue;
            }
            return t;
        }
        throw new IllegalArgumentException("cron expression '" + text + "' matches no time in the 8 years after " + after);
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
        if (domRestricted && dowRestricted) {
            return dom || dow;
        }
        return dom && dow;
    }

    private static boolean isWildcard(String field) {
        return field.equals("*") || field.equals("?");
    }

    private static BitSet parseField(String field, int min, int max, String[] names, String what) {
        BitSet bits = new BitSet(max + 1);
        for (String part : field.split(",", -1)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("empty list element in " + what + " field '" + field + "'");
            }
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = parseNumber(part.substring(slash + 1), 1, max, null, what + " step");
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*") || range.equals("?")) {
                if (range.equals("?") && names == null && max != 31) {
                    throw new IllegalArgumentException("'?' is only allowed in the day fields");
                }
                from = min;
                to = max;
            } else {
                int dash = range.indexOf('-');
                if (dash >= 0) {
                    from = parseNumber(range.substring(0, dash), min, max, names, what);
                    to = parseNumber(range.substring(dash + 1), min, max, names, what);
                    if (to < from) {
                        throw new IllegalArgumentException(what + " range " + range + " runs backwards");
                    }
                } else {
                    from = parseNumber(range, min, max, names, what);
                    to = slash >= 0 ? max : from;
                }
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int parseNumber(String s, int min, int max, String[] names, String what) {
        if (names != null) {
            String upper = s.toUpperCase(Locale.ROOT);
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(upper)) {
                    return names == MONTHS ? i + 1 : i;
                }
            }
        }
        int value;
        try {
            value = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + s + "' is not a number");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " " + value + " is outside " + min + "-" + max);
        }
        return value;
    }

    @Override
    public String toString() {
        return text;
    }
}
