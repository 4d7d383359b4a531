package org.grace.webapp.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Collects field errors of one request body and throws them together as one 400. */
public final class Fields {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private final Map<String, String> errors = new LinkedHashMap<>();

    public Fields email(String name, String value) {
        if (value == null || value.isBlank()) {
            errors.put(name, "is required");
        } else if (value.length() > 320 || !EMAIL.matcher(value).matches()) {
            errors.put(name, "must be an e-mail address");
        }
        return this;
    }

    public Fields password(String name, String value, int minLength) {
        if (value == null || value.isEmpty()) {
            errors.put(name, "is required");
        } else if (value.length() < minLength) {
            errors.put(name, "must have at least " + minLength + " characters");
        } else if (value.length() > 1024) {
            errors.put(name, "must have at most 1024 characters");
        }
        return this;
    }

    public Fields text(String name, String value, boolean required, int maxLength) {
        if (value == null || value.isBlank()) {
            if (required) {
                errors.put(name, "is required");
            }
        } else if (value.length() > maxLength) {
            errors.put(name, "must have at most " + maxLength + " characters");
        }
        return this;
    }

    /** A value from a fixed set (a role, a status): the message lists the allowed values in order. */
    public Fields oneOf(String name, String value, boolean required, Set<String> allowed) {
        if (value == null) {
            if (required) {
                errors.put(name, "is required");
            }
        } else if (!allowed.contains(value)) {
            errors.put(name, "must be one of " + new TreeSet<>(allowed));
        }
        return this;
    }

    public void check() {
        if (!errors.isEmpty()) {
            throw ApiException.invalidFields(errors);
        }
    }
}
