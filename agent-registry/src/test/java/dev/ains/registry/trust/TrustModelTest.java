package dev.ains.registry.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.OffsetDateTime;
import java.util.List;

import dev.ains.registry.trust.TrustModel.Factors;
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
        // the other factors neutral (0.5): 0.6 reliability, 0.15 latency, 0.25 rating + uptime + consistency
        assertThat(M.score(ok)).isCloseTo(0.6 * 0.6 + 0.15 * (2.0 / 3) + 0.25 * 0.5, within(1e-9));
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
        assertThat(M.score(s, new Factors(1, 1, 1))).isGreaterThan(0.99).isLessThan(1.0);
    }

    @Test
    void weightsMustAddUpToOne() {
        assertThatThrownBy(() -> new TrustModel(168, 2, 2, 0.5, 0.2, 0.1, 0.1, 0.05))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TrustModel(168, 2, 2, 1.1, -0.1, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ratingsUptimeAndConsistencyMoveTheScore() {
        State s = M.apply(State.fresh(), Outcome.SUCCEEDED, true, T0);
        double neutral = M.score(s);
        assertThat(TrustModel.rating(0, 0)).isEqualTo(0.5);
        assertThat(TrustModel.rating(1, 5)).isCloseTo((11.0 / 3 - 1) / 4, within(1e-9));
        assertThat(TrustModel.rating(100, 500)).isGreaterThan(0.95);
        assertThat(TrustModel.rating(100, 100)).isLessThan(0.05);
        assertThat(M.score(s, new Factors(TrustModel.rating(10, 50), 0.5, 0.5))).isGreaterThan(neutral);
        assertThat(M.score(s, new Factors(0.5, 0.2, 0.5))).isLessThan(neutral);
        // uptime is unknown (neutral) for the first hour
        assertThat(TrustModel.uptime(60, 600)).isEqualTo(0.5);
        assertThat(TrustModel.uptime(3600, 7200)).isEqualTo(0.5);
        assertThat(TrustModel.uptime(7200, 7200)).isEqualTo(1.0);
        // consistency: steady execution times score high, erratic ones low, too few say nothing
        assertThat(TrustModel.consistency(List.of(100L, 100L))).isEqualTo(0.5);
        assertThat(TrustModel.consistency(List.of(100L, 101L, 99L, 100L))).isGreaterThan(0.98);
        assertThat(TrustModel.consistency(List.of(10L, 1000L, 50L, 5000L))).isLessThan(0.2);
    }

    @Test
    void ownersOwnTasksDoNotCountAndRepeatsOfOneClientCountLess() {
        assertThat(TrustModel.weight(true, 0)).isZero();
        assertThat(TrustModel.weight(false, 0)).isEqualTo(1.0);
        assertThat(TrustModel.weight(false, 3)).isEqualTo(0.5);
        State pumped = State.fresh();
        State honest = State.fresh();
        for (int i = 0; i < 100; i++) {
            pumped = M.apply(pumped, Outcome.SUCCEEDED, true, T0, TrustModel.weight(false, i)); // one client
            honest = M.apply(honest, Outcome.SUCCEEDED, true, T0); // a hundred clients
        }
        assertThat(pumped.successes()).isLessThan(20);
        assertThat(M.score(pumped)).isLessThan(M.score(honest));
        assertThat(M.apply(State.fresh(), Outcome.SUCCEEDED, true, T0, 0).successes()).isZero();
    }

    @Test
    void aFewLuckyOutcomesCannotOutrankALongRecord() {
        State lucky = State.fresh();
        for (int i = 0; i < 3; i++) {
            lucky = M.apply(lucky, Outcome.SUCCEEDED, true, T0);
        }
        State proven = State.fresh();
        for (int i = 0; i < 1000; i++) {
            proven = M.apply(proven, i % 20 == 0 ? Outcome.FAILED : Outcome.SUCCEEDED, true, T0);
        }
        assertThat(M.rankScore(proven, Factors.NEUTRAL)).isGreaterThan(M.rankScore(lucky, Factors.NEUTRAL));
        assertThat(M.rankScore(lucky, Factors.NEUTRAL)).isLessThan(M.score(lucky));
    }

    @Test
    void gradesAndBadgesFollowTheDocumentedThresholds() {
        assertThat(TrustModel.grade(0.97)).isEqualTo("A+");
        assertThat(TrustModel.grade(0.86)).isEqualTo("A-");
        assertThat(TrustModel.grade(0.72)).isEqualTo("B-");
        assertThat(TrustModel.grade(0.5)).isEqualTo("D");
        assertThat(TrustModel.grade(0.49)).isEqualTo("F");
        assertThat(Badges.of(new Badges.Record(0.96, 1200, 1195, 100.0, 5000.0, 2_000_000)))
                .containsExactly("Elite", "Veteran", "Top Earner", "Perfect", "Lightning Fast");
        assertThat(Badges.of(new Badges.Record(0.87, 150, 145, 3000.0, 5000.0, 150_000)))
                .containsExactly("Verified Pro", "Experienced", "Professional", "Reliable");
        assertThat(Badges.of(new Badges.Record(0.71, 5, 5, 10.0, 5000.0, 0))).containsExactly("Verified");
        assertThat(Badges.of(new Badges.Record(0.5, 0, 0, null, null, 0))).isEmpty();
    }
}
