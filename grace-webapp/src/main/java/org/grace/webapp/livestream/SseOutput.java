package org.grace.webapp.livestream;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.TimeUnit;

/**
 * A stream's events on its JAX-RS {@link SseEventSink}: no thread and no database connection while idle. Jersey's
 * {@code send} writes on the calling thread (the returned stage is already complete), blocking while the client's
 * socket is full; {@link QueuedOutput} keeps those writes on the writer threads.
 */
final class SseOutput implements EventOutput {
    /**
     * Longest wait on the stage {@code send} returns. Jersey's is already complete when {@code send} returns (the
     * write happened on this thread, blocking on a full socket), so this bounds nothing there; it would with a
     * JAX-RS implementation that writes asynchronously.
     */
    private static final long WRITE_TIMEOUT_SECONDS = 10;

    private final SseEventSink sink;
    private final Sse sse;

    SseOutput(SseEventSink sink, Sse sse) {
        this.sink = sink;
        this.sse = sse;
    }

    @Override
    public boolean send(String name, String id, String data, String comment, Long retryMillis) {
        if (sink.isClosed()) {
            return false;
        }
        OutboundSseEvent.Builder event = sse.newEventBuilder();
        if (name != null) {
            event.name(name);
        }
        if (id != null) {
            event.id(id);
        }
        if (retryMillis != null) {
            event.reconnectDelay(retryMillis);
        }
        if (comment != null) {
            event.comment(comment);
        }
        if (data != null) {
            event.mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, data);
        }
        try {
            sink.send(event.build()).toCompletableFuture().get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return !sink.isClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false; // the client went away (or stopped reading): the stream is closed and removed
        }
    }

    @Override
    public void close() {
        try {
            sink.close();
        } catch (RuntimeException e) {
            // already gone
        }
    }
}
