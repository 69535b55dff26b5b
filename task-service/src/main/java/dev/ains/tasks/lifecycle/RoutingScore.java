package dev.ains.tasks.lifecycle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * How a task picks its agent (docs/routing.md). Among candidates that are online, hold the
 * capability and meet the task's minimum trust (the registry's filter), an agent with a free slot is
 * eligible; eligible agents are ranked by
 *
 * <pre>  score = 0.7 * trust + 0.3 * (1 - active / max_concurrency)</pre>
 *
 * so trust decides first and load second: an idle agent beats a busy one of similar trust, a much
 * more trusted agent wins until it is full, and a full agent never keeps a task from an idle one.
 */
public final class RoutingScore {
    public static final double TRUST_WEIGHT = 0.7;
    public static final double LOAD_WEIGHT = 0.3;

    private RoutingScore() {
    }

    public record Candidate(UUID agentId, double trust, int active, int maxConcurrency) {
    }

    public record Scored(Candidate candidate, boolean eligible, double score, String reason) {
    }

    public static double score(double trust, int active, int max) {
        double free = max <= 0 ? 0 : 1.0 - Math.min(active, max) / (double) max;
        return TRUST_WEIGHT * trust + LOAD_WEIGHT * free;
    }

    /** All candidates, eligible ones first by descending score (ties: lower load, then id). */
    public static List<Scored> rank(List<Candidate> candidates) {
        List<Scored> out = new ArrayList<>();
        for (Candidate c : candidates) {
            boolean free = c.active() < c.maxConcurrency();
            out.add(new Scored(c, free, free ? score(c.trust(), c.active(), c.maxConcurrency()) : 0,
                    free ? null : "at capacity (" + c.active() + "/" + c.maxConcurrency() + ")"));
        }
        out.sort(Comparator.comparing((Scored s) -> !s.eligible())
                .thenComparing(Comparator.comparingDouble(Scored::score).reversed())
                .thenComparingInt(s -> s.candidate().active())
                .thenComparing(s -> s.candidate().agentId()));
        return out;
    }
}
