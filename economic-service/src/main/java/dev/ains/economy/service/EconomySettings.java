package dev.ains.economy.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/** economic-service's own configuration, read once (keys in META-INF/microprofile-config.properties). */
@ApplicationScoped
public class EconomySettings {
    private final String currency;
    private final int feeBasisPoints;
    private final long escrowExpirySeconds;
    private final long expiryCheckMs;
    private final long auctionCheckMs;
    private final long ledgerCheckMs;
    private final int defaultAuctionSeconds;
    private final long auctionOutageMs;

    @Inject
    public EconomySettings(Config c) {
        currency = c.getOptionalValue("ains.economy.currency", String.class).orElse("USD");
        feeBasisPoints = c.getOptionalValue("ains.economy.fee-basis-points", Integer.class).orElse(500);
        escrowExpirySeconds = c.getOptionalValue("ains.economy.escrow-expiry-seconds", Long.class).orElse(604_800L);
        expiryCheckMs = c.getOptionalValue("ains.economy.expiry-check-ms", Long.class).orElse(5000L);
        auctionCheckMs = c.getOptionalValue("ains.economy.auction-check-ms", Long.class).orElse(250L);
        ledgerCheckMs = c.getOptionalValue("ains.economy.ledger-check-ms", Long.class).orElse(60_000L);
        defaultAuctionSeconds = c.getOptionalValue("ains.economy.auction-seconds", Integer.class).orElse(10);
        // at least a few award passes: a pass merely a little late must not count as an outage
        auctionOutageMs = Math.max(3 * auctionCheckMs,
                1000 * c.getOptionalValue("ains.economy.auction-outage-seconds", Long.class).orElse(5L));
    }

    public String currency() {
        return currency;
    }

    public int feeBasisPoints() {
        return feeBasisPoints;
    }

    public long escrowExpirySeconds() {
        return escrowExpirySeconds;
    }

    public long ledgerCheckMs() {
        return ledgerCheckMs;
    }

    public long expiryCheckMs() {
        return expiryCheckMs;
    }

    /** How often auctions past their deadline (or fully answered) are looked for. */
    public long auctionCheckMs() {
        return auctionCheckMs;
    }

    /**
     * No award pass on any replica for this long is an outage: an unanswered auction whose window it cut
     * into gets its window once more instead of closing without bids.
     */
    public long auctionOutageMs() {
        return auctionOutageMs;
    }

    public int defaultAuctionSeconds() {
        return defaultAuctionSeconds;
    }
}
