package org.grace.benchmarks.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import org.grace.core.ratelimit.FallbackPolicy;
import org.grace.core.ratelimit.Limit;
import org.grace.core.ratelimit.RateLimitPolicy;
import org.grace.core.ratelimit.RateLimiter;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.grace.testsupport.RedisServer;
import org.redisson.Redisson;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.RedisCommands;
import org.redisson.command.CommandAsyncExecutor;

/**
 * Why a script call's tail is longer than a {@code PING}'s: Redis (7.0, {@code eval.c}) runs a step of Lua's
 * garbage collector inside every 50th script call, counted across the whole server. One caller, one call at a time, so
 * each contender's calls are the only script calls: the calls whose number is the same modulo 50 all meet the
 * collector or all miss it. The probe prints, per contender, the median and p99 of all calls and the median of each of
 * the 50 classes of calls (the lowest, the middle one and the highest): a class far above the others is the collector.
 *
 * <p>Contenders: {@code PING}; a script that returns 1; a bare script that reads {@code TIME}, {@code GET}s and
 * {@code SET}s a key (the least a limiter deciding on Redis's clock does); Grace's limiter, parking at once and with
 * its default spin. System properties: {@code calls} (per contender, 100 000; the first half is warm-up).
 */
public final class LuaGcProbe {
    private static final int PERIOD = 50;

    private LuaGcProbe() {
    }

    public static void main(String[] args) throws Exception {
        int calls = Integer.getInteger("calls", 100_000);
        RedisServer redis = RedisServer.start();
        RedissonClient client = RedisClients.create(RedisUrl.parse(redis.url()), "lua-gc-probe");
        try {
            System.out.printf("Started %s; %d calls per contender (the first half warm-up), one caller%n%n",
                    Instant.now(), calls);
            CommandAsyncExecutor executor = ((Redisson) client).getCommandExecutor();
            RScript script = client.getScript(StringCodec.INSTANCE);
            String returnOne = script.scriptLoad("return 1");
            String bare = script.scriptLoad("""
                    local t = redis.call('TIME')
                    local old = redis.call('GET', KEYS[1])
                    redis.call('SET', KEYS[1], 'abcdefgh', 'PX', '2000')
                    return {1, 0, 999, 1000, 0}
                    """);
            RateLimiter parked = limiter(client, "probe-parked", Duration.ZERO);
            RateLimiter spinning = limiter(client, "probe-spin", RateLimiter.DEFAULT_SPIN_WAIT);
            System.out.println("| Contender | p50 (us) | p99 (us) | class medians: lowest / middle / highest (us) |");
            System.out.println("|---|---:|---:|---|");
            probe("PING", calls, i -> "PONG".equals(executor.get(
                    executor.writeAsync("k", StringCodec.INSTANCE, RedisCommands.PING))));
            probe("script `return 1`", calls, i -> script.<Long>evalSha("k" + (i & 1023), RScript.Mode.READ_WRITE,
                    returnOne, RScript.ReturnType.INTEGER, List.of("k" + (i & 1023))) == 1L);
            probe("bare script: TIME, GET, SET", calls, i -> script.<List<Object>>evalSha("k" + (i & 1023),
                    RScript.Mode.READ_WRITE, bare, RScript.ReturnType.MULTI, List.of("k" + (i & 1023))).size() == 5);
            probe("Grace RateLimiter, parking at once", calls, i -> parked.tryAcquire("k" + (i & 1023)).allowed());
            probe("Grace RateLimiter, default spin", calls, i -> spinning.tryAcquire("k" + (i & 1023)).allowed());
        } finally {
            client.shutdown();
            redis.close();
        }
    }

    private static RateLimiter limiter(RedissonClient client, String name, Duration spin) {
        return RateLimiter.builder().redis(client).fallback(FallbackPolicy.failClosed()).spinWait(spin)
                .policy(RateLimitPolicy.of(name, Limit.perSecond(100_000))).build();
    }

    private static void probe(String name, int calls, IntPredicate call) {
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            if (!call.test(i)) {
                throw new IllegalStateException(name + ": unexpected answer at call " + i);
            }
            nanos[i] = System.nanoTime() - start;
        }
        int from = calls / 2;
        long[] measured = Arrays.copyOfRange(nanos, from, calls);
        Arrays.sort(measured);
        long[] classMedians = new long[PERIOD];
        for (int c = 0; c < PERIOD; c++) {
            long[] members = new long[(calls - from - c + PERIOD - 1) / PERIOD];
            for (int i = from + c, j = 0; i < calls; i += PERIOD, j++) {
                members[j] = nanos[i];
            }
            Arrays.sort(members);
            classMedians[c] = members[members.length / 2];
        }
        Arrays.sort(classMedians);
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f / %.0f / %.0f |%n", name,
                measured[measured.length / 2] / 1000.0, measured[measured.length * 99 / 100] / 1000.0,
                classMedians[0] / 1000.0, classMedians[PERIOD / 2] / 1000.0, classMedians[PERIOD - 1] / 1000.0);
    }
}
