package org.grace.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How each setting is read and what a bad one says; the launcher and the WAR show the same one line. */
class SettingsTest {
    private static final String DB = "jdbc:postgresql://db.example:5432/grace";

    /** Settings from these properties (MicroProfile Config names), as the container would hand them over. */
    static Settings settings(Map<String, String> properties) {
        return new Settings(property -> Optional.ofNullable(properties.get(property)));
    }

    private static Settings with(String... pairs) {
        Map<String, String> properties = new HashMap<>(Map.of("grace.db.url", DB));
        for (int i = 0; i < pairs.length; i += 2) {
            properties.put(pairs[i], pairs[i + 1]);
        }
        return settings(properties);
    }

    @Test
    void theDefaultsWorkForOneInstanceOnOneMachine() {
        Settings s = with();
        s.validate();
        assertThat(s.dbUrl().host()).isEqualTo("db.example");
        assertThat(s.dbUser()).isEqualTo("postgres");
        assertThat(s.instances()).isEqualTo(1);
        assertThat(s.dbPoolSize()).isEqualTo(3);
        assertThat(s.dbIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.dbConnectionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.redisUrl()).isEmpty();
        assertThat(s.redisCallTimeout()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.authAccessTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.authCookieSecure()).isTrue();
        assertThat(s.rateLimitLoginPerMinute()).isEqualTo(5);
        assertThat(s.rateLimitApiPerMinute()).isEqualTo(100);
        assertThat(s.rateLimitApiLease()).isEqualTo(16);
        assertThat(s.trustedProxies()).isEmpty();
        assertThat(s.jobsWorker()).isTrue();
    }

