package org.grace.webapp.incidents.detection;

/**
 * A rule file that cannot be used. The message names the source (file or stream name), the rule (by id or position)
 * and the field, so an operator can fix the file without reading code.
 */
public final class RuleSetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RuleSetException(String message) {
        super(message);
    }

    public RuleSetException(String message, Throwable cause) {
        super(message, cause);
    }
}
