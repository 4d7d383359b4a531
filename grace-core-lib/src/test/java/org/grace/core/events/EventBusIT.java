package org.grace.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grace.core.InstanceId;
import org.grace.core.redis.ClientName;
import org.grace.core.redis.WithRedisson;
import org.grace.testsupport.ChildJvm;
import org.grace.testsupport.Fresh;
import org.grace.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

@WithRedisson
class EventBusIT {
    private static final int EVENTS = 20;

    @Test
    void anEventPublishedOnAReachesSubscribersOnBAndC(
            @Fresh RedisServer redis, @Fresh @ClientName("events-a") RedissonClient client) {
        try (EventBus a = EventBus.builder().redis(client).instanceId(InstanceId.of("A")).build();
             ChildJvm b = ChildJvm.builder(EventNode.class).name("events-B")
                     .args(redis.url(), "B", "alerts", Integer.toString(EVENTS), "60").start();
             ChildJvm c = ChildJvm.builder(EventNode.class).name("events-C")
                     .args(redis.url(), "C", "alerts", Integer.toString(EVENTS), "60").start()) {
            b.awaitLine("^READY B", Duration.ofSeconds(30));
            c.awaitLine("^READY C", Duration.ofSeconds(30));
            for (int i = 0; i < EVENTS; i++) {
                a.publish("alerts", new Alert(i, "resident:42", "fall-detected"));
            }
            a.publish("other-topic", new Alert(999, "resident:1", "not-for-them"));
            String doneB = b.awaitLine("^DONE B", Duration.ofSeconds(30));
            String doneC = c.awaitLine("^DONE C", Duration.ofSeconds(30));
            System.out.println(doneB + " / " + doneC + " of " + EVENTS);
            for (ChildJvm child : List.of(b, c)) {
                List<Integer> ids = ids(child.output());
                assertThat(ids).as(child.output()).hasSize(EVENTS).doesNotHaveDuplicates().doesNotContain(999);
                assertThat(child.output()).contains("resident:42 fall-detected");
            }
        }
    }

    @Test
    void subscribersInThePublishingInstanceHearItOnceAndClosedSubscriptionsStop(
            @Fresh RedisServer redis, @Fresh @ClientName("events-local") RedissonClient client) {
        try (EventBus bus = EventBus.builder().redis(client).build()) {
            List<Alert> got = new CopyOnWriteArrayList<>();
            Subscription s = bus.subscribe("alerts", Alert.class, got::add);
            bus.publish("alerts", new Alert(1, "r", "one"));
            await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
            s.close();
            bus.publish("alerts", new Alert(2, "r", "two"));
            // A marker on a second subscription proves the second event was fanned out before we look.
            List<Alert> marker = new CopyOnWriteArrayList<>();
            bus.subscribe("alerts", Alert.class, marker::add);
            bus.publish("alerts", new Alert(3, "r", "three"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !marker.isEmpty());
            assertThat(got).containsExactly(new Alert(1, "r", "one"));
        }
    }

    @Test
    void whileRedisIsDownEventsReachThisInstanceOnlyWithoutAnExceptionAndOtherInstancesAgainWhenItReturns(
            @Fresh RedisServer redis, @Fresh @ClientName("events-down-a") RedissonClient clientA, @Fresh @ClientName("events-down-b") RedissonClient clientB) {
        try (EventBus a = EventBus.builder().redis(clientA).instanceId(InstanceId.of("A"))
                .probeInterval(Duration.ofMillis(200)).build();
             EventBus b = EventBus.builder().redis(clientB).instanceId(InstanceId.of("B")).build()) {
            List<Alert> onA = new CopyOnWriteArrayList<>();
            List<Alert> onB = new CopyOnWriteArrayList<>();
            a.subscribe("alerts", Alert.class, onA::add);
            b.subscribe("alerts", Alert.class, onB::add);
            redis.kill();
            a.publish("alerts", new Alert(1, "r", "while-down"));
            a.publish("alerts", new Alert(2, "r", "while-down"));
            await().atMost(Duration.ofSeconds(5)).until(() -> onA.size() == 2);
            assertThat(onB).as("at most once: B is not told what happened while Redis was down").isEmpty();
            redis.restart();
            // B can only hear A through Redis: once A is back on Redis and B has resubscribed, it does.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
                a.publish("alerts", new Alert(3, "r", "after"));
                return onB.stream().anyMatch(e -> e.id() == 3);
            });
            assertThat(onB).allMatch(e -> e.id() == 3);
        }
    }

    @Test
    void badInputIsAnIllegalArgumentExceptionNamingTheProblem(
            @Fresh RedisServer redis, @Fresh @ClientName("events-bad") RedissonClient client) {
        try (EventBus bus = EventBus.builder().redis(client).build()) {
            assertThatThrownBy(() -> bus.publish(null, new Alert(1, "r", "x")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topic");
            assertThatThrownBy(() -> bus.publish("alerts", null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
            assertThatThrownBy(() -> bus.publish("alerts", new Object()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        }
    }

    private static List<Integer> ids(String output) {
        Matcher m = Pattern.compile("(?m)^GOT \\w+ (\\d+) ").matcher(output);
        List<Integer> ids = new java.util.ArrayList<>();
        while (m.find()) {
            ids.add(Integer.parseInt(m.group(1)));
        }
        return ids;
    }
}
