package org.grace.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReplyWaitTest {
    /** Longer than any reply here: these tests are about spinning, not the deadline. */
    private static final long NO_DEADLINE = TimeUnit.SECONDS.toNanos(30);
    private final AtomicInteger spinners = new AtomicInteger();

    /** Completes a future with "reply" on another thread after {@code delayMillis}, noting the spinners just before. */
    private CompletableFuture<String> replyAfter(long delayMillis, AtomicInteger spinnersSeen) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        Thread network = new Thread(() -> {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                return;
            }
            spinnersSeen.set(spinners.get());
            reply.complete("reply");
        });
        network.setDaemon(true);
        network.start();
        return reply;
    }

    @Test
    void aLoneCallerSpinsWhileTheReplyIsComingAndParksNoMore() throws Exception {
        ReplyWait wait = new ReplyWait(TimeUnit.SECONDS.toNanos(5), spinners, 1);
        AtomicInteger seen = new AtomicInteger(-1);
        assertThat(wait.await(replyAfter(20, seen), true, NO_DEADLINE)).isEqualTo("reply");
        assertThat(seen.get()).as("spinning threads while the reply arrived").isEqualTo(1);
        assertThat(spinners.get()).as("the spinner let go").isZero();
        assertThat(wait.spinPays()).isTrue();
    }

    @Test
    void aCallerWithCompanyOrWithoutASpareCpuParksAtOnce() throws Exception {
        AtomicInteger seen = new AtomicInteger(-1);
        ReplyWait wait = new ReplyWait(TimeUnit.SECONDS.toNanos(5), spinners, 1);
        assertThat(wait.await(replyAfter(20, seen), false, NO_DEADLINE)).isEqualTo("reply");
        assertThat(seen.get()).as("not alone").isZero();

        ReplyWait oneCpu = new ReplyWait(TimeUnit.SECONDS.toNanos(5), spinners, 0);
        assertThat(oneCpu.await(replyAfter(20, seen), true, NO_DEADLINE)).isEqualTo("reply");
        assertThat(seen.get()).as("no spare CPU").isZero();

        spinners.set(1); // another limiter's caller spins on the only spare CPU
        assertThat(wait.await(replyAfter(20, seen), true, NO_DEADLINE)).isEqualTo("reply");
        assertThat(seen.get()).as("the spare CPU is taken: nobody else spins").isEqualTo(1);
        spinners.set(0);

        ReplyWait off = new ReplyWait(0, spinners, 1);
        assertThat(off.await(replyAfter(20, seen), true, NO_DEADLINE)).isEqualTo("reply");
        assertThat(seen.get()).as("spinning turned off").isZero();
    }

    @Test
    void aReplySlowerThanTheSpinStopsSpinningUntilOneComesWithinIt() throws Exception {
        ReplyWait wait = new ReplyWait(TimeUnit.MILLISECONDS.toNanos(50), spinners, 1);
        AtomicInteger seen = new AtomicInteger(-1);
        assertThat(wait.await(replyAfter(300, seen), true, NO_DEADLINE)).isEqualTo("reply");
        assertThat(seen.get()).as("gave up spinning after 50 ms, parked for the rest").isZero();
        assertThat(wait.spinPays()).isFalse();

        // Parked now; a reply within the spin time turns spinning back on for the next caller.
        assertThat(wait.await(replyAfter(1, seen), true, NO_DEADLINE)).isEqualTo("reply");
        assertThat(seen.get()).as("parked: spinning was off").isZero();
        assertThat(wait.spinPays()).isTrue();

        assertThat(wait.await(replyAfter(10, seen), true, NO_DEADLINE)).isEqualTo("reply");
        assertThat(seen.get()).as("spinning again").isEqualTo(1);
    }

    @Test
    void failuresAndInterruptsReachTheCaller() throws Exception {
        ReplyWait wait = new ReplyWait(TimeUnit.MILLISECONDS.toNanos(1), spinners, 1);
        assertThatThrownBy(() -> wait.await(CompletableFuture.failedFuture(new IllegalStateException("down")), true, NO_DEADLINE))
                .isInstanceOf(ExecutionException.class).hasRootCauseMessage("down");

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> wait.await(new CompletableFuture<String>(), true, NO_DEADLINE))
                    .isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(spinners.get()).isZero();
    }

    @Test
    void theDeadlineEndsTheWaitSpinningIncluded() throws Exception {
        ReplyWait spinning = new ReplyWait(TimeUnit.SECONDS.toNanos(5), spinners, 1);
        AtomicInteger seen = new AtomicInteger(-1);
        CompletableFuture<String> late = replyAfter(2000, seen);
        long start = System.nanoTime();
        assertThatThrownBy(() -> spinning.await(late, true, TimeUnit.MILLISECONDS.toNanos(50)))
                .isInstanceOf(TimeoutException.class);
        assertThat(System.nanoTime() - start).as("gave up at the deadline, not at the reply")
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(1500));
        assertThat(late).isNotDone();
        assertThat(spinners.get()).as("the spinner let go").isZero();

        ReplyWait parking = new ReplyWait(0, spinners, 1);
        assertThatThrownBy(() -> parking.await(new CompletableFuture<String>(), false,
                TimeUnit.MILLISECONDS.toNanos(20))).isInstanceOf(TimeoutException.class);
    }

    @Test
    void aNegativeSpinIsRejected() {
        assertThatThrownBy(() -> new ReplyWait(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
    }
}
