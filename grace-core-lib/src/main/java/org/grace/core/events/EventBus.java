package org.grace.core.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.grace.core.SettingChecks;
import org.grace.core.redis.RedisFeatureBuilder;
import org.grace.core.redis.RedisFeatureSettings;

/**
 * Typed events between the instances of an application, over Redis pub/sub.
 *
 * <pre>{@code
 * EventBus bus = EventBus.builder().redis(redisson).build();
 * bus.subscribe("alerts", Alert.class, alert -> pushToBrowsers(alert));
 * bus.publish("alerts", new Alert(42, "fall detected"));
 * }</pre>
 *
 * <h2>Delivery: at most once</h2>
 * An event published while Redis works reaches every instance subscribed to the topic at that moment, this one
 * included, once. It is lost, without an error, for an instance whose pub/sub connection is down or reconnecting,
 * and for everyone if Redis fails between the publish and the fan-out; nothing is stored or replayed. Use it for
 * notifications a client can also recover by asking (a browser refresh, a poll), never for work that must happen
 * (use the job queue for that).
 *
 * <p>While Redis is unreachable, {@link #publish} delivers to this instance's subscribers only, in process, and
 * other instances do not hear of it. No exception reaches the publisher either way; one log line per transition.
 *
 * <p>Handlers run one at a time on the bus's executor (a single thread by default), never on Redisson's I/O
 * threads, so a slow handler delays later events but not Redis. An exception from a handler is logged and the
 * event is dropped for that handler only.
 */
public interface EventBus extends AutoCloseable {
    /** Prefix of every channel, so several applications can share one Redis. */
    String DEFAULT_NAMESPACE = "grace";
    /** Longest topic name accepted: topics are names like {@code alerts} or {@code resident:42}, not data. */
    int MAX_TOPIC_LENGTH = 200;

    /** Sends {@code event} (anything the JSON mapper can write: records included) to every subscriber of topic. */
    void publish(String topic, Object event);

    /** Calls {@code handler} with each event on {@code topic}, read as {@code type}, until the subscription closes. */
    <T> Subscription subscribe(String topic, Class<T> type, Consumer<? super T> handler);

    /** Unsubscribes everything and stops the executor it created; the Redisson client stays open (it is shared). */
    @Override
    void close();

    static Builder builder() {
        return new Builder();
    }

    /**
     * Configures an {@link EventBus}; every setter validates its argument. The Redis settings are
     * {@link RedisFeatureBuilder}'s: topic {@code t} is the Redis channel {@code namespace:ev:t}, and the instance id
     * is the sender in each event's envelope.
     */
    final class Builder extends RedisFeatureBuilder<Builder> {
        ObjectMapper mapper;
        Executor executor;

        Builder() {
            super(DEFAULT_NAMESPACE);
        }

        /** JSON mapping of events; by default Jackson with the modules on the class path, unknown fields ignored. */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = SettingChecks.given(mapper, "object mapper");
            return this;
        }

        /** Where handlers run; by default one daemon thread owned (and stopped) by the bus. */
        public Builder executor(Executor executor) {
            this.executor = SettingChecks.given(executor, "executor");
            return this;
        }

        public EventBus build() {
            RedisFeatureSettings redis = redisSettings();
            if (mapper == null) {
                mapper = new ObjectMapper().findAndRegisterModules()
                        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            }
            return new RedisEventBus(this, redis);
        }
    }
}
