package org.grace.core.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.grace.core.InstanceId;
import org.grace.core.redis.ChannelSubscription;
import org.grace.core.redis.FeatureBackground;
import org.grace.core.redis.RedisAvailability;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisFeatureSettings;
import org.grace.core.redis.RedisProbe;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * {@link EventBus} over one Redisson {@link RTopic} per topic, subscribed while this instance has at least one
 * handler for it. Messages are JSON envelopes {@code {"sender": id, "event": {...}}}, decoded once per handler type.
 * Each topic's channel is a {@link ChannelSubscription}, the cache's kind: a subscription that fails (Redis down at
 * the time) is retried every second until it holds; after that, Redisson resubscribes by itself on reconnect.
 */
final class RedisEventBus implements EventBus {
    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());

    private final RedissonClient redis;
    private final InstanceId instanceId;
    private final ObjectMapper mapper;
    private final String channelPrefix;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final RedisAvailability availability;
    private final FeatureBackground background;
    private final Map<String, TopicState> topics = new ConcurrentHashMap<>();

    RedisEventBus(EventBus.Builder b, RedisFeatureSettings settings) {
        this.redis = settings.redis();
        this.instanceId = settings.instanceId();
        this.mapper = b.mapper;
        this.channelPrefix = settings.namespace() + ":ev:";
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = Executors.newSingleThreadExecutor(r -> FeatureBackground.daemon(r, "grace-events"));
            this.executor = ownedExecutor;
        }
        this.availability = settings.availability("events");
        this.background = new FeatureBackground("grace-events-probe");
        // Publishers do not wait for Redis beyond the client's own timeout, so neither does the probe.
        RedisProbe.schedule(background.executor(), redis, channelPrefix + "probe", availability, settings.probeInterval(),
                RedisClients.DEFAULT_COMMAND_TIMEOUT);
    }

    @Override
    public void publish(String topic, Object event) {
        checkTopic(topic);
        if (event == null) {
            throw new IllegalArgumentException("event for topic '" + topic + "' is null");
        }
        String message;
        try {
            ObjectNode envelope = mapper.createObjectNode();
            envelope.put("sender", instanceId.value());
            envelope.set("event", mapper.valueToTree(event));
            message = mapper.writeValueAsString(envelope);
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write an event of type " + event.getClass().getName()
                    + " as JSON: " + e.getMessage(), e);
        }
        if (availability.isAvailable() && !background.isShutDown()) {
            try {
                redis.getTopic(channelPrefix + topic, StringCodec.INSTANCE).publish(message);
                return;
            } catch (RuntimeException e) {
                availability.recordFailure(e);
            }
        }
        TopicState state = topics.get(topic);
        if (state != null) {
            state.deliver(message);
        }
    }

    @Override
    public <T> Subscription subscribe(String topic, Class<T> type, Consumer<? super T> handler) {
        checkTopic(topic);
        Objects.requireNonNull(type, "type must not be null");
        Objects.requireNonNull(handler, "handler must not be null");
        if (background.isShutDown()) {
            throw new IllegalStateException("event bus is closed");
        }
        Handler<T> h = new Handler<>(topic, type, handler);
        TopicState state = topics.computeIfAbsent(topic, TopicState::new);
        state.handlers.add(h);
        state.ensureSubscribed();
        return h;
    }

    /** Whether this instance has a Redis subscription for {@code topic} now (false while one is being retried). */
    boolean isSubscribed(String topic) {
        TopicState state = topics.get(topic);
        if (state == null) {
            return false;
        }
        synchronized (state) {
            return state.subscription != null && state.subscription.isSubscribed();
        }
    }

    @Override
    public void close() {
        if (!background.shutDown()) {
            return;
        }
        for (TopicState state : List.copyOf(topics.values())) {
            state.unsubscribe();
        }
        topics.clear();
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    private static void checkTopic(String topic) {
        if (topic == null) {
            throw new IllegalArgumentException("topic must not be null");
        }
        if (topic.isBlank() || topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("topic must be 1-" + MAX_TOPIC_LENGTH
                    + " characters and not blank, got '" + topic + "'");
        }
    }

    /** This instance's handlers for one topic and its Redis subscription. */
    private final class TopicState {
        final String topic;
        final List<Handler<?>> handlers = new CopyOnWriteArrayList<>();
        /** While this instance has handlers for the topic; null otherwise. */
        ChannelSubscription subscription;

        TopicState(String topic) {
            this.topic = topic;
        }

        synchronized void ensureSubscribed() {
            if (subscription != null || handlers.isEmpty() || background.isShutDown()) {
                return;
            }
            // Events are at most once: a resubscription after lost messages needs no reaction.
            subscription = new ChannelSubscription("events", redis, channelPrefix + topic, availability, background.executor(),
                    this::deliver, null);
            subscription.open();
        }

        synchronized void unsubscribe() {
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
        }

        void deliver(String message) {
            if (handlers.isEmpty()) {
                return;
            }
            JsonNode event;
            try {
                event = mapper.readTree(message).get("event");
            } catch (JsonProcessingException | RuntimeException e) {
                LOG.log(Level.WARNING, "grace events: dropped a message on {0} that is not an event envelope: {1}",
                        topic, e.getMessage());
                return;
            }
            if (event == null) {
                return;
            }
            for (Handler<?> handler : handlers) {
                try {
                    executor.execute(() -> handler.handle(event));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "grace events: executor refused an event on {0}: {1}", topic, e.toString());
                }
            }
        }
    }

    private final class Handler<T> implements Subscription {
        final String topic;
        final Class<T> type;
        final Consumer<? super T> consumer;
        volatile boolean active = true;

        Handler(String topic, Class<T> type, Consumer<? super T> consumer) {
            this.topic = topic;
            this.type = type;
            this.consumer = consumer;
        }

        void handle(JsonNode event) {
            if (!active) {
                return;
            }
            T value;
            try {
                value = mapper.treeToValue(event, type);
            } catch (JsonProcessingException | RuntimeException e) {
                LOG.log(Level.WARNING, "grace events: an event on {0} does not read as {1}; dropped for this handler: "
                        + "{2}", topic, type.getName(), e.getMessage());
                return;
            }
            try {
                consumer.accept(value);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "grace events: handler for {0} threw {1}; event dropped for it", topic,
                        e.toString());
            }
        }

        @Override
        public String topic() {
            return topic;
        }

        @Override
        public void close() {
            if (!active) {
                return;
            }
            active = false;
            TopicState state = topics.get(topic);
            if (state != null) {
                synchronized (state) {
                    state.handlers.remove(this);
                    if (state.handlers.isEmpty()) {
                        state.unsubscribe();
                    }
                }
            }
        }
    }
}
