package org.grace.core.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Lua script a Redis decision runs, one per policy: {@link LimitArithmetic} in Lua, with the time from Redis's own
 * {@code TIME}, so the clocks of the application servers never enter the decision.
 *
 * <p>One call decides a batch: KEYS are the keys and ARGV their permits, one each, decided in that order as if they
 * had come one by one ({@link DecisionBatcher} gathers them). The same key may appear several times; each decision
 * reads what the one before wrote. The reply is five numbers per key: allowed (1/0), binding limit index, remaining,
 * reset-after µs, and a wait in µs: on a denial the retry-after; on an admission that left some limit without a
 * permit, how long until one more permit would be admitted (0 while every limit has one left), which lets an
 * instance remember the emptied key of a one-limit policy as denied until then ({@link DenialMemory}). {@code TIME}
 * is read once per call: the decisions of one batch happen at one instant, as requests arriving together would.
 *
 * <p>A key's state is the policy's state numbers as little-endian doubles, packed with Redis's {@code struct} library:
 * one per token bucket (its {@code tat}) and three per sliding window (window number, previous and current count).
 * Binary because text costs more than the rest of the decision: turning a number into text or back in Redis's Lua is
 * a C {@code printf} or {@code strtod} of several thousand instructions. For the same reason the expiry is picked from
 * prewritten choices ({@link #expiryChoicesMillis}), a permit count of 1 is recognised without parsing, and the
 * policy's limits are written into the source as constants, one block each, rather than looped over: measured with
 * callgrind on redis-server 7.0, a single-key call went from 73 000 instructions (text state, generic loop) to 59 000;
 * a bare {@code TIME}, {@code GET}, {@code SET} script takes 44 000, {@code PING} 14 000. A string rather than a hash
 * because {@code GET} and one {@code SET ... PX} are the fewest commands that read, write and expire it. The policy's
 * layout (one letter per limit, {@code t} token bucket, {@code w} sliding window) is part of the key's name
 * ({@link #layout}), so a policy given other kinds of limits starts on fresh keys; state of another length is
 * ignored, as if the key were fresh.
 *
 * <p>The key expires at least one second after its limits are full again, at most twice that; from then on a fresh
 * key decides the same. Not at the very instant: a bucket a request only dented is full again within milliseconds, so
 * nearly every write would create a key that Redis deletes right after. The second of slack keeps a key in steady use
 * alive. TIME before a write is allowed because Redis 5+ replicates scripts by their effects (the only mode in Redis
 * 7).
 */
final class RateLimitScript {
    /** %1$s the state variables, %2$d the state's length in bytes, %3$s its struct format, %4$s the out variables. */
    private static final String HEAD = """
            local floor, ceil = math.floor, math.ceil
            local t = redis.call('TIME')
            local now = t[1] * 1000000 + t[2]
            local reply = {}
            local r = 0
            for k = 1, #KEYS do
              local key = KEYS[k]
              local permits = 1
              if ARGV[k] ~= '1' then permits = tonumber(ARGV[k]) end
              local old = redis.call('GET', key)
              local %1$s
              if old and #old == %2$d then %1$s = struct.unpack('%3$s', old) end
              local %4$s
              local all = true
              local ttl = 0
              local nWait = 0
              local bRem, bIdx, bReset = nil, 0, 0
              local dRetry, dIdx, dReset = -1, 0, 0
            """;

    /** A token bucket: GCRA on its {@code tat}; %1$s a (capacity), %2$s b (µs per permit), %3$s state, %4$s out. */
    private static final String TOKEN_BUCKET = """
              do
                local a, b = %1$s, %2$s
                local cap = a * b
                local tat = %3$s or 0
                local base = now
                if tat > now then base = tat end
                local newTat = ceil(base + permits * b)
                local rem, reset
                if newTat - now <= cap then
                  rem = floor((cap - (newTat - now)) / b + 1e-9)
                  reset = newTat - now
                  %4$s = newTat
                  if reset > ttl then ttl = reset end
                  if rem < 1 then
                    local nxt = ceil(newTat + b - now - cap)
                    if nxt > nWait then nWait = nxt end
                  end
                else
                  all = false
                  rem = floor((cap - (base - now)) / b + 1e-9)
                  reset = base - now
                  local retry = ceil(newTat - now - cap)
                  if retry > dRetry then dRetry, dIdx, dReset = retry, %5$d, reset end
                end
                if bRem == nil or rem < bRem then bRem, bIdx, bReset = rem, %5$d, reset end
              end
            """;

    /**
     * A sliding window: %1$s a (limit), %2$s b (window µs), %3$s/%4$s/%5$s state (window number, previous, current),
     * %6$s/%7$s/%8$s the same out.
     */
    private static final String SLIDING_WINDOW = """
              do
                local a, w = %1$s, %2$s
                local idx = floor(now / w)
                if idx * w > now then idx = idx - 1 elseif (idx + 1) * w <= now then idx = idx + 1 end
                local sidx = %3$s or -1
                local prev = %4$s or 0
                local curr = %5$s or 0
                if sidx ~= idx then
                  if sidx == idx - 1 then prev = curr else prev = 0 end
                  curr = 0
                end
                local f = (now - idx * w) / w
                local est = prev * (1 - f) + curr
                local rem, reset
                if est + permits <= a then
                  curr = curr + permits
                  rem = floor(a - est - permits + 1e-9)
                  reset = (idx + 2) * w - now
                  %6$s, %7$s, %8$s = idx, prev, curr
                  if reset > ttl then ttl = reset end
                  if rem < 1 then
                    local nxt
                    if curr + 1 <= a then
                      nxt = ceil((1 - (a - 1 - curr) / prev - f) * w) + 1
                    else
                      nxt = ceil((idx + 1) * w + (1 - (a - 1) / curr) * w - now) + 1
                    end
                    if nxt > nWait then nWait = nxt end
                  end
                else
                  all = false
                  rem = floor(a - est + 1e-9)
                  if curr > 0 then
                    reset = (idx + 2) * w - now
                  elseif prev > 0 then
                    reset = (idx + 1) * w - now
                  else
                    reset = 0
                  end
                  local retry
                  if curr + permits <= a then
                    retry = ceil((1 - (a - permits - curr) / prev - f) * w) + 1
                  else
                    retry = ceil((idx + 1) * w + (1 - (a - permits) / curr) * w - now) + 1
                  end
                  if retry > dRetry then dRetry, dIdx, dReset = retry, %9$d, reset end
                end
                if bRem == nil or rem < bRem then bRem, bIdx, bReset = rem, %9$d, reset end
              end
            """;

    /** %1$s the state format, %2$s the out variables, %3$d the number of expiry choices. */
    private static final String TAIL = """
              if all then
                local ms = ttl / 1000 + 1000
                local e = 1
                while e < %3$d and ttlMs[e] < ms do e = e + 1 end
                redis.call('SET', key, struct.pack('%1$s', %2$s), 'PX', ttlText[e])
                reply[r + 1], reply[r + 2], reply[r + 3], reply[r + 4], reply[r + 5] = 1, bIdx, bRem, bReset, nWait
              else
                if bRem < 0 then bRem = 0 end
                reply[r + 1], reply[r + 2], reply[r + 3], reply[r + 4], reply[r + 5] = 0, dIdx, bRem, dReset, dRetry
              end
              r = r + 5
            end
            return reply
            """;

    final String source;
    final String sha;

    private RateLimitScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    /** The script for {@code policy}: its limits written into the source as constants. */
    static RateLimitScript forPolicy(RateLimitPolicy policy) {
        List<Limit> limits = policy.limits();
        List<String> state = new ArrayList<>();
        List<String> out = new ArrayList<>();
        StringBuilder format = new StringBuilder("<");
        StringBuilder blocks = new StringBuilder();
        double longestMicros = 0;
        for (int i = 0; i < limits.size(); i++) {
            Limit limit = limits.get(i);
            int v = state.size() + 1;
            if (limit.algorithm() == Limit.Algorithm.TOKEN_BUCKET) {
                state.add("s" + v);
                out.add("o" + v);
                format.append('d');
                double capacity = limit.capacity();
                double interval = limit.intervalMicros();
                blocks.append(TOKEN_BUCKET.formatted(Long.toString(limit.capacity()), Double.toString(interval),
                        "s" + v, "o" + v, i));
                longestMicros = Math.max(longestMicros, capacity * interval);
            } else {
                for (int j = 0; j < 3; j++) {
                    state.add("s" + (v + j));
                    out.add("o" + (v + j));
                }
                format.append("ddd");
                long window = limit.periodMicros();
                blocks.append(SLIDING_WINDOW.formatted(Long.toString(limit.capacity()), Long.toString(window),
                        "s" + v, "s" + (v + 1), "s" + (v + 2), "o" + v, "o" + (v + 1), "o" + (v + 2), i));
                longestMicros = Math.max(longestMicros, 2.0 * window);
            }
        }
        List<Long> expiries = expiryChoicesMillis(longestMicros);
        String ttlMs = expiries.stream().map(String::valueOf).collect(Collectors.joining(", "));
        String ttlText = expiries.stream().map(ms -> "'" + ms + "'").collect(Collectors.joining(", "));
        String source = "local ttlMs = {" + ttlMs + "}\n"
                + "local ttlText = {" + ttlText + "}\n"
                + HEAD.formatted(String.join(", ", state), 8 * state.size(), format, String.join(", ", out))
                + blocks
                + TAIL.formatted(format, String.join(", ", out), expiries.size());
        return new RateLimitScript(source);
    }

    /** The layout of a policy's state, one letter per limit ({@code t}, {@code w}): part of its keys' names. */
    static String layout(RateLimitPolicy policy) {
        return policy.limits().stream()
                .map(l -> l.algorithm() == Limit.Algorithm.TOKEN_BUCKET ? "t" : "w")
                .collect(Collectors.joining());
    }

    /**
     * The key lifetimes the script may set, in milliseconds: 2 s, 4 s, 8 s, ... below the longest a key can take to
     * be full again ({@code longestMicros}) plus 1 s, then that itself. The script takes the first at least the key's
     * own time to full plus 1 s, so a key never expires before its limits are full again, and lives at most twice
     * that. Written into the script as numbers and as text, so that the script never turns a number into text.
     */
    static List<Long> expiryChoicesMillis(double longestMicros) {
        long longest = (long) Math.ceil(longestMicros / 1000) + 1000;
        List<Long> choices = new ArrayList<>();
        for (long ms = 2000; ms < longest; ms *= 2) {
            choices.add(ms);
        }
        choices.add(longest);
        return choices;
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
