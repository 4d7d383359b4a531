package org.grace.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FillTokensTest {
    private final FillTokens tokens = new FillTokens();

    @Test
    void aKeysTokenChangesWhenItIsInvalidatedAndWhenEverythingIs() {
        long before = tokens.token("resident:42");
        assertThat(tokens.token("resident:42")).as("nothing happened").isEqualTo(before);
        tokens.invalidate("resident:42");
        long afterKey = tokens.token("resident:42");
        assertThat(afterKey).isNotEqualTo(before);
        tokens.invalidateAll();
        assertThat(tokens.token("resident:42")).isNotEqualTo(afterKey);
    }

    @Test
    void invalidatingAKeyInAnotherStripeLeavesTheTokenAlone() {
        String key = "resident:42";
        String other = "resident:0";
        for (int i = 1; FillTokens.stripe(other) == FillTokens.stripe(key); i++) {
            other = "resident:" + i;
        }
        long before = tokens.token(key);
        tokens.invalidate(other);
        assertThat(tokens.token(key)).isEqualTo(before);
    }

    @Test
    void stripesCoverTheirRangeForAnyHash() {
        for (String key : new String[] {"", "a", "resident:42", "\u00e9t\u00e9", "x".repeat(1024)}) {
            assertThat(FillTokens.stripe(key)).isBetween(0, FillTokens.STRIPES - 1);
        }
    }
}
