package dev.ains.registry.trust;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The trust formula (docs/trust.md). Outcomes are counted with exponential time decay (half-life
 * {@code halfLifeHours}), so that recent behaviour weighs more than old, and start from a Beta prior,
 * so that a new agent sits in the middle rather than at the top or at zero. Each outcome counts with a
 * weight (anti-gaming: 0 for the owner's own tasks, less for each repeat of one client with one agent).
 *
 * <pre>
 *   reliability = (S + a) / (S + F + a + b)         S, F: decayed, weighted successes and failures
 *   latency     = (T + 1) / (S + 2)                 T: decayed successes within the promised time
 *   rating      = (stars + 3·2) / (n + 2), mapped from 1..5 to 0..1
 *   uptime      = time ONLINE / time observed (last 7 days; 0.5 while under an hour is known)
 *   consistency = 1 − min(1, coefficient of variation of recent execution times) (0.5 with fewer than 3)
 *   score       = wr·reliability + wl·latency + wt·rating + wu·uptime + wc·consistency   (weights add to 1)
 *   rank score  = score − wr · 1.96 · sqrt(reliability · (1 − reliability) / (S + F + a + b + 1))
 * </pre>
 * A new agent scores exactly 0.5 (every factor neutral). The rank score orders leaderboards: a few
 * lucky outcomes carry more uncertainty than many, so they cannot outrank a long record.
 */
public record TrustModel(double halfLifeHours, double priorSuccesses, double priorFailures,
                         double reliabilityWeight, double latencyWeight, double ratingWeight,
                         double uptimeWeight, double consistencyWeight) {

    public static final TrustModel DEFAULT = new TrustModel(168, 2, 2, 0.6, 0.15, 0.1, 0.1, 0.05);
    private static final double Z = 1.96;

    public TrustModel {
        if (halfLifeHours <= 0 || priorSuccesses <= 0 || priorFailures <= 0) {
            throw new IllegalArgumentException("half-life and priors must be positive");
        }
        double sum = reliabilityWeight + latencyWeight + ratingWeight + uptimeWeight + consistencyWeight;
        if (Math.abs(sum - 1.0) > 1e-9 || reliabilityWeight < 0 || latencyWeight < 0 || ratingWeight < 0
                || uptimeWeight < 0 || consistencyWeight < 0) {
            throw new IllegalArgumentException("trust weights must be non-negative and add up to 1, got " + sum);
        }
    }

    /** Decayed counters of one agent at {@code at}. */
    public record State(double successes, double failures, double onTime, OffsetDateTime at) {
        public static State fresh() {
            return new State(0, 0, 0, null);
        }
    }

    /** The factors that do not come from the outcome counters, each in [0, 1]. */
    public record Factors(double rating, double uptime, double consistency) {
        public static final Factors NEUTRAL = new Factors(0.5, 0.5, 0.5);
    }

    public enum Outcome {
        SUCCEEDED, FAILED, TIMED_OUT, LOST;

        boolean success() {
            return this == SUCCEEDED;
        }
    }

    /** The state after one more outcome counted in full. */
    public State apply(State s, Outcome outcome, boolean onTime, OffsetDateTime when) {
        return apply(s, outcome, onTime, when, 1);
    }

    /** The state after one more outcome at {@code when}, counted with {@code weight} (0..1). */
    public State apply(State s, Outcome outcome, boolean onTime, OffsetDateTime when, double weight) {
        OffsetDateTime at = s.at() == null || when.isAfter(s.at()) ? when : s.at();
        double d = decay(s.at(), at);
        boolean ok = outcome.success();
        return new State(s.successes() * d + (ok ? weight : 0),
                s.failures() * d + (ok ? 0 : weight),
                s.onTime() * d + (ok && onTime ? weight : 0),
                at);
    }

    public double reliability(State s) {
        return (s.successes() + priorSuccesses) / (s.successes() + s.failures() + priorSuccesses + priorFailures);
    }

    public double latency(State s) {
        return (s.onTime() + 1) / (s.successes() + 2);
    }

    /** The score with neutral rating, uptime and consistency. */
    public double score(State s) {
        return score(s, Factors.NEUTRAL);
    }

    public double score(State s, Factors f) {
        double v = reliabilityWeight * reliability(s) + latencyWeight * latency(s) + ratingWeight * f.rating()
                + uptimeWeight * f.uptime() + consistencyWeight * f.consistency();
        return clamp(v);
    }

    /** The score less the uncertainty of the success rate: what leaderboards order by. */
    public double rankScore(State s, Factors f) {
        double p = reliability(s);
        double n = s.successes() + s.failures() + priorSuccesses + priorFailures;
        return clamp(score(s, f) - reliabilityWeight * Z * Math.sqrt(p * (1 - p) / (n + 1)));
    }

    public double initialScore() {
        return score(State.fresh());
    }

    /** Mean stars with a prior of two 3-star ratings, mapped from 1..5 to 0..1. */
    public static double rating(long ratings, long starsSum) {
        double mean = (starsSum + 3.0 * 2) / (ratings + 2);
        return (mean - 1) / 4;
    }

    /** The share of the observed time the agent was online; neutral until an hour has been observed. */
    public static double uptime(double onlineSeconds, double observedSeconds) {
        return observedSeconds < 3600 ? 0.5 : clamp(onlineSeconds / observedSeconds);
    }

    /** 1 minus the coefficient of variation of execution times (capped); neutral with fewer than 3. */
    public static double consistency(List<Long> executionMs) {
        if (executionMs.size() < 3) {
            return 0.5;
        }
        double mean = executionMs.stream().mapToLong(Long::longValue).average().orElse(0);
        if (mean <= 0) {
            return 1;
        }
        double var = executionMs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / executionMs.size();
        return clamp(1 - Math.sqrt(var) / mean);
    }

    /**
     * How much an outcome counts: nothing when the task's client owns the agent, and 1/√k for the k-th
     * outcome between one client and one agent, so that a client cannot pump an agent's trust.
     */
    public static double weight(boolean clientOwnsAgent, long earlierOutcomesOfPair) {
        return clientOwnsAgent ? 0 : 1 / Math.sqrt(earlierOutcomesOfPair + 1);
    }

    /** The letter for a score: A+ from 0.95 down to F under 0.5. */
    public static String grade(double score) {
        double[] bounds = {0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5};
        String[] grades = {"A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D"};
        for (int i = 0; i < bounds.length; i++) {
            if (score >= bounds[i]) {
                return grades[i];
            }
        }
        return "F";
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private double decay(OffsetDateTime from, OffsetDateTime to) {
        if (from == null) {
            return 1;
        }
        double hours = Duration.between(from, to).toMillis() / 3_600_000.0;
        return Math.pow(0.5, Math.max(0, hours) / halfLifeHours);
    }
}
