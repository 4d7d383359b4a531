package org.grace.core.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.grace.core.redis.RedisAvailability;
import org.redisson.api.RBucket;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * Level 2: the cache's Redis commands, and the call timeout that bounds how long a caller waits for them.
 *
 * <p>Writes run one Lua script per call: SET with PX (plus SADD into each tag set) and PUBLISH of the invalidation,
 * so the value and its announcement reach Redis in one round trip and in that order. A tag invalidation deletes the
 * tag's keys and announces them in one script too. Reads are a plain GET. Keys are {@code ns:c:key}, tag sets
 * {@code ns:t:tag}, the channel {@code ns:cache:invalidations}.
 */
final class LevelTwo {
    private static final String PUT_SCRIPT = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            local ttl = tonumber(ARGV[2])
            for i = 2, #KEYS do
              redis.call('SADD', KEYS[i], KEYS[1])
              if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
            end
            return redis.call('PUBLISH', ARGV[3], ARGV[4])""";
    private static final String DELETE_SCRIPT = """
            redis.call('DEL', KEYS[1])
            return redis.call('PUBLISH', ARGV[1], ARGV[2])""";
    /** KEYS[1] the tag set; ARGV: channel, message header, length of the value-key prefix to strip. */
    private static final String TAG_SCRIPT = """
            local members = redis.call('SMEMBERS', KEYS[1])
            local strip = tonumber(ARGV[3])
            local keys = {}
            for i = 1, #members do
              redis.call('DEL', members[i])
              keys[i] = string.sub(members[i], strip + 1)
            end
            redis.call('DEL', KEYS[1])
            local message = ARGV[2]
            if #keys > 0 then message = message .. '\\n' .. table.concat(keys, '\\n') end
            redis.call('PUBLISH', ARGV[1], message)
            return keys""";

    /** Redis did not answer within the call timeout, or the waiting caller was interrupted; Redis did not fail. */
    static final class NoAnswer extends RuntimeException {
        static final NoAnswer TIMED_OUT = new NoAnswer("no answer from Redis within the call timeout");
        static final NoAnswer INTERRUPTED = new NoAnswer("interrupted while waiting for Redis");

        private NoAnswer(String message) {
            super(message, null, false, false);
        }
    }

    private final RedissonClient redis;
    private final String sender;
    private final String keyPrefix;
    private final String tagPrefix;
    private final String channel;
    private final byte[] channelBytes;
    private final byte[] keyPrefixLength;
    private final Duration callTimeout;
    private final long callTimeoutNanos;
    private final RedisAvailability availability;

    LevelTwo(RedissonClient redis, String namespace, String sender, Duration callTimeout,
             RedisAvailability availability) {
        this.redis = redis;
        this.sender = sender;
        this.keyPrefix = namespace + ":c:";
        this.tagPrefix = namespace + ":t:";
        this.channel = namespace + ":cache:invalidations";
        this.channelBytes = utf8(channel);
        this.keyPrefixLength = ascii(Integer.toString(utf8(keyPrefix).length));
        this.callTimeout = callTimeout;
        this.callTimeoutNanos = callTimeout.toNanos();
        this.availability = availability;
    }

    String channel() {
        return channel;
    }

    String keyPrefix() {
        return keyPrefix;
    }

    CompletionStage<byte[]> get(String key) {
        return bucket(key).getAsync();
    }

    /** NX: a put that landed meanwhile is newer than a loaded value. */
    CompletionStage<Boolean> setIfAbsent(String key, byte[] bytes, Duration ttl) {
        return bucket(key).setIfAbsentAsync(bytes, ttl);
    }

    /** Deletes without announcing: for bytes no instance can read. */
    CompletionStage<Boolean> deleteQuietly(String key) {
        return bucket(key).deleteAsync();
    }

    /** Stores, tags and announces {@code key}. */
    CompletionStage<Long> put(String key, byte[] bytes, Duration ttl, Set<String> tags) {
        List<Object> keys = new ArrayList<>(1 + tags.size());
        keys.add(keyPrefix + key);
        tags.forEach(t -> keys.add(tagPrefix + t));
        return redis.getScript(ByteArrayCodec.INSTANCE).evalAsync(RScript.Mode.READ_WRITE, PUT_SCRIPT,
                RScript.ReturnType.INTEGER, keys, bytes, ascii(Long.toString(Math.max(1, ttl.toMillis()))),
                channelBytes, utf8(CacheInvalidation.ofKey(sender, key)));
    }

    /** Deletes and announces {@code key}. */
    CompletionStage<Long> delete(String key) {
        return redis.getScript(ByteArrayCodec.INSTANCE).evalAsync(RScript.Mode.READ_WRITE, DELETE_SCRIPT,
                RScript.ReturnType.INTEGER, List.of(keyPrefix + key), channelBytes,
                utf8(CacheInvalidation.ofKey(sender, key)));
    }

    /** Deletes the keys put with {@code tag} and announces them; completes with those keys. */
    CompletionStage<List<String>> invalidateTag(String tag) {
        CompletionStage<List<byte[]>> call = redis.getScript(ByteArrayCodec.INSTANCE).evalAsync(
                RScript.Mode.READ_WRITE, TAG_SCRIPT, RScript.ReturnType.MULTI, List.of(tagPrefix + tag), channelBytes,
                utf8(CacheInvalidation.tagHeader(sender, tag)), keyPrefixLength);
        return call.thenApply(deleted -> {
            List<String> keys = new ArrayList<>(deleted == null ? 0 : deleted.size());
            if (deleted != null) {
                deleted.forEach(k -> keys.add(new String(k, StandardCharsets.UTF_8)));
            }
            return keys;
        });
    }

    /**
     * The call's result within the call timeout. Past it, {@link NoAnswer}, recorded as a failure of Redis (see
     * {@link RedisAvailability#recordTimeout}); the call's late outcome is ignored. A failure within the timeout is
     * thrown as the client's exception, for the caller to record.
     */
    <T> T await(CompletionStage<T> call) {
        try {
            return call.toCompletableFuture().get(callTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            availability.recordTimeout(callTimeout);
            throw NoAnswer.TIMED_OUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NoAnswer.INTERRUPTED;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The call's result however long the client takes: for background work, which no caller waits for. */
    static <T> T awaitFully(CompletionStage<T> call) {
        try {
            return call.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NoAnswer.INTERRUPTED;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private RBucket<byte[]> bucket(String key) {
        return redis.getBucket(keyPrefix + key, ByteArrayCodec.INSTANCE);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
