package org.grace.webapp.auth;

/** An access token that is not accepted; the message is safe to return to the client (it says why, not what). */
public class TokenRejectedException extends RuntimeException {
    public TokenRejectedException(String message) {
        super(message, null, false, false);
    }
}
