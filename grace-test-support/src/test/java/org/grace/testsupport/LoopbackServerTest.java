package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The wait every throwaway server makes for its process to answer, with stand-ins for the process. */
class LoopbackServerTest {
    @Test
    void itAsksUntilTheServerAnswers() {
        AtomicInteger asked = new AtomicInteger();
        assertThat(LoopbackServer.answersWithin(Duration.ofSeconds(5), 1, () -> asked.incrementAndGet() == 3,
                () -> true, () -> "exited")).isTrue();
        assertThat(asked).hasValue(3);
    }

    @Test
    void aProcessThatEndsFirstFailsAtOnceWithItsMessage() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> LoopbackServer.answersWithin(Duration.ofSeconds(30), 1, () -> false, () -> false,
                () -> "stub exited at start"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("stub exited at start");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aServerThatNeverAnswersIsReportedAfterTheTimeout() {
        assertThat(LoopbackServer.answersWithin(Duration.ofMillis(50), 5, () -> false, () -> true, () -> "exited"))
                .isFalse();
    }

    @Test
    void theUrlIsTheLoopbackAddressAndPortAndTheFolderIsItsOwn() {
        LoopbackServer a = new Stub(4242);
        LoopbackServer b = new Stub(4242);
        assertThat(a.loopbackUrl("redis")).isEqualTo("redis://127.0.0.1:4242");
        assertThat(a.port()).isEqualTo(4242);
        assertThat(a.dir()).isDirectory().isNotEqualTo(b.dir());
        assertThat(a.dir().getFileName().toString()).startsWith("stub-");
    }

    private static final class Stub extends LoopbackServer {
        Stub(int port) {
            super(port, "stub-");
        }

        @Override
        public void close() {
        }
    }
}
