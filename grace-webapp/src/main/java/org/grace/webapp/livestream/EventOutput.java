package org.grace.webapp.livestream;

/**
 * Where a stream's events go: the SSE connection in production ({@link SseOutput}), a list in unit tests. Calls on
 * one output are serialised by its {@link LiveStream}.
 */
interface EventOutput {
    /**
     * Writes one event; any argument but {@code data} (or {@code comment} for a comment line) may be null. False when
     * the connection is gone (the stream is then closed and removed).
     */
    boolean send(String name, String id, String data, String comment, Long retryMillis);

    /** Ends the response; the browser reconnects on its own (an EventSource does, after {@code retry}). */
    void close();
}
