package org.grace.webapp.http;

import java.util.regex.Pattern;

/** The field checks of the account requests (sign-in, set-up, users): {@link FieldErrors} plus e-mail and password. */
public final class Fields extends FieldErrors<Fields> {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    public Fields email(String name, String value) {
        if (value == null || value.isBlank()) {
            fail(name, "is required");
        } else if (value.length() > 320 || !EMAIL.matcher(value).matches()) {
            fail(name, "must be an e-mail address");
        }
        return this;
    }

    public Fields password(String name, String value, int minLength) {
        if (value == null || value.isEmpty()) {
            fail(name, "is required");
        } else if (value.length() < minLength) {
            fail(name, "must have at least " + minLength + " characters");
        } else if (value.length() > 1024) {
            fail(name, "must have at most 1024 characters");
        }
        return this;
    }
}
