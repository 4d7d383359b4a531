package org.grace.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.grace.testsupport.Fresh;
import org.grace.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The subscription the cache and the event bus share: messages reach it, a subscription made while Redis is down is
 * retried until it holds and is then reported as one that may have missed messages, and after close nothing arrives.
 */
@WithRedisson
class ChannelSubscriptionIT {

    @Test
    void aSubscriptionOpenedOnAWorkingRedisHearsMessagesAndReportsNoResubscribeUntilClosed(
            RedisServer redis, RedissonClient client) {
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
        List<String> heard = new CopyOnWriteArrayList<>();
        AtomicInteger resubscribes = new AtomicInteger();
        ChannelSubscription subscription = new ChannelSubscription("test", client, "it:channel",
                new RedisAvailability("test"), retries, heard::add, resubscribes::incrementAndGet);
        try {
            assertThat(subscription.open()).isTrue();
            assertThat(subscription.isSubscribed()).isTrue();
            client.getTopic("it:channel", StringCodec.INSTANCE).publish("hello");
            await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("hello"));
            assertThat(resubscribes.get()).as("the subscription open() waited for missed nothing").isZero();

            subscription.close();
            assertThat(subscription.isSubscribed()).isFalse();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> redis.command("PUBSUB", "CHANNELS", "it:channel").equals("*0"));
            assertThat(client.getTopic("it:channel", StringCodec.INSTANCE).publish("after close"))
                    .as("receivers").isZero();
            assertThat(heard).containsExactly("hello");
        } finally {
            retries.shutdownNow();
        }
    }

    @Test
    void aSubscriptionThatFailedIsRetriedUntilItHoldsAndThenReportedAsPossiblyLossy(
            @Fresh RedisServer redis, @Fresh RedissonClient client) {
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
        List<String> heard = new CopyOnWriteArrayList<>();
        AtomicInteger resubscribes = new AtomicInteger();
        RedisAvailability availability = new RedisAvailability("test");
        redis.stop();
        ChannelSubscription subscription = new ChannelSubscription("test", client, "it:late", availability, retries,
                heard::add, resubscribes::incrementAndGet);
        try {
            assertThat(subscription.open()).as("Redis is down").isFalse();
            assertThat(availability.isAvailable()).as("the failure was reported").isFalse();
            redis.restart();
            await().atMost(Duration.ofSeconds(15)).until(subscription::isSubscribed);
            await().atMost(Duration.ofSeconds(5)).until(() -> resubscribes.get() > 0);
            client.getTopic("it:late", StringCodec.INSTANCE).publish("made it");
            await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("made it"));
        } finally {
            subscription.close();
            retries.shutdownNow();
        }
    }
}
