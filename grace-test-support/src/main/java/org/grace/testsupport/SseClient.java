package org.grace.testsupport;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A Server-Sent Events client for tests, on {@code java.net.http} ({@code BodyHandlers.ofLines}): opens one stream,
 * parses its events on a reader thread into a queue, and remembers the last {@code id} as a browser's EventSource does
 * (to resume with {@code Last-Event-ID}). A refused stream (any status but 200) keeps its status and body.
 * Comment lines (heartbeats) are counted and also queued, as events with a null name.
 */
public final class SseClient implements AutoCloseable {
    /** One event as received; {@code comment} is set (and the rest null) for a comment line. */
    public record Event(String name, String id, String data, String comment, Instant receivedAt) {
        public boolean isComment() {
            return comment != null;
        }
    }

    private final int status;
    private final String refusal;
    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger comments = new AtomicInteger();
    private volatile String lastEventId;
    private volatile boolean ended;
    private final Thread reader;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.status = response.statusCode();
        if (status != 200) {
            List<String> body = new ArrayList<>();
            try (Stream<String> lines = response.body()) {
                lines.forEach(body::add);
            }
            this.refusal = String.join("\n", body);
            this.ended = true;
            this.reader = null;
        } else {
            this.refusal = null;
            this.reader = new Thread(this::read, "sse-client");
            this.reader.setDaemon(true);
            this.reader.start();
        }
    }

    /**
     * Sends {@code request} (add {@code Accept: text/event-stream} and any credentials) and returns once the status
     * line has arrived, within {@code timeout}.
     */
    public static SseClient open(HttpClient http, HttpRequest request, Duration timeout) {
        CompletableFuture<HttpResponse<Stream<String>>> pending = http.sendAsync(request,
                HttpResponse.BodyHandlers.ofLines());
        try {
            return new SseClient(pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            pending.cancel(true);
            throw new AssertionError("no answer to " + request.uri() + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("stream " + request.uri() + " failed: " + e.getCause(), e.getCause());
        }
    }

    public int status() {
        return status;
    }

    public HttpResponse<Stream<String>> response() {
        return response;
    }

    /** The body of a refused stream (status not 200); null for an open one. */
    public String refusal() {
        return refusal;
    }

    /** The id of the last event that had one, as {@code Last-Event-ID} would carry it. */
    public String lastEventId() {
        return lastEventId;
    }

    public int comments() {
        return comments.get();
    }

    /** False once the server ended the stream or the connection broke (the queue may still hold events). */
    public boolean isOpen() {
        return !ended;
    }

    /** The next event or comment, or null after {@code timeout}. */
    public Event next(Duration timeout) {
        return Polling.upTo(timeout, events::poll, null);
    }

    /** The next event named {@code name} (others and comments are skipped), or null after {@code timeout}. */
    public Event next(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Event e = next(Duration.ofNanos(left));
            if (e == null) {
                return null;
            }
            if (name.equals(e.name())) {
                return e;
            }
        }
    }

    /** Waits until the stream has ended, at most {@code timeout}; whether it did. */
    public boolean awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended && System.nanoTime() < deadline) {
            Polling.sleep(20);
        }
        return ended;
    }

    private void read() {
        String name = null;
        String id = null;
        StringBuilder data = null;
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (data != null || name != null) {
                        if (id != null) {
                            lastEventId = id;
                        }
                        events.add(new Event(name == null ? "message" : name, id,
                                data == null ? null : data.toString(), null, Instant.now()));
                    }
                    name = null;
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                    events.add(new Event(null, null, null, line.substring(1).trim(), Instant.now()));
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "event" -> name = value;
                        case "id" -> id = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> {
                            // retry: and unknown fields
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            // the connection broke (or was closed by close())
        } finally {
            ended = true;
        }
    }

    /** Closes the connection (the server sees the client go). */
    @Override
    public void close() {
        ended = true;
        if (reader != null) {
            reader.interrupt();
        }
        try {
            response.body().close();
        } catch (RuntimeException e) {
            // already consumed or closed
        }
    }
}
