package org.grace.core.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one Lua script a Redis decision runs: {@link LimitArithmetic} in Lua, with the time from Redis's own
 * {@code TIME}, so the clocks of the application servers never enter the decision.
 *
 * <p>KEYS[1] is the key's hash; ARGV is permits, the number of limits, then kind ({@code t} token bucket,
 * {@code w} sliding window), a, b per limit. Fields are named by kind and position ({@code t1}, {@code w2},
 * {@code p2}, {@code c2}), so a policy whose limits change kind never misreads old state. Values are written with
 * {@code %.0f}: Lua's own number-to-string keeps 14 digits, too few for a microsecond timestamp. TIME before a write
 * is allowed because Redis 5+ replicates scripts by effects (the only mode in Redis 7).
 */
final class RateLimitScript {
    static final String SOURCE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local permits = tonumber(ARGV[1])
            local n = tonumber(ARGV[2])
            local fields = {}
            for i = 1, n do
              if ARGV[3 * i] == 't' then
                fields[3 * i - 2] = 't' .. i
              else
                fields[3 * i - 2] = 'w' .. i
              end
              fields[3 * i - 1] = 'p' .. i
              fields[3 * i] = 'c' .. i
            end
            local s = redis.call('HMGET', KEYS[1], unpack(fields))
            local ok, rem, reset, retry, nxt = {}, {}, {}, {}, {}
            local all = true
            local ttl = 0
            for i = 1, n do
              local a = tonumber(ARGV[3 * i + 1])
              local b = tonumber(ARGV[3 * i + 2])
              if ARGV[3 * i] == 't' then
                local cap = a * b
                local tat = tonumber(s[3 * i - 2]) or 0
                local base = math.max(tat, now)
                local newTat = math.ceil(base + permits * b)
                if newTat - now <= cap then
                  ok[i] = true
                  rem[i] = math.floor((cap - (newTat - now)) / b + 1e-9)
                  reset[i] = newTat - now
                  retry[i] = 0
                  nxt[i] = {fields[3 * i - 2], string.format('%.0f', newTat)}
                  if newTat - now > ttl then ttl = newTat - now end
                else
                  ok[i] = false
                  all = false
                  rem[i] = math.floor((cap - (base - now)) / b + 1e-9)
                  reset[i] = base - now
                  retry[i] = math.ceil(newTat - now - cap)
                end
              else
                local w = b
                local idx = math.floor(now / w)
                if idx * w > now then idx = idx - 1 elseif (idx + 1) * w <= now then idx = idx + 1 end
                local sidx = tonumber(s[3 * i - 2]) or -1
                local prev = tonumber(s[3 * i - 1]) or 0
                local curr = tonumber(s[3 * i]) or 0
                if sidx ~= idx then
                  if sidx == idx - 1 then prev = curr else prev = 0 end
                  curr = 0
                end
                local f = (now - idx * w) / w
                local est = prev * (1 - f) + curr
                if est + permits <= a then
                  ok[i] = true
                  curr = curr + permits
                  rem[i] = math.floor(a - est - permits + 1e-9)
                  reset[i] = (idx + 2) * w - now
                  retry[i] = 0
                  nxt[i] = {fields[3 * i - 2], string.format('%.0f', idx), fields[3 * i - 1],
                    string.format('%.0f', prev), fields[3 * i], string.format('%.0f', curr)}
                  if reset[i] > ttl then ttl = reset[i] end
                else
                  ok[i] = false
                  all = false
                  rem[i] = math.floor(a - est + 1e-9)
                  if curr > 0 then
                    reset[i] = (idx + 2) * w - now
                  elseif prev > 0 then
                    reset[i] = (idx + 1) * w - now
                  else
                    reset[i] = 0
                  end
                  if curr + permits <= a then
                    local needed = 1 - (a - permits - curr) / prev
                    retry[i] = math.ceil((needed - f) * w) + 1
                  else
                    local g = 1 - (a - permits) / curr
                    retry[i] = math.ceil((idx + 1) * w + g * w - now) + 1
                  end
                end
              end
            end
            if all then
              local args = {}
              for i = 1, n do
                for _, v in ipairs(nxt[i]) do args[#args + 1] = v end
              end
              redis.call('HSET', KEYS[1], unpack(args))
              redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(ttl / 1000)))
              local binding = 1
              for i = 2, n do
                if rem[i] < rem[binding] then binding = i end
              end
              return {1, binding - 1, rem[binding], reset[binding], 0}
            end
            local binding = 0
            local minRem = nil
            for i = 1, n do
              if not ok[i] and (binding == 0 or retry[i] > retry[binding]) then binding = i end
              if minRem == nil or rem[i] < minRem then minRem = rem[i] end
            end
            return {0, binding - 1, math.max(0, minRem), reset[binding], retry[binding]}
            """;

    static final String SHA = sha1(SOURCE);

    private RateLimitScript() {
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
