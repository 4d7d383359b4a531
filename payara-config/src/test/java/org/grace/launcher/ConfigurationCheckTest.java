package org.grace.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationCheckTest {

    @Test
    void wellFormedSettingsPass() {
        assertThat(ConfigurationCheck.problems(Map.of(
                "GRACE_DB_URL", "jdbc:postgresql://db.internal:5432/grace",
                "GRACE_REDIS_URL", "redis://:secret@cache.internal:6379/0",
                "GRACE_INSTANCES", "3"))).isEmpty();
        assertThat(ConfigurationCheck.problems(Map.of(
                "GRACE_REDIS_URL", "redis-sentinel://10.0.0.1:26379,10.0.0.2:26379/grace"))).isEmpty();
    }

    @Test
    void malformedDatabaseUrlNamesTheVariableAndTheProblem() {
        assertThat(ConfigurationCheck.problems(Map.of("GRACE_DB_URL", "postgres://db/grace")))
                .singleElement().asString()
                .startsWith("GRACE_DB_URL ")
                .contains("is not a PostgreSQL JDBC URL")
                .doesNotContain("\n");
        assertThat(ConfigurationCheck.problems(Map.of("GRACE_DB_URL", "jdbc:postgresql://db:5432/")))
                .singleElement().asString().contains("names no database");
        assertThat(ConfigurationCheck.problems(Map.of("GRACE_DB_URL", "jdbc:postgresql://db:notaport/grace")))
                .singleElement().asString().startsWith("GRACE_DB_URL ");
    }

    @Test
    void unknownRedisSchemeNamesTheVariableAndTheScheme() {
        assertThat(ConfigurationCheck.problems(Map.of("GRACE_REDIS_URL", "memcached://cache:11211")))
                .singleElement().asString()
                .isEqualTo("GRACE_REDIS_URL has unknown scheme 'memcached'; expected redis, rediss or redis-sentinel");
    }

    @Test
    void passwordsNeverAppearInMessages() {
        assertThat(ConfigurationCheck.problems(Map.of("GRACE_REDIS_URL", "redis://user:hunter2@cache:6379/99")))
                .singleElement().asString().doesNotContain("hunter2").contains("database '99'");
    }

    @Test
    void everySettingOfTheApplicationIsCheckedWithItsOwnRules() {
        assertThat(ConfigurationCheck.problems(Map.of("GRACE_RATELIMIT_API_PER_MINUTE", "100000000")))
                .singleElement().asString()
                .startsWith("GRACE_RATELIMIT_API_PER_MINUTE is 100000000, more than the rate limiter accepts: ");
        assertThat(ConfigurationCheck.problems(Map.of("GRACE_AUTH_ACCESS_TTL", "15", "GRACE_INSTANCES", "0")))
                .containsExactly("GRACE_INSTANCES must be at least 1, got 0",
                        "GRACE_AUTH_ACCESS_TTL is not a positive duration: '15' (write e.g. 500ms, 30s, 5m or PT30S)");
        assertThat(ConfigurationCheck.problems(Map.of())).as("no GRACE_DB_URL: the embedded database").isEmpty();
    }
}
