package org.grace.core.events;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.grace.core.InstanceId;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.redisson.api.RedissonClient;

/**
 * A subscribing instance in its own JVM for {@link EventBusIT}:
 * {@code <redisUrl> <name> <topic> <expected> <seconds>} prints {@code READY}, then {@code GOT name id text} per
 * event, then {@code DONE name count} after {@code expected} events or the time limit.
 */
public final class EventNode {

    public static void main(String[] args) throws Exception {
        RedissonClient client = RedisClients.create(RedisUrl.parse(args[0]), "events-" + args[1]);
        String name = args[1];
        int expected = Integer.parseInt(args[3]);
        CountDownLatch received = new CountDownLatch(expected);
        try (EventBus bus = EventBus.builder().redis(client).instanceId(InstanceId.of(name)).build()) {
            bus.subscribe(args[2], Alert.class, alert -> {
                System.out.println("GOT " + name + " " + alert.id() + " " + alert.residentId() + " " + alert.text());
                System.out.flush();
                received.countDown();
            });
            // A subscription that failed (a slow machine can time out the SUBSCRIBE) is retried in the background;
            // READY means really subscribed, or the publisher would talk to no one.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!((RedisEventBus) bus).isSubscribed(args[2]) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            System.out.println("READY " + name);
            System.out.flush();
            received.await(Duration.ofSeconds(Long.parseLong(args[4])).toMillis(), TimeUnit.MILLISECONDS);
            System.out.println("DONE " + name + " " + (expected - received.getCount()));
            System.out.flush();
        } finally {
            client.shutdown();
        }
        System.exit(0);
    }
}
