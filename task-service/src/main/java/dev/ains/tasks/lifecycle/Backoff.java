package dev.ains.tasks.lifecycle;

import java.util.random.RandomGenerator;

/**
 * Exponential retry back-off: {@code base * 2^(attempt-1)} (1 s, 2 s, 4 s, 8 s, 16 s … with the
 * default base), capped, then spread by +/- {@code jitter} so that a batch that failed together does not
 * come back as one thundering herd.
 */
public record Backoff(long baseMs, long capMs, double jitter) {
    public Backoff {
        if (baseMs <= 0 || capMs < baseMs || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("need 0 < base <= cap and 0 <= jitter < 1");
        }
    }

    /** Delay before the next attempt after {@code failedAttempt} (1-based) failed. */
    public long delayMs(int failedAttempt, RandomGenerator random) {
        int exp = Math.max(0, Math.min(failedAttempt - 1, 30));
        long raw = Math.min(capMs, baseMs << exp);
        double spread = jitter == 0 ? 0 : (random.nextDouble() * 2 - 1) * jitter;
        return Math.max(0, Math.min(capMs, Math.round(raw * (1 + spread))));
    }
}
