package dev.ains.tasks.lifecycle;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Retry back-off: {@code exponential} ({@code base × 2^(n−1)}: 1 s, 2 s, 4 s, 8 s, 16 s … with a 1 s
 * base), {@code linear} ({@code base × n}) or {@code fixed} ({@code base}), capped, then spread by
 * ± {@code jitter} so that a batch that failed together does not come back as one thundering herd.
 */
public record Backoff(Strategy strategy, long baseMs, long capMs, double jitter) {

    public enum Strategy {
        EXPONENTIAL, LINEAR, FIXED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Strategy of(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    public Backoff {
        if (strategy == null || baseMs < 0 || capMs < baseMs || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("need a strategy, 0 <= base <= cap and 0 <= jitter < 1");
        }
    }

    public Backoff(long baseMs, long capMs, double jitter) {
        this(Strategy.EXPONENTIAL, baseMs, capMs, jitter);
    }

    /** Delay before the next attempt after {@code failedAttempt} (1-based) failed. */
    public long delayMs(int failedAttempt, RandomGenerator random) {
        int n = Math.max(1, failedAttempt);
        long raw = switch (strategy) {
            case EXPONENTIAL -> baseMs << Math.min(n - 1, 30);
            case LINEAR -> baseMs * n;
            case FIXED -> baseMs;
        };
        if (raw < 0 || raw > capMs) {
            raw = capMs;
        }
        double spread = jitter == 0 ? 0 : (random.nextDouble() * 2 - 1) * jitter;
        return Math.max(0, Math.min(capMs, Math.round(raw * (1 + spread))));
    }
}
