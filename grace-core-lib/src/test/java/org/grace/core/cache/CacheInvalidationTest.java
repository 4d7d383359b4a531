package org.grace.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CacheInvalidationTest {

    @Test
    void keyMessageNamesSenderAndKey() {
        CacheInvalidation inv = CacheInvalidation.parse(CacheInvalidation.ofKey("host:1:ab", "resident:42:profile"));
        assertThat(inv).isEqualTo(new CacheInvalidation("host:1:ab", null, List.of("resident:42:profile")));
    }

    @Test
    void tagMessageCarriesTheKeysTheScriptAppended() {
        String message = CacheInvalidation.tagHeader("a", "resident:42") + "\nk1\nk2";
        assertThat(CacheInvalidation.parse(message)).isEqualTo(new CacheInvalidation("a", "resident:42",
                List.of("k1", "k2")));
    }

    @Test
    void tagMessageWithNoKeysIsStillATagMessage() {
        assertThat(CacheInvalidation.parse(CacheInvalidation.tagHeader("a", "t")))
                .isEqualTo(new CacheInvalidation("a", "t", List.of()));
    }

    @Test
    void foreignMessagesOnTheChannelAreIgnoredNotThrown() {
        assertThat(CacheInvalidation.parse("hello")).isNull();
        assertThat(CacheInvalidation.parse("a\nX\nb")).isNull();
        assertThat(CacheInvalidation.parse(null)).isNull();
    }
}
