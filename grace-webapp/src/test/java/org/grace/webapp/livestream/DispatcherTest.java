package org.grace.webapp.livestream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.grace.webapp.notifications.Notification;
import org.junit.jupiter.api.Test;

/** The registry's bounds, a stream's once-only sends, and the dispatcher's hand-over and coalescing, without servers. */
class DispatcherTest {
    /** What one stream wrote. */
    static class Recorded implements EventOutput {
        final List<String> lines = new CopyOnWriteArrayList<>();
        boolean broken;
        volatile boolean closed;

        @Override
        public boolean send(String name, String id, String data, String comment, Long retryMillis) {
            if (broken) {
                return false;
            }
            lines.add(comment != null ? ":" + comment : name + (id == null ? "" : "#" + id));
            return true;
        }

        @Override
        public void close() {
            closed = true;
        }

        List<String> notifications() {
            return lines.stream().filter(l -> l.startsWith("notification#")).toList();
        }
    }

    /** A notifications table in memory, counting queries. */
    static final class Table implements Dispatcher.Source {
        final List<Notification> rows = new CopyOnWriteArrayList<>();
        int queries;

        Notification add(long userId) {
            Notification n = new Notification(rows.size() + 1, 1, userId, "system", "t", "m", "normal", null, null,
                    Instant.now().toString(), null, null);
            rows.add(n);
            return n;
        }

        @Override
        public long newestId() {
            return rows.size();
        }

        @Override
        public List<Notification> forUsers(Collection<Long> userIds, long afterId, int limit) {
            queries++;
            return rows.stream().filter(n -> n.id() > afterId && userIds.contains(n.userId())).limit(limit).toList();
        }

        @Override
        public List<Notification> forUser(long userId, long afterId, int limit) {
            queries++;
            return rows.stream().filter(n -> n.id() > afterId && n.userId() == userId).limit(limit).toList();
        }
    }

    final StreamRegistry registry = new StreamRegistry(3, 2);
    final Table table = new Table();
    final List<String> paths = new ArrayList<>();
    final Dispatcher dispatcher = new Dispatcher(registry, table, new Dispatcher.Delivery() {
        @Override
        public void query(String path) {
            paths.add(path);
        }

        @Override
        public void deliver(LiveStream stream, Notification n, String path) {
            stream.deliver(n.id(), "{}");
        }
    });

    LiveStream open(long user, long lastSent, Recorded out) {
        LiveStream s = new LiveStream(user, 1, "care_manager", Instant.now().plusSeconds(900), lastSent, out);
        assertThat(registry.register(s)).isEqualTo(StreamRegistry.Admission.ADMITTED);
        s.ready("{}", 2000);
        dispatcher.connected(s);
        return s;
    }

    @Test
    void theRegistryBoundsTheInstanceAndTheUser() {
        Recorded out = new Recorded();
        LiveStream a1 = new LiveStream(1, 1, "r", Instant.now(), 0, out);
        LiveStream a2 = new LiveStream(1, 1, "r", Instant.now(), 0, out);
        LiveStream a3 = new LiveStream(1, 1, "r", Instant.now(), 0, out);
        LiveStream b1 = new LiveStream(2, 1, "r", Instant.now(), 0, out);
        LiveStream c1 = new LiveStream(3, 1, "r", Instant.now(), 0, out);
        assertThat(registry.register(a1)).isEqualTo(StreamRegistry.Admission.ADMITTED);
        assertThat(registry.register(a2)).isEqualTo(StreamRegistry.Admission.ADMITTED);
        assertThat(registry.register(a3)).isEqualTo(StreamRegistry.Admission.USER_FULL);
        assertThat(registry.register(b1)).isEqualTo(StreamRegistry.Admission.ADMITTED);
        assertThat(registry.register(c1)).isEqualTo(StreamRegistry.Admission.INSTANCE_FULL);
        registry.remove(a1);
        registry.remove(a1);
        assertThat(registry.open()).isEqualTo(2);
        assertThat(registry.register(c1)).isEqualTo(StreamRegistry.Admission.ADMITTED);
        assertThat(registry.of(1)).containsExactly(a2);
    }