    @Test
    void durationsAreANumberWithAUnitOrIso8601() {
        assertThat(with("grace.auth.access-ttl", "500ms").authAccessTtl()).isEqualTo(Duration.ofMillis(500));
        assertThat(with("grace.auth.access-ttl", "30s").authAccessTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(with("grace.auth.access-ttl", "5m").authAccessTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(with("grace.auth.access-ttl", "2h").authAccessTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(with("grace.auth.access-ttl", "PT45S").authAccessTtl()).isEqualTo(Duration.ofSeconds(45));
        assertThat(with("grace.auth.access-ttl", " pt1m ").authAccessTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(with("grace.auth.access-ttl", "").authAccessTtl()).isEqualTo(Duration.ofMinutes(15));
    }

    /** A bad value, the read that meets it, and its one line: whole, or its start where a parser words the rest. */
    record Refusal(Consumer<Settings> read, List<String> properties, String message, boolean whole) {
        /** The same refusal with {@code property} set to {@code value} too, e.g. a bound the bad value exceeds. */
        Refusal alongside(String property, String value) {
            List<String> more = new ArrayList<>(List.of(property, value));
            more.addAll(properties);
            return new Refusal(read, List.copyOf(more), message, whole);
        }

        @Override
        public String toString() {
            return String.join(" ", properties);
        }
    }

    private static Refusal says(Consumer<Settings> read, String property, String value, String message) {
        return new Refusal(read, List.of(property, value), message, true);
    }

    private static Refusal startsWith(Consumer<Settings> read, String property, String value, String start) {
        return new Refusal(read, List.of(property, value), start, false);
    }

    /** Each bad value of a setting, read by its getter, and the one line naming the variable that it gives. */
    static Stream<Refusal> refusals() {
        Consumer<Settings> mailPort = s -> s.integer("grace.mail.port", "GRACE_MAIL_PORT", 587, 1, 65535);
        return Stream.of(
                says(Settings::healthDbTimeout, "grace.health.db-timeout", "30",
                        "GRACE_HEALTH_DB_TIMEOUT is not a positive duration: '30' (write e.g. 500ms, 30s, 5m or PT30S)"),
                startsWith(Settings::healthDbTimeout, "grace.health.db-timeout", "0s",
                        "GRACE_HEALTH_DB_TIMEOUT is not a positive duration: '0s'"),
                startsWith(Settings::redisCallTimeout, "grace.redis.call-timeout", "-PT1S",
                        "GRACE_REDIS_CALL_TIMEOUT is not a positive duration"),
                says(Settings::dbPoolSize, "grace.instances", "0",
                        "GRACE_INSTANCES must be at least 1, got 0"),
                says(Settings::dbPoolSize, "grace.db.pool.size", "many",
                        "GRACE_DB_POOL_SIZE is not a whole number: 'many'"),
                says(Settings::authCookieSecure, "grace.auth.cookie-secure", "maybe",
                        "GRACE_AUTH_COOKIE_SECURE must be true or false, got 'maybe'"),
                says(Settings::trustedProxies, "grace.http.trusted-proxies", "10.0.0.1,lb.example",
                        "GRACE_HTTP_TRUSTED_PROXIES has 'lb.example': not an IP address or CIDR range"),
                startsWith(Settings::dbUrl, "grace.db.url", "jdbc:mysql://db:3306/grace",
                        "GRACE_DB_URL "),
                startsWith(Settings::redisUrl, "grace.redis.url", "memcached://cache:11211",
                        "GRACE_REDIS_URL "),
                startsWith(Settings::rateLimitLoginPerMinute, "grace.ratelimit.login-per-minute", "2000000000",
                        "GRACE_RATELIMIT_LOGIN_PER_MINUTE is 2000000000, more than the rate limiter"),
                says(Settings::shutdownDrain, "grace.shutdown.drain", "21s",
                        "GRACE_SHUTDOWN_DRAIN must be from 0s to 20s (the stop has 30 s in all), got 21s"),
                startsWith(Settings::shutdownDrain, "grace.shutdown.drain", "PT-1S",
                        "GRACE_SHUTDOWN_DRAIN must be from 0s to 20s"),
                says(Settings::shutdownDrain, "grace.shutdown.drain", "soon",
                        "GRACE_SHUTDOWN_DRAIN is not a duration: 'soon' (write e.g. 0s, 500ms, 5s or PT5S)"),
                says(Settings::warmUp, "grace.warmup", "90s",
                        "GRACE_WARMUP must be from 0s to 60s (an instance not ready that long is better restarted), "
                                + "got 90s"),
                says(Settings::redisCallTimeout, "grace.redis.call-timeout", "2m",
                        "GRACE_REDIS_CALL_TIMEOUT must be at most PT1M (the library's longest call timeout), got PT2M"),
                says(Settings::streamHeartbeat, "grace.stream.heartbeat", "500ms",
                        "GRACE_STREAM_HEARTBEAT must be between 1s and 5m, got 500 ms"),
                says(Settings::streamMaxConnections, "grace.stream.max-connections", "0",
                        "GRACE_STREAM_MAX_CONNECTIONS must be at least 1, got 0"),
                says(Settings::streamMaxConnections, "grace.stream.max-connections", "200000",
                        "GRACE_STREAM_MAX_CONNECTIONS must be at most 100000, got 200000"),
                says(Settings::rateLimitApiLease, "grace.ratelimit.api-lease", "0",
                        "GRACE_RATELIMIT_API_LEASE must be at least 1, got 0"),
                says(Settings::rateLimitApiLease, "grace.ratelimit.api-lease", "5000",
                        "GRACE_RATELIMIT_API_LEASE must be at most 1000, got 5000"),
                says(Settings::streamMaxPerUser, "grace.stream.max-per-user", "6",
                        "GRACE_STREAM_MAX_PER_USER must be at most 5, got 6")
                        .alongside("grace.stream.max-connections", "5"),
                says(Settings::dbConnectionTimeout, "grace.db.pool.connection-timeout", "100ms",
                        "GRACE_DB_POOL_CONNECTION_TIMEOUT must be at least 250 ms (the connection pool's shortest wait), got 100 ms"),
                startsWith(Settings::dbIdleTimeout, "grace.db.pool.idle-timeout", "5s",
                        "GRACE_DB_POOL_IDLE_TIMEOUT must be at least 10000 ms"),
                says(mailPort, "grace.mail.port", "0",
                        "GRACE_MAIL_PORT must be 1-65535, got 0"),
                says(mailPort, "grace.mail.port", "smtp",
                        "GRACE_MAIL_PORT is not a whole number: 'smtp'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aBadValueIsRefusedWithOneLineNamingItsVariable(Refusal refusal) {
        assertThatThrownBy(() -> refusal.read().accept(with(refusal.properties().toArray(String[]::new))))
                .isInstanceOf(InvalidSettingException.class)
                .satisfies(e -> {
                    if (refusal.whole()) {
                        assertThat(e).hasMessage(refusal.message());
                    } else {
                        assertThat(e).hasMessageStartingWith(refusal.message());
                    }
                });
    }

    @Test
    void thePoolFollowsTheInstancesUnlessSetItself() {
        assertThat(with("grace.instances", "4").dbPoolSize()).isEqualTo(9);
        assertThat(with("grace.instances", "4", "grace.db.pool.size", "7").dbPoolSize()).isEqualTo(7);
    }

    @Test
    void switchesAcceptTheUsualWordsAndNothingElse() {
        for (String yes : new String[] {"true", "YES", "1", "on"}) {
            assertThat(with("grace.jobs.worker", yes).jobsWorker()).as(yes).isTrue();
        }
        for (String no : new String[] {"false", "No", "0", "off"}) {
            assertThat(with("grace.jobs.worker", no).jobsWorker()).as(no).isFalse();
        }
    }

    @Test
    void trustedProxiesAreAddressesOrRangesAndNothingElse() {
        assertThat(with("grace.http.trusted-proxies", "10.0.0.5, 192.168.0.0/16,fd00::/8").trustedProxies())
                .hasSize(3)
                .anySatisfy(r -> assertThat(r.contains("192.168.4.2")).isTrue());
    }

    @Test
    void withoutADatabaseUrlTheMessageSaysWhatToWrite() {
        assertThatThrownBy(() -> settings(Map.of()).dbUrl())
                .hasMessage("GRACE_DB_URL is not set; expected jdbc:postgresql://host:port/database (the run command "
                        + "starts an embedded PostgreSQL)");
    }

    /** Start-up reads every setting: each bad value here stops it with the one line naming its variable. */
    @Test
    void validateRefusesEveryKindOfBadSetting() {
        Map<String, String[]> bad = new java.util.LinkedHashMap<>();
        bad.put("GRACE_DB_URL", new String[] {"grace.db.url", "postgres://db/grace"});
        bad.put("GRACE_REDIS_URL", new String[] {"grace.redis.url", "redis://"});
        bad.put("GRACE_INSTANCES", new String[] {"grace.instances", "-1"});
        bad.put("GRACE_DB_POOL_SIZE", new String[] {"grace.db.pool.size", "0"});
        bad.put("GRACE_DB_POOL_IDLE_TIMEOUT", new String[] {"grace.db.pool.idle-timeout", "soon"});
        bad.put("GRACE_DB_POOL_CONNECTION_TIMEOUT", new String[] {"grace.db.pool.connection-timeout", "1 minute"});
        bad.put("GRACE_HEALTH_DB_TIMEOUT", new String[] {"grace.health.db-timeout", "2"});
        bad.put("GRACE_HEALTH_REDIS_DEGRADED", new String[] {"grace.health.redis-degraded", "fast"});
        bad.put("GRACE_AUTH_ISSUER", new String[] {"grace.auth.issuer", "   "});
        bad.put("GRACE_AUTH_AUDIENCE", new String[] {"grace.auth.audience", " "});
        bad.put("GRACE_AUTH_ACCESS_TTL", new String[] {"grace.auth.access-ttl", "15"});
        bad.put("GRACE_AUTH_REFRESH_TTL", new String[] {"grace.auth.refresh-ttl", "7d"});
        bad.put("GRACE_AUTH_CLOCK_SKEW", new String[] {"grace.auth.clock-skew", "0ms"});
        bad.put("GRACE_AUTH_COOKIE_SECURE", new String[] {"grace.auth.cookie-secure", "sometimes"});
        bad.put("GRACE_AUTH_PBKDF2_ITERATIONS", new String[] {"grace.auth.pbkdf2-iterations", "1000"});
        bad.put("GRACE_RATELIMIT_LOGIN_PER_MINUTE", new String[] {"grace.ratelimit.login-per-minute", "0"});
        bad.put("GRACE_RATELIMIT_API_PER_MINUTE", new String[] {"grace.ratelimit.api-per-minute", "lots"});
        bad.put("GRACE_HTTP_TRUSTED_PROXIES", new String[] {"grace.http.trusted-proxies", "proxy"});
        bad.put("GRACE_HTTP_MAX_BODY_BYTES", new String[] {"grace.http.max-body-bytes", "0"});
        bad.put("GRACE_HTTP_GZIP_MIN_BYTES", new String[] {"grace.http.gzip-min-bytes", "-5"});
        bad.put("GRACE_JOBS_WORKER", new String[] {"grace.jobs.worker", "perhaps"});
        bad.put("GRACE_REDIS_CALL_TIMEOUT", new String[] {"grace.redis.call-timeout", "50"});
        bad.put("GRACE_SHUTDOWN_DRAIN", new String[] {"grace.shutdown.drain", "5"});
        bad.put("GRACE_RATELIMIT_API_LEASE", new String[] {"grace.ratelimit.api-lease", "none"});
        bad.put("GRACE_WARMUP", new String[] {"grace.warmup", "2h"});
        bad.put("GRACE_RATELIMIT_INGEST_DEVICE_PER_MINUTE", new String[] {"grace.ratelimit.ingest-device-per-minute", "0"});
        bad.put("GRACE_RATELIMIT_INGEST_RESIDENT_PER_MINUTE",
                new String[] {"grace.ratelimit.ingest-resident-per-minute", "many"});
        bad.put("GRACE_DETECTION_MIN_CONFIDENCE", new String[] {"grace.detection.min-confidence", "1.5"});
        bad.put("GRACE_STREAM_HEARTBEAT", new String[] {"grace.stream.heartbeat", "500ms"});
        bad.put("GRACE_STREAM_MAX_CONNECTIONS", new String[] {"grace.stream.max-connections", "0"});
        bad.put("GRACE_STREAM_MAX_PER_USER", new String[] {"grace.stream.max-per-user", "-1"});
        assertThat(bad.keySet()).as("every setting that validate() reads")
                .containsExactlyInAnyOrderElementsOf(with().checks().keySet());
        bad.forEach((variable, setting) -> assertThatThrownBy(() -> with(setting[0], setting[1]).validate())
                .as(variable)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(variable + " ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")));
    }

    @Test
    void aRateLimitBeyondWhatTheLimiterAcceptsStopsStartUpNotTheFirstSignIn() {
        assertThatThrownBy(() -> with("grace.ratelimit.api-per-minute", "100000000").validate())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("GRACE_RATELIMIT_API_PER_MINUTE is 100000000, more than the rate limiter "
                        + "accepts: ")
                .hasMessageContaining("at most");
        assertThat(with("grace.ratelimit.api-per-minute", "6000").rateLimitApiPerMinute()).isEqualTo(6000);
    }

    @Test
    void theShutdownDrainIsZeroOrMoreAndLeavesTheStopItsTime() {
        assertThat(with().shutdownDrain()).isEqualTo(Duration.ofSeconds(5));
        assertThat(with("grace.shutdown.drain", "0s").shutdownDrain()).isZero();
        assertThat(with("grace.shutdown.drain", "1500ms").shutdownDrain()).isEqualTo(Duration.ofMillis(1500));
        assertThat(with("grace.shutdown.drain", "20s").shutdownDrain()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aRedisCallTimeoutUpToTheLibrarysLongestIsTaken() {
        assertThat(with("grace.redis.call-timeout", "1m").redisCallTimeout()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void streamSettingsHaveDefaultsAndBounds() {
        Settings defaults = with();
        assertThat(defaults.streamHeartbeat()).isEqualTo(Duration.ofSeconds(15));
        assertThat(defaults.streamMaxConnections()).isEqualTo(2000);
        assertThat(defaults.streamMaxPerUser()).isEqualTo(10);
        assertThat(with("grace.stream.heartbeat", "2s").streamHeartbeat()).isEqualTo(Duration.ofSeconds(2));
    }

    /** Pool timeouts below what the pool accepts are refused (see {@link #refusals()}) rather than changed quietly. */
    @Test
    void aPoolTimeoutThePoolAcceptsIsTakenAsGiven() {
        assertThat(with("grace.db.pool.connection-timeout", "250ms").dbConnectionTimeout())
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void problemsListsEveryBadSettingOnceInTheEnvironmentsTerms() {
        Settings s = new Settings(Settings.Source.environment(Map.of(
                "GRACE_DB_URL", DB,
                "GRACE_AUTH_ACCESS_TTL", "15",
                "GRACE_RATELIMIT_API_PER_MINUTE", "100000000",
                "GRACE_INSTANCES", "3")));
        assertThat(s.problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("GRACE_AUTH_ACCESS_TTL "))
                .anySatisfy(p -> assertThat(p).startsWith("GRACE_RATELIMIT_API_PER_MINUTE "));
        assertThat(s.instances()).isEqualTo(3);
        assertThat(Settings.environmentName("grace.auth.access-ttl")).isEqualTo("GRACE_AUTH_ACCESS_TTL");
        assertThat(new Settings(Settings.Source.environment(Map.of())).problems())
                .containsExactly("GRACE_DB_URL is not set; expected jdbc:postgresql://host:port/database (the run "
                        + "command starts an embedded PostgreSQL)");
    }

    /** The bounded whole number the features' own settings use (mail port, escalation steps). */
    @Test
    void aBoundedWholeNumberTakesItsDefaultAndRefusesValuesOutsideItsBounds() {
        assertThat(with().integer("grace.mail.port", "GRACE_MAIL_PORT", 587, 1, 65535)).isEqualTo(587);
        assertThat(with("grace.mail.port", "65535").integer("grace.mail.port", "GRACE_MAIL_PORT", 587, 1, 65535))
                .isEqualTo(65535);
    }
}
