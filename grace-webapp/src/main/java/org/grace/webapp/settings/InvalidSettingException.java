package org.grace.webapp.settings;

/** A setting that cannot be used; the message is one line naming the environment variable and the problem. */
public class InvalidSettingException extends RuntimeException {
    public InvalidSettingException(String message) {
        super(message, null, false, false);
    }
}
