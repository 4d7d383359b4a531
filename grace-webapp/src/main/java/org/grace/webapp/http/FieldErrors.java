package org.grace.webapp.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Collects the field errors of one request and throws them together as one 400 with {@code fields}: the rules every
 * request shares (required, length, one of a set) and their words, in one place. {@link Fields} adds the account
 * rules (e-mail, password); the care areas' {@code Checks} adds what they parse (dates, instants, ids).
 *
 * @param <F> the subclass, which each rule returns so that rules chain
 */
public abstract class FieldErrors<F extends FieldErrors<F>> {
    private final Map<String, String> errors = new LinkedHashMap<>();

    protected FieldErrors() {
    }

    /** Optional or required text of at most {@code maxLength} characters; blank counts as absent. */
    public F text(String field, String value, boolean required, int maxLength) {
        if (value == null || value.isBlank()) {
            if (required) {
                errors.put(field, "is required");
            }
        } else if (value.length() > maxLength) {
            errors.put(field, "must have at most " + maxLength + " characters");
        }
        return self();
    }

    /** A value from a fixed set (a role, a status): the message lists the allowed values in order. */
    public F oneOf(String field, String value, boolean required, Set<String> allowed) {
        if (value == null) {
            if (required) {
                errors.put(field, "is required");
            }
        } else if (!allowed.contains(value)) {
            errors.put(field, "must be one of " + new TreeSet<>(allowed));
        }
        return self();
    }

    /** Records {@code message} for {@code field} (a rule of the caller's own), replacing an earlier one. */
    public F fail(String field, String message) {
        errors.put(field, message);
        return self();
    }

    /** Whether {@code field} already has an error. */
    public boolean has(String field) {
        return errors.containsKey(field);
    }

    /** Throws the 400 naming every field with an error; nothing when there is none. */
    public void check() {
        if (!errors.isEmpty()) {
            throw ApiException.invalidFields(errors);
        }
    }

    @SuppressWarnings("unchecked")
    private F self() {
        return (F) this;
    }
}
