package org.grace.webapp.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogBudgetTest {
    private final AtomicLong ticker = new AtomicLong(5_000_000_000L);
    private final LogBudget budget = new LogBudget(3, ticker::get);

    @Test
    void writesTheFirstLinesOfEachSecondAndCountsTheRestForTheNextLineWritten() {
        assertThat(budget.take()).isZero();
        assertThat(budget.take()).isZero();
        assertThat(budget.take()).isZero();
        for (int i = 0; i < 500; i++) {
            assertThat(budget.take()).isEqualTo(-1);
        }
        ticker.addAndGet(999_000_000L); // still the same second
        assertThat(budget.take()).isEqualTo(-1);

        ticker.addAndGet(2_000_000L); // the next second: the first line says what was left out
        assertThat(budget.take()).isEqualTo(501);
        assertThat(budget.take()).isZero();
        assertThat(budget.take()).isZero();
        assertThat(budget.take()).isEqualTo(-1);
    }

    @Test
    void aQuietSecondChangesNothingAndNothingIsCountedTwice() {
        assertThat(budget.take()).isZero();
        ticker.addAndGet(10_000_000_000L);
        assertThat(budget.take()).isZero();
        assertThat(budget.take()).isZero();
    }

    @Test
    void aThreadThatReadTheTickerJustBeforeTheSecondTurnedDoesNotOpenItAgain() {
        ticker.set(7_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(budget.take()).isZero();
        }
        ticker.set(6_999_000_000L); // read by a thread that was then descheduled past the turn
        assertThat(budget.take()).isEqualTo(-1);
        ticker.set(7_500_000_000L);
        assertThat(budget.take()).isEqualTo(-1);
    }

    @Test
    void aBudgetOfNoLinesIsRefused() {
        assertThatThrownBy(() -> new LogBudget(0, ticker::get)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one line a second");
    }
}
