package org.grace.webapp.livestream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.grace.webapp.notifications.Notification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Writes on the writer threads: a client that stops reading holds up only its own stream. */
class QueuedOutputTest {
    final ExecutorService writers = Executors.newFixedThreadPool(2);

    /** A connection whose client has stopped reading: every write blocks until {@link #release}. */
    static final class Stuck extends DispatcherTest.Recorded {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch writing = new CountDownLatch(1);

        @Override
        public boolean send(String name, String id, String data, String comment, Long retryMillis) {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return super.send(name, id, data, comment, retryMillis);
        }
    }

    @AfterEach
    void stopWriters() {
        writers.shutdownNow();
    }

    @Test
    void aStuckClientDoesNotHoldUpTheDispatcherNorOtherStreams() throws Exception {
        StreamRegistry registry = new StreamRegistry(10, 10);
        DispatcherTest.Table table = new DispatcherTest.Table();
        Dispatcher dispatcher = new Dispatcher(registry, table, new Dispatcher.Delivery() {
            @Override
            public void query(String path) {
            }

            @Override
            public void deliver(LiveStream stream, Notification n, String path) {
                stream.deliver(n.id(), "{}");
            }
        });
        Stuck stuck = new Stuck();
        DispatcherTest.Recorded healthy = new DispatcherTest.Recorded();
        LiveStream a = stream(registry, dispatcher, 1, new QueuedOutput(stuck, writers));
        LiveStream b = stream(registry, dispatcher, 2, new QueuedOutput(healthy, writers));
        dispatcher.runPending();
        assertThat(stuck.writing.await(2, TimeUnit.SECONDS)).as("A's ready is being written, and blocks").isTrue();

        table.add(1);
        table.add(2);
        table.add(1);
        table.add(2);
        dispatcher.wake("pubsub");
        // Before QueuedOutput the dispatcher wrote A's notification itself and stayed blocked with it.
        assertTimeoutPreemptively(Duration.ofSeconds(2), dispatcher::runPending);
        awaitLines(healthy, 3);
        assertThat(healthy.lines).containsExactly("ready#0", "notification#2", "notification#4");
        assertThat(a.lastSent()).isEqualTo(3);
        assertThat(b.lastSent()).isEqualTo(4);

        stuck.release.countDown();
        awaitLines(stuck, 3);
        assertThat(stuck.lines).containsExactly("ready#0", "notification#1", "notification#3");
    }

    @Test
    void eventsAreWrittenInOrderAndTheCloseAfterThem() throws Exception {
        Stuck slow = new Stuck();
        QueuedOutput out = new QueuedOutput(slow, writers);
        assertThat(out.send("ready", "0", "{}", null, 2000L)).isTrue();
        for (int i = 1; i <= 5; i++) {
            assertThat(out.send("notification", Integer.toString(i), "{}", null, null)).isTrue();
        }
        assertThat(out.send(null, null, null, "instance stopping", null)).isTrue();
        out.close();
        assertThat(out.send("notification", "6", "{}", null, null)).as("nothing after close").isFalse();
        assertThat(slow.closed).isFalse();
        slow.release.countDown();
        assertThat(out.awaitClosed(2000)).isTrue();
        awaitClosed(slow);
        assertThat(slow.lines).containsExactly("ready#0", "notification#1", "notification#2", "notification#3",
                "notification#4", "notification#5", ":instance stopping");
    }

    @Test
    void aFailedWriteEndsTheStreamOnceAndLaterSendsAnswerFalse() throws Exception {
        DispatcherTest.Recorded gone = new DispatcherTest.Recorded();
        gone.broken = true;
        QueuedOutput out = new QueuedOutput(gone, writers);
        AtomicInteger failures = new AtomicInteger();
        out.onFailure(failures::incrementAndGet);
        assertThat(out.send("ready", "0", "{}", null, 2000L)).as("queued; the write fails later").isTrue();
        assertThat(out.awaitClosed(2000)).isTrue();
        awaitClosed(gone);
        assertThat(failures.get()).isEqualTo(1);
        assertThat(out.send(null, null, null, "heartbeat", null)).isFalse();
        assertThat(failures.get()).isEqualTo(1);
    }

    @Test
    void aClientTooFarBehindIsFailedAndItsQueueDropped() throws Exception {
        Stuck stuck = new Stuck();
        QueuedOutput out = new QueuedOutput(stuck, writers);
        AtomicInteger failures = new AtomicInteger();
        out.onFailure(failures::incrementAndGet);
        assertThat(out.send("ready", "0", "{}", null, 2000L)).isTrue();
        assertThat(stuck.writing.await(2, TimeUnit.SECONDS)).isTrue();
        int accepted = 0;
        while (out.send("notification", Integer.toString(accepted + 1), "{}", null, null)) {
            accepted++;
            assertThat(accepted).isLessThanOrEqualTo(QueuedOutput.MAX_QUEUED);
        }
        assertThat(accepted).isEqualTo(QueuedOutput.MAX_QUEUED);
        assertThat(failures.get()).isEqualTo(1);
        stuck.release.countDown();
        assertThat(out.awaitClosed(2000)).isTrue();
        awaitClosed(stuck);
        assertThat(stuck.lines).as("only the write under way when it was failed").containsExactly("ready#0");
    }

    private static LiveStream stream(StreamRegistry registry, Dispatcher dispatcher, long user, EventOutput out) {
        LiveStream s = new LiveStream(user, 1, "care_manager", Instant.now().plusSeconds(900), 0, out);
        assertThat(registry.register(s)).isEqualTo(StreamRegistry.Admission.ADMITTED);
        s.ready("{}", 2000);
        dispatcher.connected(s);
        return s;
    }

    private static void awaitLines(DispatcherTest.Recorded out, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (out.lines.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static void awaitClosed(DispatcherTest.Recorded out) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!out.closed && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(out.closed).as("the connection is closed").isTrue();
    }
}
