package org.grace.core.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua script a Redis decision runs, one per policy: {@link LimitArithmetic} in Lua, with the time from Redis's own
 * {@code TIME}, so the clocks of the application servers never enter the decision.
 *
 * <p>KEYS[1] holds the key's state as one string, {@code layout,v1,v2,...}: the policy's layout (one letter per
 * limit, {@code t} token bucket, {@code w} sliding window), then one number per token bucket (its {@code tat}) and
 * three per sliding window (window number, previous and current count). A string rather than a hash because
 * {@code GET} and one {@code SET ... PX} are the fewest commands that read, write and expire it; the script's
 * cost is mostly the commands it calls. State whose layout differs from the policy's (the policy was changed) is
 * ignored, as if the key were fresh.
 *
 * <p>The key expires one second after its limits are full again; from then on a fresh key decides the same. Not at
 * the very instant: a bucket a request only dented is full again within milliseconds, so nearly every write would
 * create a key that Redis deletes right after (redis-benchmark, 100 000 decisions over 1024 keys at 1000/s: 94 000
 * keys expired without the slack, none with it). The second of slack keeps a key in steady use alive.
 *
 * <p>ARGV[1] is the permits. The policy's limits are not arguments but constants at the top of the source: one
 * script (and SHA-1) per policy, so a call sends only the key and the permits, and the script converts nothing.
 * A single token bucket, the common case, skips the general parse of the state. Numbers are written with
 * {@code %.0f}: Lua's own number-to-string keeps 14 digits, too few for a microsecond timestamp. TIME before a
 * write is allowed because Redis 5+ replicates scripts by their effects (the only mode in Redis 7).
 */
final class RateLimitScript {
    /** The decision; the policy's constants ({@code n, prefix, kinds, as, bs}) go in front of it. */
    private static final String BODY = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local permits = tonumber(ARGV[1])
            local s = {}
            local old = redis.call('GET', KEYS[1])
            if old and string.sub(old, 1, #prefix) == prefix then
              if n == 1 and kinds[1] == 't' then
                s[1] = tonumber(string.sub(old, #prefix + 1))
              else
                for v in string.gmatch(string.sub(old, #prefix + 1), '[^,]+') do s[#s + 1] = tonumber(v) end
              end
            end
            local out = {}
            local p = 0
            local all = true
            local ttl = 0
            local bRem, bIdx, bReset = nil, 0, 0
            local dRetry, dIdx, dReset = -1, 0, 0
            for i = 1, n do
              local a = as[i]
              local b = bs[i]
              local rem, reset
              if kinds[i] == 't' then
                p = p + 1
                local cap = a * b
                local tat = s[p] or 0
                local base = math.max(tat, now)
                local newTat = math.ceil(base + permits * b)
                if newTat - now <= cap then
                  rem = math.floor((cap - (newTat - now)) / b + 1e-9)
                  reset = newTat - now
                  out[#out + 1] = string.format('%.0f', newTat)
                  if reset > ttl then ttl = reset end
                else
                  all = false
                  rem = math.floor((cap - (base - now)) / b + 1e-9)
                  reset = base - now
                  local retry = math.ceil(newTat - now - cap)
                  if retry > dRetry then dRetry, dIdx, dReset = retry, i, reset end
                end
              else
                local w = b
                local idx = math.floor(now / w)
                if idx * w > now then idx = idx - 1 elseif (idx + 1) * w <= now then idx = idx + 1 end
                local sidx = s[p + 1] or -1
                local prev = s[p + 2] or 0
                local curr = s[p + 3] or 0
                p = p + 3
                if sidx ~= idx then
                  if sidx == idx - 1 then prev = curr else prev = 0 end
                  curr = 0
                end
                local f = (now - idx * w) / w
                local est = prev * (1 - f) + curr
                if est + permits <= a then
                  curr = curr + permits
                  rem = math.floor(a - est - permits + 1e-9)
                  reset = (idx + 2) * w - now
                  out[#out + 1] = string.format('%.0f,%.0f,%.0f', idx, prev, curr)
                  if reset > ttl then ttl = reset end
                else
                  all = false
                  rem = math.floor(a - est + 1e-9)
                  if curr > 0 then
                    reset = (idx + 2) * w - now
                  elseif prev > 0 then
                    reset = (idx + 1) * w - now
                  else
                    reset = 0
                  end
                  local retry
                  if curr + permits <= a then
                    retry = math.ceil((1 - (a - permits - curr) / prev - f) * w) + 1
                  else
                    retry = math.ceil((idx + 1) * w + (1 - (a - permits) / curr) * w - now) + 1
                  end
                  if retry > dRetry then dRetry, dIdx, dReset = retry, i, reset end
                end
              end
              if bRem == nil or rem < bRem then bRem, bIdx, bReset = rem, i, reset end
            end
            if all then
              redis.call('SET', KEYS[1], prefix .. table.concat(out, ','), 'PX', math.ceil(ttl / 1000) + 1000)
              return {1, bIdx - 1, bRem, bReset, 0}
            end
            return {0, dIdx - 1, math.max(0, bRem), dReset, dRetry}
            """;

    final String source;
    final String sha;

    private RateLimitScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    /** The script for {@code policy}: its limits written into the source as constants. */
    static RateLimitScript forPolicy(RateLimitPolicy policy) {
        return new RateLimitScript(new LimitArithmetic(policy.limits()).luaConstants() + BODY);
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
