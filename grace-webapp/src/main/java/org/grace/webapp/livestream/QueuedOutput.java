package org.grace.webapp.livestream;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A stream's events, written by the instance's writer threads instead of by whoever sends them. {@link #send} only
 * queues: the dispatcher, the bus listeners and the timer never wait for a client's socket, so a client that stops
 * reading delays nobody else's events. (Jersey's {@code SseEventSink.send} writes on the calling thread and blocks
 * while the socket is full, for as long as the container's write timeout.)
 *
 * <p>Events of one stream are written in the order sent, by one writer at a time; {@link #close()} takes effect after
 * what was queued before it (so {@code : instance stopping} is written before the stream ends). A stream whose queue
 * holds {@value #MAX_QUEUED} unwritten events is taken for stuck: it is failed, as a failed write is. A failure runs
 * the {@link #onFailure} action once (the stream is closed and leaves the registry at once, not at its next send),
 * and every later send answers false. Nothing is lost by that: the browser reconnects with its last id and the
 * catch-up reads the rest from PostgreSQL.
 */
final class QueuedOutput implements EventOutput {
    /** Unwritten events that make a stream count as stuck (a healthy client has a handful at most). */
    static final int MAX_QUEUED = 1000;

    private record Pending(String name, String id, String data, String comment, Long retryMillis) {
    }

    private final EventOutput target;
    private final Executor writers;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private Runnable onFailure = () -> { };
    private boolean writing;
    private boolean closing;
    private boolean failed;
    private boolean closed;

    QueuedOutput(EventOutput target, Executor writers) {
        this.target = target;
        this.writers = writers;
    }

    /** What to do, once, when a write fails or the queue overflows (close the stream, drop it from the registry). */
    synchronized void onFailure(Runnable action) {
        onFailure = action;
    }

    @Override
    public boolean send(String name, String id, String data, String comment, Long retryMillis) {
        Runnable failure;
        synchronized (this) {
            if (failed || closing) {
                return false;
            }
            if (queue.size() < MAX_QUEUED) {
                queue.add(new Pending(name, id, data, comment, retryMillis));
                schedule();
                return true;
            }
            failure = fail();
        }
        failure.run();
        return false;
    }

    @Override
    public synchronized void close() {
        if (!closing) {
            closing = true;
            schedule();
        }
    }

    /**
     * Waits until the underlying output is being closed (everything queued before {@link #close()} written, or
     * dropped after a failure), at most {@code millis}; whether it is.
     */
    synchronized boolean awaitClosed(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!closed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Under the lock: marks the output failed, drops what is queued; returns the failure action to run outside it. */
    private Runnable fail() {
        failed = true;
        queue.clear();
        Runnable action = onFailure;
        onFailure = () -> { };
        schedule(); // closes the underlying output
        return action;
    }

    /** Under the lock: makes sure one writer task is on its way. */
    private void schedule() {
        if (writing || closed) {
            return;
        }
        writing = true;
        try {
            writers.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The writers have stopped (the instance is stopping, the container closes the connections): nothing
            // more is written on this stream.
            writing = false;
            failed = true;
            queue.clear();
            closed = true;
            notifyAll();
        }
    }

    /** One writer: writes what is queued, in order, then closes the output if asked to (or failed). */
    private void drain() {
        while (true) {
            Pending next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    writing = false;
                    if (!(closing || failed) || closed) {
                        return;
                    }
                    closed = true;
                    notifyAll();
                }
            }
            if (next == null) {
                target.close(); // outside the lock: closing a stuck connection may take as long as a write
                return;
            }
            if (!target.send(next.name(), next.id(), next.data(), next.comment(), next.retryMillis())) {
                Runnable failure;
                synchronized (this) {
                    failure = fail();
                }
                failure.run();
            }
        }
    }
}
