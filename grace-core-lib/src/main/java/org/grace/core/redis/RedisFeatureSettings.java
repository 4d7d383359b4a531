package org.grace.core.redis;

import java.time.Clock;
import java.time.Duration;
import org.grace.core.InstanceId;
import org.redisson.api.RedissonClient;

/**
 * What a {@link RedisFeatureBuilder} was given, as the feature's implementation receives it.
 *
 * @param sharedAvailability the tracker shared with other features, or null for one of the feature's own
 */
public record RedisFeatureSettings(RedissonClient redis, InstanceId instanceId, String namespace, Clock clock,
                                   Duration probeInterval, RedisAvailability sharedAvailability) {

    /** The shared tracker, or a new one named {@code feature} in its log lines, probing at the probe interval. */
    public RedisAvailability availability(String feature) {
        return sharedAvailability != null ? sharedAvailability : new RedisAvailability(feature, clock, probeInterval);
    }
}
