package org.grace.webapp.care;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.function.Function;
import org.grace.webapp.http.ApiException;
import org.grace.webapp.http.FieldErrors;

/**
 * Collects the field errors of one request and throws them together as one 400 with {@code fields}, before anything
 * is written: a request is either valid and written whole, or refused whole. The shared rules and their words are
 * {@link FieldErrors}'; this adds what the care areas parse (dates, instants, ids, time zones, page sizes).
 */
public final class Checks extends FieldErrors<Checks> {
    /** Items in a page of a list whose request does not say {@code limit}. */
    public static final int DEFAULT_PAGE = 50;

    public Checks required(String field, Object value) {
        if (value == null) {
            fail(field, "is required");
        }
        return this;
    }

    public Checks timeZone(String field, String value) {
        if (value != null) {
            try {
                ZoneId.of(value);
            } catch (DateTimeException e) {
                fail(field, "must be an IANA time zone such as Europe/London");
            }
        }
        return this;
    }

    /** Parses an ISO date ({@code 1941-03-02}); records an error and returns null when it is not one. */
    public LocalDate date(String field, String value) {
        LocalDate date = parse(field, value, LocalDate::parse, "must be a date written YYYY-MM-DD");
        if (date != null && date.isAfter(LocalDate.now())) {
            fail(field, "must not be in the future");
        }
        return date;
    }

    /** Parses an ISO instant ({@code 2026-11-30T10:15:00Z}); records an error and returns null when it is not one. */
    public Instant instant(String field, String value) {
        return parse(field, value, Instant::parse, "must be an ISO-8601 instant such as 2026-11-30T10:15:00Z");
    }

    /** Parses a positive id given as text (query parameters); records an error and returns null otherwise. */
    public Long id(String field, String value) {
        Long id = parse(field, value, Long::valueOf, "must be a positive whole number");
        if (id != null && id <= 0) {
            fail(field, "must be a positive whole number");
            return null;
        }
        return id;
    }

    /**
     * The page size asked for by the query parameter {@code limit}: {@link #DEFAULT_PAGE} when absent, an error
     * unless a whole number from 1 to {@code max}.
     */
    public int pageSize(String limit, int max) {
        Long size = id("limit", limit);
        if (size != null && size > max) {
            fail("limit", "must be at most " + max);
            return DEFAULT_PAGE;
        }
        return size == null ? DEFAULT_PAGE : size.intValue();
    }

    /**
     * {@code value} trimmed and parsed; null when it is absent or blank, and null with {@code message} recorded for
     * {@code field} when the parser refuses it.
     */
    private <T> T parse(String field, String value, Function<String, T> parser, String message) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return parser.apply(value.trim());
        } catch (DateTimeException | NumberFormatException e) {
            fail(field, message);
            return null;
        }
    }

    /** A path id: anything that is not a positive number names no record, so it is the same 404. */
    public static long pathId(String value, String what) {
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ApiException(404, "no such " + what);
    }

    /** {@code null} stays null; anything else trimmed, and blank becomes null. */
    public static String trimmed(String value) {
        if (value == null) {
            return null;
        }
        String t = value.trim();
        return t.isEmpty() ? null : t;
    }
}
