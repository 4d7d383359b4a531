package org.grace.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grace.core.redis.WithRedisson;
import org.grace.testsupport.ChildJvm;
import org.grace.testsupport.ProjectLayout;
import org.grace.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** Three JVM processes, one Redis: the limit holds across instances, whatever their clocks say. */
@WithRedisson
class MultiInstanceRateLimitIT {
    private static final Pattern RESULT = Pattern.compile(
            "RESULT (\\S+) allowed=(\\d+) denied=(\\d+) fallback=(\\d+) errors=(\\d+) leased=(\\d+)");

    @Test
    void threeProcessesAdmitExactlyTheLimitInTotal(RedisServer redis, RedissonClient client) throws Exception {
        // 1000 per hour refills one permit every 3.6 s: a run shorter than that admits exactly 1000.
        Run run = hammer(redis, client, 1500, 4, new long[] {0, 0, 0}, "exact:1000:3600000");
        long refilled = (long) Math.floor(run.elapsedMicros / 3_600_000.0);
        System.out.printf("exactness: admitted %s = %d in %.3f s of Redis time (limit 1000, refill %d)%n",
                run.perProcess.get("exact"), run.total("exact"), run.elapsedMicros / 1e6, refilled);
        assertThat(run.denied("exact")).as("the limit was reached").isGreaterThan(0);
        // Exactly 1000 when the run stayed under 3.6 s of Redis time (refilled == 0), as it does unless the machine
        // stalls; then at most the permits refilled meanwhile, which the hammering may or may not have caught.
        assertThat(run.total("exact")).isBetween(1000L, 1000 + refilled);
    }

    @Test
    void threeLeasingProcessesAdmitTheLimitInTotalAndSpendMostPermitsWithoutARoundTrip(RedisServer redis,
                                                                                      RedissonClient client)
            throws Exception {
        // As above, with leases of up to 16 permits living one second (RateLimiter.Builder#leases).
        Run run = hammer(redis, client, 1500, 4, new long[] {0, 0, 0}, "leased:1000:3600000:16");
        long refilled = (long) Math.floor(run.elapsedMicros / 3_600_000.0);
        System.out.printf("leased: admitted %s = %d, %d of them leased, in %.3f s of Redis time (limit 1000)%n",
                run.perProcess.get("leased"), run.total("leased"), run.leased("leased"), run.elapsedMicros / 1e6);
        assertThat(run.denied("leased")).as("the limit was reached").isGreaterThan(0);
        // Never more than the limit: leases are Redis's own decisions. The hammering threads spend every leased
        // permit within the run, so fewer would mean permits lost; the bound allows each process's last lease
        // (15 unspent) in case a process stopped with one still open.
        assertThat(run.total("leased")).isBetween(1000L - 3 * 15, 1000 + refilled);
        assertThat(run.leased("leased")).as("permits spent without a round trip").isGreaterThan(500);
    }

    @Test
    void skewedClocksAdmitNoMoreThanThePolicyAllowsOverRedisTime(RedisServer redis, RedissonClient client)
            throws Exception {
        // Clocks -5 s, 0 and +5 s; each process also hammers an unskewed twin policy with the same limit.
        Run run = hammer(redis, client, 3000, 2, new long[] {-5000, 0, 5000}, "skew-skewed:20:1000",
                "skew-straight:20:1000");
        long exactBound = 20 + (long) Math.floor(20 * run.elapsedMicros / 1e6);
        // Tokens arrive every 50 ms and six threads are always waiting for one: all but the last few are taken.
        long lowerBound = 20 + 20 * 3 - 3;
        for (String policy : List.of("skew-skewed", "skew-straight")) {
            System.out.printf("skew: %s admitted %s = %d in %.3f s of Redis time (exact bound %d)%n", policy,
                    run.perProcess.get(policy), run.total(policy), run.elapsedMicros / 1e6, exactBound);
            assertThat(run.total(policy)).as(policy).isBetween(lowerBound, exactBound);
        }
    }

    /**
     * Runs one hammer process per skew against {@code redis} and times the run in Redis's clock, read through
     * {@code client}.
     */
    private Run hammer(RedisServer redis, RedissonClient client, long durationMillis, int threads, long[] skews,
                       String... policies) throws Exception {
        Path goFile = ProjectLayout.scratch("ratelimit-go-").resolve("go");
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int i = 0; i < skews.length; i++) {
                List<String> args = new ArrayList<>(List.of(redis.url(), goFile.toString(),
                        Long.toString(durationMillis), Integer.toString(threads), Long.toString(skews[i])));
                args.addAll(List.of(policies));
                children.add(ChildJvm.builder(RateLimitHammer.class).name("hammer-" + i)
                        .args(args.toArray(String[]::new)).start());
            }
            for (ChildJvm child : children) {
                child.awaitLine("^READY", Duration.ofSeconds(90));
            }
            long before = RedisRateLimiterIT.redisMicros(client);
            Files.createFile(goFile);
            Run run = new Run();
            for (ChildJvm child : children) {
                child.awaitLine("^DONE", Duration.ofSeconds(60));
            }
            run.elapsedMicros = RedisRateLimiterIT.redisMicros(client) - before;
            for (ChildJvm child : children) {
                Matcher m = RESULT.matcher(child.output());
                while (m.find()) {
                    assertThat(m.group(4)).as("fallback decisions in " + child.output()).isEqualTo("0");
                    assertThat(m.group(5)).as("errors in " + child.output()).isEqualTo("0");
                    run.perProcess.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Long.parseLong(m.group(2)));
                    run.denied.merge(m.group(1), Long.parseLong(m.group(3)), Long::sum);
                    run.leased.merge(m.group(1), Long.parseLong(m.group(6)), Long::sum);
                }
                assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
            }
            for (String policy : policies) {
                assertThat(run.perProcess.get(policy.split(":")[0])).hasSize(skews.length);
            }
            return run;
        } finally {
            children.forEach(ChildJvm::close);
        }
    }

    private static final class Run {
        final Map<String, List<Long>> perProcess = new LinkedHashMap<>();
        final Map<String, Long> denied = new LinkedHashMap<>();
        final Map<String, Long> leased = new LinkedHashMap<>();
        long elapsedMicros;

        long total(String policy) {
            return perProcess.get(policy).stream().mapToLong(Long::longValue).sum();
        }

        long denied(String policy) {
            return denied.get(policy);
        }

        long leased(String policy) {
            return leased.get(policy);
        }
    }
}
