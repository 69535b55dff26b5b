package dev.ains.agent;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import dev.ains.client.Ains;
import dev.ains.client.economy.model.Auction;
import dev.ains.client.economy.model.AuctionStatus;
import dev.ains.client.economy.model.BidRequest;

/**
 * Bids on the open calls this agent is invited to (auctions for tasks of its capabilities), once each,
 * at a price from the configured strategy: {@code fraction} of the budget (AINS_BID_FRACTION),
 * {@code fixed} (AINS_BID_PRICE, capped by the budget), {@code free} (0), or {@code decline}.
 */
final class Bidder {
    private static final Logger LOG = Logger.getLogger(Bidder.class.getName());

    private final Ains economy;
    private final AgentSettings settings;
    private final Set<String> answered = ConcurrentHashMap.newKeySet();

    Bidder(Ains economy, AgentSettings settings) {
        this.economy = economy;
        this.settings = settings;
    }

    /** One look at the open calls; returns how many it answered. */
    int once() throws Exception {
        int n = 0;
        var page = economy.auctions().listAuctions(AuctionStatus.OPEN, 50, null);
        for (Auction a : page.getItems()) {
            // a call is its auction with its deadline: one whose window restarted (after an outage) is
            // answered again
            String call = a.getAuctionId() + "@" + a.getDeadline();
            if (!answered.add(call)) {
                continue;
            }
            BidRequest bid = bid(a.getBudget());
            try {
                economy.auctions().placeBid(a.getAuctionId(), bid);
                n++;
                LOG.info(() -> "auction " + a.getAuctionId() + " (" + a.getTaskType() + ", budget " + a.getBudget()
                        + "): " + (Boolean.TRUE.equals(bid.getDecline()) ? "declined" : "bid " + bid.getPrice()));
            } catch (dev.ains.client.economy.ApiException e) {
                if (e.getCode() == 0 || e.getCode() == 429 || e.getCode() >= 500) {
                    answered.remove(call); // not an answer to the bid: the next look tries again
                }
                LOG.fine(() -> "bid on auction " + a.getAuctionId() + " refused: " + e.getCode());
            }
        }
        return n;
    }

    BidRequest bid(long budget) {
        return switch (settings.bidStrategy()) {
            case "decline" -> new BidRequest().decline(true);
            case "free" -> offer(0);
            case "fixed" -> offer(Math.min(budget, settings.bidPrice()));
            default -> offer((long) Math.floor(budget * settings.bidFraction()));
        };
    }

    private BidRequest offer(long price) {
        return new BidRequest().price(price).etaSeconds(settings.bidEtaSeconds()).confidence(settings.bidConfidence());
    }
}
