package dev.ains.registry.trust;

import java.util.ArrayList;
import java.util.List;

/**
 * Badges an agent has earned (docs/trust.md): one for its score, one for its volume, one for its
 * earnings, one for its success rate, and Lightning Fast for finishing well within the promised time.
 */
public final class Badges {
    private Badges() {
    }

    /** What the badges are computed from; averages may be null when there is nothing to average. */
    public record Record(double score, long tasks, long successes, Double averageExecutionMs,
                         Double averagePromisedMs, long bestEarnings) {
    }

    public static List<String> of(Record r) {
        List<String> badges = new ArrayList<>();
        if (r.score() >= 0.95) {
            badges.add("Elite");
        } else if (r.score() >= 0.85) {
            badges.add("Verified Pro");
        } else if (r.score() >= 0.70) {
            badges.add("Verified");
        }
        if (r.tasks() >= 1000) {
            badges.add("Veteran");
        } else if (r.tasks() >= 100) {
            badges.add("Experienced");
        }
        if (r.bestEarnings() >= 1_000_000) {
            badges.add("Top Earner");
        } else if (r.bestEarnings() >= 100_000) {
            badges.add("Professional");
        }
        if (r.tasks() >= 20) {
            double rate = (double) r.successes() / r.tasks();
            if (rate >= 0.99) {
                badges.add("Perfect");
            } else if (rate >= 0.95) {
                badges.add("Reliable");
            }
        }
        if (r.successes() >= 10 && r.averageExecutionMs() != null && r.averagePromisedMs() != null
                && r.averageExecutionMs() <= 0.1 * r.averagePromisedMs()) {
            badges.add("Lightning Fast");
        }
        return badges;
    }
}
