package dev.ains.economy.money;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * How an auction is decided. Bids that fail a filter (over the budget or the client's maximum price,
 * under its minimum confidence or reputation, over its maximum ETA, not free when only free bids are
 * wanted) are left out with the reason. Each remaining bid is scored in [0, 1] as the weighted mean of
 * four factors, each in [0, 1]:
 * <ul>
 *   <li>price: {@code 1 - price / budget} (1 for a budget of 0, where every bid is free);</li>
 *   <li>performance: the agent's stated confidence of success;</li>
 *   <li>speed: {@code fastest ETA / this ETA};</li>
 *   <li>reputation: the agent's trust score.</li>
 * </ul>
 * The highest score wins; ties go to the lower price, then to the earlier bid. The winner is paid its
 * own bid (first price).
 */
public final class AuctionRule {
    private AuctionRule() {
    }

    public record Weights(double price, double performance, double speed, double reputation) {
        public static final Weights EQUAL = new Weights(1, 1, 1, 1);

        double total() {
            return price + performance + speed + reputation;
        }
    }

    /** Nulls filter nothing. */
    public record Filters(Long maxPrice, Double minConfidence, Integer maxEtaSeconds, Double minReputation,
                          boolean freeOnly) {
        public static final Filters NONE = new Filters(null, null, null, null, false);
    }

    public record Bid(UUID agentId, Long price, Integer etaSeconds, Double confidence, double trust, boolean declined,
                      Instant at) {
    }

    /** A bid with its score, or with why it was left out (score null). */
    public record Scored(Bid bid, Double score, String excluded) {
        public boolean eligible() {
            return score != null;
        }
    }

    /** Every bid, the eligible ones first by rank, then the excluded ones. */
    public static List<Scored> rank(long budget, List<Bid> bids, Weights weights, Filters f) {
        Weights w = weights.total() > 0 ? weights : Weights.EQUAL;
        List<Bid> eligible = new ArrayList<>();
        List<Scored> out = new ArrayList<>();
        List<Scored> excluded = new ArrayList<>();
        for (Bid b : bids) {
            String why = exclusion(budget, b, f);
            if (why == null) {
                eligible.add(b);
            } else {
                excluded.add(new Scored(b, null, why));
            }
        }
        int fastest = eligible.stream().mapToInt(Bid::etaSeconds).min().orElse(1);
        for (Bid b : eligible) {
            double price = budget == 0 ? 1 : 1 - (double) b.price() / budget;
            double speed = (double) fastest / b.etaSeconds();
            double score = (w.price() * price + w.performance() * b.confidence() + w.speed() * speed
                    + w.reputation() * b.trust()) / w.total();
            out.add(new Scored(b, score, null));
        }
        out.sort(Comparator.comparingDouble((Scored s) -> -s.score()).thenComparingLong(s -> s.bid().price())
                .thenComparing(s -> s.bid().at()));
        out.addAll(excluded);
        return out;
    }

    private static String exclusion(long budget, Bid b, Filters f) {
        if (b.declined()) {
            return "declined";
        }
        if (b.price() == null || b.etaSeconds() == null || b.confidence() == null) {
            return "incomplete bid";
        }
        if (b.price() > budget) {
            return "price " + b.price() + " over the budget " + budget;
        }
        if (f.freeOnly() && b.price() > 0) {
            return "the client takes free bids only";
        }
        if (f.maxPrice() != null && b.price() > f.maxPrice()) {
            return "price " + b.price() + " over the client's maximum " + f.maxPrice();
        }
        if (f.minConfidence() != null && b.confidence() < f.minConfidence()) {
            return "confidence " + b.confidence() + " under the client's minimum " + f.minConfidence();
        }
        if (f.maxEtaSeconds() != null && b.etaSeconds() > f.maxEtaSeconds()) {
            return "ETA " + b.etaSeconds() + " s over the client's maximum " + f.maxEtaSeconds() + " s";
        }
        if (f.minReputation() != null && b.trust() < f.minReputation()) {
            return "reputation " + b.trust() + " under the client's minimum " + f.minReputation();
        }
        return null;
    }
}
