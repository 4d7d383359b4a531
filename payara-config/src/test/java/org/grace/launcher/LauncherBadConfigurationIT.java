package org.grace.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.grace.testsupport.ChildJvm;
import org.junit.jupiter.api.Test;

/** A bad setting stops start-up before Payara Micro boots: exit code 78 and one line naming the variable. */
class LauncherBadConfigurationIT {

    @Test
    void malformedDatabaseUrlStopsStartUpWithOneLine() {
        String output = run("GRACE_DB_URL", "jdbc:mysql://db:3306/grace");
        assertThat(output.strip().lines()).containsExactly("grace: configuration error: GRACE_DB_URL "
                + "'jdbc:mysql://db:3306/grace' is not a PostgreSQL JDBC URL; expected jdbc:postgresql://host:port/database");
    }

    @Test
    void unknownRedisSchemeStopsStartUpWithOneLine() {
        String output = run("GRACE_REDIS_URL", "memcached://cache:11211");
        assertThat(output.strip().lines()).containsExactly("grace: configuration error: GRACE_REDIS_URL has unknown "
                + "scheme 'memcached'; expected redis, rediss or redis-sentinel");
    }

    @Test
    void aRateLimitBeyondWhatTheLimiterAcceptsStopsStartUpWithOneLine() {
        String output = run("GRACE_RATELIMIT_API_PER_MINUTE", "100000000");
        assertThat(output.strip().lines()).singleElement().asString()
                .startsWith("grace: configuration error: GRACE_RATELIMIT_API_PER_MINUTE is 100000000, more than the "
                        + "rate limiter accepts: ");
    }

    private static String run(String variable, String value) {
        try (ChildJvm launcher = ChildJvm.builder(GraceLauncher.class).env(variable, value)
                .args("--war", "does-not-matter.war").start()) {
            assertThat(launcher.awaitExit(Duration.ofSeconds(30))).isEqualTo(GraceLauncher.EXIT_CONFIG);
            return launcher.output();
        }
    }
}
