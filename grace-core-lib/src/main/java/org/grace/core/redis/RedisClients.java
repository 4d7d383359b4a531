package org.grace.core.redis;

import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;
import org.redisson.config.SentinelServersConfig;
import org.redisson.config.SingleServerConfig;

/**
 * Builds the one Redisson client an instance shares between its cache, rate limiter and event bus.
 *
 * <p>The defaults favour failing fast over waiting: every Grace feature has an in-memory fallback, so a Redis that
 * does not answer within {@link #DEFAULT_COMMAND_TIMEOUT} is better treated as down than waited for. The client is
 * created lazily, so an instance starts (on its fallbacks) while Redis is down and connects when it comes back.
 * With Sentinel, the URL's user and password log in to the Sentinels as well as to the servers.
 */
public final class RedisClients {
    /** Connecting to a Redis on the same network takes well under a millisecond; a second means it is not there. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Redis answers in about 0.1-1 ms; 500 ms is a Redis in trouble, and callers have a fallback. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);
    /** PING idle connections so a dead server (no RST, e.g. a vanished VM) is noticed within about a second. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(1);
    /** One retry: long retry chains turn a Redis outage into slow requests. */
    public static final int DEFAULT_RETRY_ATTEMPTS = 1;

    private RedisClients() {
    }

    /** A Redisson client for {@code url} with Grace's defaults; {@code clientName} shows up in {@code CLIENT LIST}. */
    public static RedissonClient create(RedisUrl url, String clientName) {
        return Redisson.create(config(url, clientName));
    }

    /** The Redisson configuration {@link #create} uses, for callers that want to adjust it first. */
    public static Config config(RedisUrl url, String clientName) {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.setLazyInitialization(true);
        // Two cores per instance is the norm here; Redisson's default of 2 * cores Netty threads is plenty.
        config.setThreads(4);
        int connectMs = (int) DEFAULT_CONNECT_TIMEOUT.toMillis();
        int timeoutMs = (int) DEFAULT_COMMAND_TIMEOUT.toMillis();
        int pingMs = (int) DEFAULT_PING_INTERVAL.toMillis();
        switch (url.mode()) {
            case SINGLE -> {
                SingleServerConfig single = config.useSingleServer()
                        .setAddress(url.redissonAddresses().get(0))
                        .setDatabase(url.database())
                        .setConnectionMinimumIdleSize(2)
                        .setConnectionPoolSize(32);
                single.setConnectTimeout(connectMs).setTimeout(timeoutMs).setRetryAttempts(DEFAULT_RETRY_ATTEMPTS)
                        .setPingConnectionInterval(pingMs).setClientName(clientName)
                        .setUsername(url.username()).setPassword(url.password());
            }
            case SENTINEL -> {
                SentinelServersConfig sentinel = config.useSentinelServers()
                        .setMasterName(url.masterName())
                        .setDatabase(url.database())
                        // Reads from replicas are stale; rate limits and coherence need the master.
                        .setReadMode(ReadMode.MASTER)
                        // A two-node test or small deployment has fewer than the three sentinels it expects.
                        .setCheckSentinelsList(false)
                        .setMasterConnectionMinimumIdleSize(2)
                        .setMasterConnectionPoolSize(32);
                url.redissonAddresses().forEach(sentinel::addSentinelAddress);
                sentinel.setConnectTimeout(connectMs).setTimeout(timeoutMs).setRetryAttempts(DEFAULT_RETRY_ATTEMPTS)
                        .setPingConnectionInterval(pingMs).setClientName(clientName)
                        .setUsername(url.username()).setPassword(url.password())
                        // The same user logs in to the Sentinels. Redisson sends the servers' password there on its
                        // own, but the user only when named for the Sentinels: without this, a Sentinel whose default
                        // user is off (ACL users only) answers WRONGPASS, seen on the Ansible test fleet.
                        .setSentinelUsername(url.username());
            }
            default -> throw new IllegalStateException("unhandled mode " + url.mode());
        }
        return config;
    }
}
