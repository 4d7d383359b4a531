package org.grace.webapp.http;

import java.util.Map;

/**
 * A client error with its status and a message meant for the client; {@code fields} names each invalid field with
 * its message (400 only). Thrown anywhere in a request, answered as Grace's JSON error by {@link ApiErrorMapper}.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final Map<String, String> fields;
    private final Map<String, String> headers;

    public ApiException(int status, String message) {
        this(status, message, Map.of(), Map.of());
    }

    public ApiException(int status, String message, Map<String, String> fields, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.fields = Map.copyOf(fields);
        this.headers = Map.copyOf(headers);
    }

    public static ApiException invalidFields(Map<String, String> fields) {
        return new ApiException(400, "invalid fields: " + String.join(", ", new java.util.TreeSet<>(fields.keySet())),
                fields, Map.of());
    }

    public int status() {
        return status;
    }

    public Map<String, String> fields() {
        return fields;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
