package org.grace.webapp.interactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.grace.webapp.http.ApiException;
import org.junit.jupiter.api.Test;

class InteractionResourceTest {

    @Test
    void anIdempotencyKeyIsOneTo200VisibleAsciiCharacters() {
        assertThat(InteractionResource.validIdempotencyKey("9f1c2e4a-77b0-4c1e-9d35-0d6f3b8f2a10")).isTrue();
        assertThat(InteractionResource.validIdempotencyKey("k")).isTrue();
        assertThat(InteractionResource.validIdempotencyKey("k".repeat(200))).isTrue();
        assertThat(InteractionResource.validIdempotencyKey("")).isFalse();
        assertThat(InteractionResource.validIdempotencyKey("k".repeat(201))).isFalse();
        assertThat(InteractionResource.validIdempotencyKey("two words")).isFalse();
        assertThat(InteractionResource.validIdempotencyKey("caf\u00e9")).isFalse();
        assertThat(InteractionResource.validIdempotencyKey("tab\there")).isFalse();
    }

    @Test
    void turnsBecomeSpeakerLinesAndTextOverTheLimitIs413() {
        String text = InteractionResource.textOf(new InteractionResource.InteractionBody(null, List.of(
                new Interaction.Turn("resident", "I fell"), new Interaction.Turn("grace", "Are you hurt?")), null,
                null));
        assertThat(text).isEqualTo("resident: I fell\ngrace: Are you hurt?");
        String atLimit = "\u00e9".repeat(InteractionResource.MAX_TEXT_BYTES / 2);
        assertThat(InteractionResource.textOf(new InteractionResource.InteractionBody(atLimit, null, null, null)))
                .isEqualTo(atLimit);
        assertThatThrownBy(() -> InteractionResource.textOf(new InteractionResource.InteractionBody(atLimit + "x",
                null, null, null)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));
    }
}
