package dev.ains.economy.money;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.ains.economy.money.AuctionRule.Bid;
import dev.ains.economy.money.AuctionRule.Filters;
import dev.ains.economy.money.AuctionRule.Weights;
import org.junit.jupiter.api.Test;

class AuctionRuleTest {
    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
    // cheap but slow and unsure, with a modest reputation
    private static final Bid CHEAP = new Bid(UUID.randomUUID(), 200L, 600, 0.6, 0.5, false, T);
    // dear but fast, confident and well reputed
    private static final Bid PREMIUM = new Bid(UUID.randomUUID(), 900L, 60, 0.95, 0.9, false, T.plusSeconds(1));

    @Test
    void theWeightsDecideTheWinner() {
        List<Bid> bids = List.of(CHEAP, PREMIUM);
        assertThat(winner(AuctionRule.rank(1000, bids, Weights.EQUAL, Filters.NONE))).isEqualTo(PREMIUM);
        assertThat(winner(AuctionRule.rank(1000, bids, new Weights(10, 1, 1, 1), Filters.NONE))).isEqualTo(CHEAP);
        assertThat(winner(AuctionRule.rank(1000, bids, new Weights(1, 0, 0, 0), Filters.NONE))).isEqualTo(CHEAP);
        assertThat(winner(AuctionRule.rank(1000, bids, new Weights(0, 0, 1, 0), Filters.NONE))).isEqualTo(PREMIUM);
        // all weights zero: equal weights
        assertThat(winner(AuctionRule.rank(1000, bids, new Weights(0, 0, 0, 0), Filters.NONE))).isEqualTo(PREMIUM);
    }

    @Test
    void theScoreIsTheWeightedMeanOfTheFactors() {
        var ranked = AuctionRule.rank(1000, List.of(CHEAP, PREMIUM), Weights.EQUAL, Filters.NONE);
        // PREMIUM: price 0.1, confidence 0.95, speed 1, trust 0.9 -> 2.95 / 4
        assertThat(ranked.get(0).score()).isCloseTo(2.95 / 4, org.assertj.core.data.Offset.offset(1e-9));
        // CHEAP: price 0.8, confidence 0.6, speed 0.1, trust 0.5 -> 2.0 / 4
        assertThat(ranked.get(1).score()).isCloseTo(2.0 / 4, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void filtersExcludeBidsWithTheReason() {
        Bid over = new Bid(UUID.randomUUID(), 1500L, 10, 1.0, 1.0, false, T);
        Bid declined = new Bid(UUID.randomUUID(), null, null, null, 0.9, true, T);
        var ranked = AuctionRule.rank(1000, List.of(CHEAP, PREMIUM, over, declined), Weights.EQUAL,
                new Filters(500L, null, null, null, false));
        assertThat(winner(ranked)).isEqualTo(CHEAP);
        assertThat(reason(ranked, PREMIUM)).contains("client's maximum 500");
        assertThat(reason(ranked, over)).contains("over the budget");
        assertThat(reason(ranked, declined)).isEqualTo("declined");

        assertThat(reason(AuctionRule.rank(1000, List.of(CHEAP), Weights.EQUAL,
                new Filters(null, 0.7, null, null, false)), CHEAP)).contains("confidence");
        assertThat(reason(AuctionRule.rank(1000, List.of(CHEAP), Weights.EQUAL,
                new Filters(null, null, 300, null, false)), CHEAP)).contains("ETA");
        assertThat(reason(AuctionRule.rank(1000, List.of(CHEAP), Weights.EQUAL,
                new Filters(null, null, null, 0.8, false)), CHEAP)).contains("reputation");
        Bid free = new Bid(UUID.randomUUID(), 0L, 900, 0.5, 0.3, false, T);
        var freeOnly = AuctionRule.rank(1000, List.of(CHEAP, free), Weights.EQUAL, new Filters(null, null, null, null, true));
        assertThat(winner(freeOnly)).isEqualTo(free);
        assertThat(reason(freeOnly, CHEAP)).contains("free");
        assertThat(AuctionRule.rank(1000, List.of(declined), Weights.EQUAL, Filters.NONE).get(0).eligible()).isFalse();
    }

    @Test
    void tiesGoToTheLowerPriceThenTheEarlierBid() {
        Bid a = new Bid(UUID.randomUUID(), 500L, 100, 0.8, 0.7, false, T.plusSeconds(5));
        Bid b = new Bid(UUID.randomUUID(), 500L, 100, 0.8, 0.7, false, T);
        assertThat(winner(AuctionRule.rank(1000, List.of(a, b), new Weights(0, 1, 0, 0), Filters.NONE))).isEqualTo(b);
        Bid c = new Bid(UUID.randomUUID(), 400L, 100, 0.8, 0.7, false, T.plusSeconds(9));
        assertThat(winner(AuctionRule.rank(1000, List.of(a, b, c), new Weights(0, 1, 0, 0), Filters.NONE)))
                .isEqualTo(c);
    }

    private static Bid winner(List<AuctionRule.Scored> ranked) {
        assertThat(ranked.get(0).eligible()).isTrue();
        return ranked.get(0).bid();
    }

    private static String reason(List<AuctionRule.Scored> ranked, Bid bid) {
        return ranked.stream().filter(s -> s.bid() == bid).findFirst().orElseThrow().excluded();
    }
}
