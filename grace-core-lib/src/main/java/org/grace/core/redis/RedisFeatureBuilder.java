package org.grace.core.redis;

import java.time.Clock;
import java.time.Duration;
import org.grace.core.InstanceId;
import org.grace.core.SettingChecks;
import org.redisson.api.RedissonClient;

/**
 * The settings every feature that lives on Redis pub/sub takes, in its nested builder ({@code GraceCache.Builder},
 * {@code EventBus.Builder}): the shared client, this instance's id, the namespace of its keys and channels, and how
 * it notices that Redis is away. Each setter validates its argument as it is set; the feature's {@code build()}
 * reads them all through {@link #redisSettings()}.
 *
 * @param <B> the feature's builder, which every setter returns so that calls chain
 */
public abstract class RedisFeatureBuilder<B extends RedisFeatureBuilder<B>> {
    private RedissonClient redis;
    private InstanceId instanceId;
    private String namespace;
    private Clock clock = Clock.systemUTC();
    private Duration probeInterval = RedisAvailability.DEFAULT_PROBE_INTERVAL;
    private RedisAvailability availability;

    /** A builder whose namespace is {@code defaultNamespace} unless set. */
    protected RedisFeatureBuilder(String defaultNamespace) {
        this.namespace = RedisNamespace.require(defaultNamespace);
    }

    /** The shared Redisson client (see {@link RedisClients}); required. */
    public B redis(RedissonClient redis) {
        this.redis = SettingChecks.given(redis, "redis client");
        return self();
    }

    /**
     * This instance's tag on what it sends (invalidations, events), by which the other instances tell senders apart;
     * defaults to {@link InstanceId#generate()}.
     */
    public B instanceId(InstanceId instanceId) {
        this.instanceId = SettingChecks.given(instanceId, "instance id");
        return self();
    }

    /** Prefix of the feature's Redis keys and channels, so several applications can share one Redis. */
    public B namespace(String namespace) {
        this.namespace = RedisNamespace.require(namespace);
        return self();
    }

    /** Wall clock for the Redis availability probe. */
    public B clock(Clock clock) {
        this.clock = SettingChecks.given(clock, "clock");
        return self();
    }

    /** How often Redis is probed while believed down. */
    public B probeInterval(Duration probeInterval) {
        this.probeInterval = SettingChecks.positive(probeInterval, "probe interval");
        return self();
    }

    /** Share fallback state with other features on the same Redis; by default the feature has its own. */
    public B availability(RedisAvailability availability) {
        this.availability = SettingChecks.given(availability, "availability");
        return self();
    }

    /** The settings as given, for {@code build()}: the client is required, a missing instance id is generated. */
    protected final RedisFeatureSettings redisSettings() {
        SettingChecks.required(redis, "redis client", "builder().redis(client)");
        return new RedisFeatureSettings(redis, instanceId != null ? instanceId : InstanceId.generate(), namespace,
                clock, probeInterval, availability);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
