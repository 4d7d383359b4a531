package org.grace.webapp.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Client threads that send requests in a loop until stopped and record every outcome with its start and end time
 * (nanoTime), status, and whether an error came as the platform's JSON. What cluster tests measure "errors seen by
 * clients" with: a failure is any status outside 2xx or an I/O failure.
 */
final class LoadRecorder implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request: {@code status} -1 when it failed without an answer ({@code failure} says why). */
    record Outcome(String kind, long startNanos, long endNanos, int status, boolean jsonError, String retryAfter,
                   String failure) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final java.util.Set<String> resendable = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> resent =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Requests of {@code kind} are sent once more, as browsers do, when their connection closed before any byte of
     * an answer came (the JDK client's "header parser received no bytes"): an nginx reload closes its old workers'
     * idle keep-alive connections, and a request written on one at that instant is never read (docs/operations.md).
     * The JDK client resends GET and HEAD itself in that case, never POST, but only once, and its second try may take
     * another pooled connection the same reload closed (seen once in a full run on a slow machine). Only for requests
     * whose second copy cannot do anything twice: a GET, or by the caller's promise, e.g. a creation keyed by a unique
     * e-mail, which a second time would be a 409 and create nothing (and would count as a failure here).
     */
    LoadRecorder resendUnanswered(String kind) {
        resendable.add(kind);
        return this;
    }

    /** How many requests of {@code kind} were sent a second time by {@link #resendUnanswered(String)}. */
    int resent(String kind) {
        java.util.concurrent.atomic.AtomicInteger n = resent.get(kind);
        return n == null ? 0 : n.get();
    }

    /** Starts {@code threads} loops of {@code kind}; request {@code i} of a thread is {@code request.apply(i)}. */
    LoadRecorder loop(String kind, int threadCount, long pauseMillis, IntFunction<HttpRequest> request) {
        for (int t = 0; t < threadCount; t++) {
            Thread thread = new Thread(() -> {
                int i = 0;
                while (running.get()) {
                    outcomes.add(send(kind, request.apply(i++)));
                    if (pauseMillis > 0) {
                        GraceProcess.sleep(pauseMillis);
                    }
                }
            }, "load-" + kind + "-" + t);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        return this;
    }

    Outcome send(String kind, HttpRequest request) {
        return send(kind, request, System.nanoTime(), resendable.contains(kind));
    }

    private Outcome send(String kind, HttpRequest request, long start, boolean mayResend) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            boolean jsonError = false;
            if (r.statusCode() >= 400) {
                try {
                    JsonNode body = JSON.readTree(r.body());
                    jsonError = body.path("status").asInt() == r.statusCode() && body.has("requestId")
                            && body.has("message");
                } catch (IOException notJson) {
                    jsonError = false;
                }
            }
            return new Outcome(kind, start, System.nanoTime(), r.statusCode(), jsonError,
                    r.headers().firstValue("Retry-After").orElse(null), r.statusCode() >= 400 ? r.body() : null);
        } catch (IOException e) {
            if (mayResend && String.valueOf(e.getMessage()).contains("received no bytes")) {
                resent.computeIfAbsent(kind, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                return send(kind, request, start, false);
            }
            return new Outcome(kind, start, System.nanoTime(), -1, false, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(kind, start, System.nanoTime(), -1, false, null, "interrupted");
        }
    }

    /** Stops the loops and waits for their last requests. */
    List<Outcome> stop() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (outcomes) {
            return new ArrayList<>(outcomes);
        }
    }

    static List<Outcome> of(List<Outcome> all, String kind) {
        return all.stream().filter(o -> o.kind().equals(kind)).toList();
    }

    /** Status (or -1) to count, in order. */
    static Map<Integer, Long> statuses(List<Outcome> outcomes) {
        Map<Integer, Long> counts = new TreeMap<>();
        outcomes.forEach(o -> counts.merge(o.status(), 1L, Long::sum));
        return counts;
    }

    @Override
    public void close() {
        stop();
    }
}
