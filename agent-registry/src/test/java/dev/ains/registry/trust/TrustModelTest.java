package dev.ains.registry.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.OffsetDateTime;

import dev.ains.registry.trust.TrustModel.Outcome;
import dev.ains.registry.trust.TrustModel.State;
import org.junit.jupiter.api.Test;

class TrustModelTest {
    private static final TrustModel M = TrustModel.DEFAULT;
    private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-01-01T00:00:00Z");

    @Test
    void newAgentStartsInTheMiddle() {
        assertThat(M.initialScore()).isEqualTo(0.5);
    }

    @Test
    void successRaisesAndFailureLowers() {
        State ok = M.apply(State.fresh(), Outcome.SUCCEEDED, true, T0);
        State bad = M.apply(State.fresh(), Outcome.FAILED, false, T0);
        assertThat(M.score(ok)).isGreaterThan(0.5);
        assertThat(M.score(bad)).isLessThan(0.5);
        // (1+2)/(1+0+4) = 0.6 reliability, (1+1)/(1+2) latency
        assertThat(M.reliability(ok)).isCloseTo(0.6, within(1e-9));
        assertThat(M.score(ok)).isCloseTo(0.8 * 0.6 + 0.2 * (2.0 / 3), within(1e-9));
    }

    @Test
    void timeoutsAndLostTasksCountAsFailures() {
        assertThat(M.score(M.apply(State.fresh(), Outcome.TIMED_OUT, false, T0))).isLessThan(0.5);
        assertThat(M.score(M.apply(State.fresh(), Outcome.LOST, false, T0))).isLessThan(0.5);
    }

    @Test
    void lateSuccessWeighsLessThanOnTimeSuccess() {
        State onTime = M.apply(State.fresh(), Outcome.SUCCEEDED, true, T0);
        State late = M.apply(State.fresh(), Outcome.SUCCEEDED, false, T0);
        assertThat(M.score(late)).isLessThan(M.score(onTime)).isGreaterThan(0.5);
    }

    @Test
    void oldOutcomesDecayWithTheHalfLife() {
        State failed = M.apply(State.fresh(), Outcome.FAILED, false, T0);
        State later = M.apply(failed, Outcome.SUCCEEDED, true, T0.plusHours(168));
        assertThat(later.failures()).isCloseTo(0.5, within(1e-9));
        State soon = M.apply(failed, Outcome.SUCCEEDED, true, T0.plusMinutes(1));
        assertThat(M.score(later)).isGreaterThan(M.score(soon));
    }

    @Test
    void outOfOrderOutcomesNeverDecayBackwards() {
        State s = M.apply(State.fresh(), Outcome.SUCCEEDED, true, T0.plusHours(10));
        State older = M.apply(s, Outcome.SUCCEEDED, true, T0);
        assertThat(older.at()).isEqualTo(T0.plusHours(10));
        assertThat(older.successes()).isCloseTo(2, within(1e-9));
    }

    @Test
    void manySuccessesApproachButNeverReachOne() {
        State s = State.fresh();
        for (int i = 0; i < 1000; i++) {
            s = M.apply(s, Outcome.SUCCEEDED, true, T0);
        }
        assertThat(M.score(s)).isGreaterThan(0.99).isLessThan(1.0);
    }

    @Test
    void weightsMustAddUpToOne() {
        assertThatThrownBy(() -> new TrustModel(168, 2, 2, 0.5, 0.2)).isInstanceOf(IllegalArgumentException.class);
    }
}
