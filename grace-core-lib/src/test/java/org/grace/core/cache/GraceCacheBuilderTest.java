package org.grace.core.cache;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GraceCacheBuilderTest {

    @Test
    void settersRejectBadValuesNamingTheSetting() {
        GraceCache.Builder b = GraceCache.builder();
        assertThatThrownBy(() -> b.localTtl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("local TTL");
        assertThatThrownBy(() -> b.localMaxSize(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("local max size");
        assertThatThrownBy(() -> b.namespace("has space")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace");
        assertThatThrownBy(() -> b.probeInterval(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probe interval");
        assertThatThrownBy(() -> b.redis(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("redis client");
    }

    @Test
    void buildWithoutRedisSaysWhatIsMissing() {
        assertThatThrownBy(() -> GraceCache.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis client is required");
    }
}
