package org.grace.webapp.care;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.grace.webapp.http.ApiException;

/**
 * Collects the field errors of one request and throws them together as one 400 with {@code fields}, before anything
 * is written: a request is either valid and written whole, or refused whole.
 */
public final class Checks {
    private final Map<String, String> errors = new LinkedHashMap<>();

    public Checks text(String field, String value, boolean required, int maxLength) {
        if (value == null || value.isBlank()) {
            if (required) {
                errors.put(field, "is required");
            }
        } else if (value.length() > maxLength) {
            errors.put(field, "must have at most " + maxLength + " characters");
        }
        return this;
    }

    public Checks oneOf(String field, String value, boolean required, Set<String> allowed) {
        if (value == null) {
            if (required) {
                errors.put(field, "is required");
            }
        } else if (!allowed.contains(value)) {
            errors.put(field, "must be one of " + new TreeSet<>(allowed));
        }
        return this;
    }

    public Checks required(String field, Object value) {
        if (value == null) {
            errors.put(field, "is required");
        }
        return this;
    }

    public Checks timeZone(String field, String value) {
        if (value != null) {
            try {
                ZoneId.of(value);
            } catch (DateTimeException e) {
                errors.put(field, "must be an IANA time zone such as Europe/London");
            }
        }
        return this;
    }

    /** Parses an ISO date ({@code 1941-03-02}); records an error and returns null when it is not one. */
    public LocalDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            LocalDate date = LocalDate.parse(value.trim());
            if (date.isAfter(LocalDate.now())) {
                errors.put(field, "must not be in the future");
            }
            return date;
        } catch (DateTimeException e) {
            errors.put(field, "must be a date written YYYY-MM-DD");
            return null;
        }
    }

    /** Parses an ISO instant ({@code 2026-11-30T10:15:00Z}); records an error and returns null when it is not one. */
    public Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeException e) {
            errors.put(field, "must be an ISO-8601 instant such as 2026-11-30T10:15:00Z");
            return null;
        }
    }

    /** Parses a positive id given as text (query parameters); records an error and returns null otherwise. */
    public Long id(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long id = Long.parseLong(value.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // below
        }
        errors.put(field, "must be a positive whole number");
        return null;
    }

    public Checks fail(String field, String message) {
        errors.put(field, message);
        return this;
    }

    public boolean has(String field) {
        return errors.containsKey(field);
    }

    public void check() {
        if (!errors.isEmpty()) {
            throw ApiException.invalidFields(errors);
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
