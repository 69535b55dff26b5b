package dev.ains.registry.trust;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * The trust formula (docs/trust.md). Outcomes are counted with exponential time decay (half-life
 * {@code halfLifeHours}), so that recent behaviour weighs more than old, and start from a Beta prior,
 * so that a new agent sits in the middle (0.5 with the default prior) rather than at the top or at zero:
 *
 * <pre>
 *   reliability = (S + a) / (S + F + a + b)         S, F: decayed successes and failures
 *   latency     = (T + 1) / (S + 2)                 T: decayed successes within the promised time
 *   score       = wr * reliability + wl * latency   (wr + wl = 1)
 * </pre>
 */
public record TrustModel(double halfLifeHours, double priorSuccesses, double priorFailures,
                         double reliabilityWeight, double latencyWeight) {

    public static final TrustModel DEFAULT = new TrustModel(168, 2, 2, 0.8, 0.2);

    public TrustModel {
        if (halfLifeHours <= 0 || priorSuccesses <= 0 || priorFailures <= 0) {
            throw new IllegalArgumentException("half-life and priors must be positive");
        }
        double sum = reliabilityWeight + latencyWeight;
        if (Math.abs(sum - 1.0) > 1e-9) {
            throw new IllegalArgumentException("trust weights must add up to 1, got " + sum);
        }
    }

    /** Decayed counters of one agent at {@code at}. */
    public record State(double successes, double failures, double onTime, OffsetDateTime at) {
        public static State fresh() {
            return new State(0, 0, 0, null);
        }
    }

    public enum Outcome {
        SUCCEEDED, FAILED, TIMED_OUT, LOST;

        boolean success() {
            return this == SUCCEEDED;
        }
    }

    /** The state after one more outcome at {@code when}. Out-of-order outcomes never decay backwards. */
    public State apply(State s, Outcome outcome, boolean onTime, OffsetDateTime when) {
        OffsetDateTime at = s.at() == null || when.isAfter(s.at()) ? when : s.at();
        double d = decay(s.at(), at);
        boolean ok = outcome.success();
        return new State(s.successes() * d + (ok ? 1 : 0),
                s.failures() * d + (ok ? 0 : 1),
                s.onTime() * d + (ok && onTime ? 1 : 0),
                at);
    }

    public double reliability(State s) {
        return (s.successes() + priorSuccesses) / (s.successes() + s.failures() + priorSuccesses + priorFailures);
    }

    public double latency(State s) {
        return (s.onTime() + 1) / (s.successes() + 2);
    }

    public double score(State s) {
        double v = reliabilityWeight * reliability(s) + latencyWeight * latency(s);
        return Math.max(0, Math.min(1, v));
    }

    public double initialScore() {
        return score(State.fresh());
    }

    private double decay(OffsetDateTime from, OffsetDateTime to) {
        if (from == null) {
            return 1;
        }
        double hours = Duration.between(from, to).toMillis() / 3_600_000.0;
        return Math.pow(0.5, Math.max(0, hours) / halfLifeHours);
    }
}