    @Test
    void aStreamSendsEachIdOnceAndInOrderAndABrokenOneCloses() {
        Recorded out = new Recorded();
        LiveStream s = new LiveStream(1, 1, "r", Instant.now(), 5, out);
        assertThat(s.deliver(5, "{}")).isFalse();
        assertThat(s.deliver(6, "{}")).isTrue();
        assertThat(s.deliver(6, "{}")).isFalse();
        assertThat(s.deliver(4, "{}")).isFalse();
        assertThat(s.lastSent()).isEqualTo(6);
        assertThat(out.notifications()).containsExactly("notification#6");
        out.broken = true;
        assertThat(s.heartbeat()).isFalse();
        assertThat(s.isClosed()).isTrue();
        assertThat(out.closed).isTrue();
        assertThat(s.deliver(7, "{}")).isFalse();
    }

    @Test
    void aConnectingStreamGetsWhatItMissedFirstThenLiveOnesNoneTwice() {
        table.add(1);
        table.add(2);
        table.add(1); // id 3
        Recorded out = new Recorded();
        LiveStream s = open(1, 1, out);
        // a notification that commits before the catch-up runs: found by the catch-up and by the live query
        table.add(1); // id 4
        dispatcher.wake("pubsub");
        assertThat(s.state()).isEqualTo(LiveStream.State.CONNECTING);
        assertThat(dispatcher.runPending()).isTrue();
        assertThat(s.state()).isEqualTo(LiveStream.State.LIVE);
        assertThat(out.notifications()).containsExactly("notification#3", "notification#4");
        assertThat(out.lines.get(0)).isEqualTo("ready#1");

        table.add(2);
        table.add(1); // id 6
        dispatcher.wake("sweep");
        dispatcher.runPending();
        assertThat(out.notifications()).containsExactly("notification#3", "notification#4", "notification#6");
        assertThat(paths).containsExactly("catch-up", "pubsub", "sweep");
        assertThat(dispatcher.runPending()).as("nothing pending").isFalse();
    }

    @Test
    void wakeUpsDuringAQueryCoalesceIntoOneMoreQuery() {
        open(1, 0, new Recorded());
        dispatcher.runPending();
        int before = table.queries;
        for (int i = 0; i < 50; i++) {
            dispatcher.wake(i % 2 == 0 ? "pubsub" : "poll");
        }
        assertThat(dispatcher.runPending()).isTrue();
        assertThat(dispatcher.runPending()).isFalse();
        assertThat(table.queries - before).as("fifty wake-ups, one query").isEqualTo(1);
        assertThat(paths.get(paths.size() - 1)).isEqualTo("pubsub");
    }

    @Test
    void oneLiveQueryServesEveryConnectedUserAndFullPagesAreFollowed() {
        Recorded one = new Recorded();
        Recorded two = new Recorded();
        open(1, 0, one);
        open(2, 0, two);
        dispatcher.runPending();
        for (int i = 0; i < Dispatcher.PAGE + 10; i++) {
            table.add(i % 2 == 0 ? 2 : 1);
        }
        table.add(99); // a user not connected here
        paths.clear();
        dispatcher.wake("poll");
        dispatcher.runPending();
        assertThat(paths).containsExactly("poll", "poll");
        assertThat(one.notifications()).hasSize((Dispatcher.PAGE + 10) / 2);
        assertThat(two.notifications()).hasSize((Dispatcher.PAGE + 10) / 2);
        assertThat(dispatcher.highWater()).isEqualTo(Dispatcher.PAGE + 10);
    }

    @Test
    void aFailedQueryKeepsItsWorkForTheNextRun() {
        Recorded out = new Recorded();
        table.add(1);
        Dispatcher failing = new Dispatcher(registry, new Dispatcher.Source() {
            int calls;

            @Override
            public long newestId() {
                return 0;
            }

            @Override
            public List<Notification> forUsers(Collection<Long> userIds, long afterId, int limit) {
                return table.forUsers(userIds, afterId, limit);
            }

            @Override
            public List<Notification> forUser(long userId, long afterId, int limit) {
                if (calls++ == 0) {
                    throw new IllegalStateException("database down");
                }
                return table.forUser(userId, afterId, limit);
            }
        }, new Dispatcher.Delivery() {
            @Override
            public void query(String path) {
            }

            @Override
            public void deliver(LiveStream stream, Notification n, String path) {
                stream.deliver(n.id(), "{}");
            }
        });
        LiveStream s = new LiveStream(1, 1, "r", Instant.now(), 0, out);
        registry.register(s);
        failing.connected(s);
        try {
            failing.runPending();
        } catch (IllegalStateException expected) {
            // the loop logs and retries
        }
        assertThat(s.state()).isEqualTo(LiveStream.State.CONNECTING);
        assertThat(failing.runPending()).isTrue();
        assertThat(out.notifications()).containsExactly("notification#1");
        assertThat(s.state()).isEqualTo(LiveStream.State.LIVE);
    }
}
