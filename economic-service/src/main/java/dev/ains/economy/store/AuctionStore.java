package dev.ains.economy.store;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.ains.kit.db.Database;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Auctions, invitations, bids and preferences; the statements are in {@code db/statements.yaml}. */
@ApplicationScoped
public class AuctionStore {
    @Inject
    Database database;

    public record AuctionRow(UUID auctionId, String clientId, String capability, String taskType, long budget,
                             String currency, String status, OffsetDateTime deadline, double biddingSeconds,
                             int invitedCount,
                             UUID winnerAgentId, Long price, String escrowId, String outcomeReason,
                             OffsetDateTime createdAt, OffsetDateTime awardedAt) {
    }

    public record BidRow(UUID agentId, Long price, Integer etaSeconds, Double confidence, boolean declined,
                         double trustScore, Double score, String excludedReason, OffsetDateTime updatedAt) {
    }

    public record Due(UUID auctionId, String clientId, String currency) {
    }

    public record PreferencesRow(double weightPrice, double weightPerformance, double weightSpeed,
                                 double weightReputation, Long maxPrice, Double minConfidence,
                                 Integer maxEtaSeconds, Double minReputation, boolean freeOnly, String noBidPolicy) {
        public static final PreferencesRow DEFAULTS = new PreferencesRow(1, 1, 1, 1, null, null, null, null, false,
                "route");
    }

    public boolean insert(DbExecute tx, UUID id, String client, String capability, String taskType, long budget,
                          String currency, long deadlineSeconds, String invitedJson, int invitedCount) {
        boolean created = tx.namedQuery("insert-auction", id, client, capability, taskType, budget, currency,
                (double) deadlineSeconds, (double) deadlineSeconds, invitedCount).findFirst().isPresent();
        if (created) {
            tx.namedInsert("insert-invitations", id, invitedJson);
        }
        return created;
    }

    public Optional<AuctionRow> find(DbExecute exec, UUID id) {
        return exec.namedGet("select-auction", id).map(AuctionStore::auction);
    }

    public Optional<AuctionRow> lock(DbExecute tx, UUID id) {
        return tx.namedGet("lock-auction", id).map(AuctionStore::auction);
    }

    public Optional<AuctionRow> lockIfDue(DbExecute tx, UUID id) {
        return tx.namedGet("lock-due-auction", id).map(AuctionStore::auction);
    }

    /** The agent's trust score as invited, empty when it was not invited. */
    public Optional<Double> invitation(DbExecute exec, UUID auctionId, UUID agentId) {
        return exec.namedGet("invitation", auctionId, agentId).map(r -> r.column("trust_score").getDouble());
    }

    public List<UUID> invitees(DbExecute exec, UUID auctionId) {
        return exec.namedQuery("invitees", auctionId).map(r -> Rows.uuid(r, "agent_id")).toList();
    }

    public List<AuctionRow> list(String client, UUID invitedAgent, String status, Cursor after, int limit) {
        var at = after == null ? null : Rows.ts(after.at());
        var id = after == null ? null : after.uuid();
        return database.client().execute().namedQuery("list-auctions", client, client, invitedAgent, invitedAgent,
                status, status, at, at, id, limit).map(AuctionStore::auction).toList();
    }

    public void bid(DbExecute tx, UUID auctionId, UUID agentId, Long price, Integer eta, Double confidence,
                    boolean declined) {
        tx.namedInsert("upsert-bid", auctionId, agentId, price, eta, confidence, declined);
    }

    public List<BidRow> bids(DbExecute exec, UUID auctionId) {
        return exec.namedQuery("bids-of", auctionId).map(r -> new BidRow(Rows.uuid(r, "agent_id"),
                Rows.longOrNull(r, "price"), Rows.intOrNull(r, "eta_seconds"), Rows.doubleOrNull(r, "confidence"),
                Boolean.TRUE.equals(Rows.bool(r, "declined")), r.column("trust_score").getDouble(),
                Rows.doubleOrNull(r, "score"), Rows.string(r, "excluded_reason"), Rows.time(r, "updated_at")))
                .toList();
    }

    public void score(DbExecute tx, UUID auctionId, UUID agentId, Double score, String excluded) {
        tx.namedUpdate("score-bid", score, excluded, auctionId, agentId);
    }

    public List<Due> due() {
        return database.client().execute().namedQuery("due-auctions").map(r -> new Due(Rows.uuid(r, "auction_id"),
                Rows.string(r, "client_id"), Rows.string(r, "currency"))).toList();
    }

    /**
     * Restarts the bidding window of those auctions, still open, whose window would now end more than a
     * second later than it does; the new deadlines by auction.
     */
    public Map<UUID, OffsetDateTime> restartWindows(DbExecute tx, Collection<UUID> auctionIds) {
        Map<UUID, OffsetDateTime> restarted = new HashMap<>();
        tx.namedQuery("restart-windows", String.join(",", auctionIds.stream().map(UUID::toString).toList()))
                .forEach(r -> restarted.put(Rows.uuid(r, "auction_id"), Rows.time(r, "deadline")));
        return restarted;
    }

    /** A stretch of time in which no award pass ran. */
    public record Outage(OffsetDateTime from, OffsetDateTime to) {
        /** Whether it took some of the time from {@code start} to {@code end}. */
        public boolean overlaps(OffsetDateTime start, OffsetDateTime end) {
            return start.isBefore(to) && end.isAfter(from);
        }
    }

    /**
     * Starts an award pass: notes an outage when no pass has ended for {@code outageSeconds}, and returns
     * the latest outage on record (empty when there has been none).
     */
    public Optional<Outage> beginAwardPass(double outageSeconds) {
        DbExecute db = database.client().execute();
        db.namedUpdate("award-pass-begin", outageSeconds);
        return db.namedGet("award-outage").filter(r -> Rows.time(r, "outage_from") != null)
                .map(r -> new Outage(Rows.time(r, "outage_from"), Rows.time(r, "outage_to")));
    }

    public void endAwardPass() {
        database.client().execute().namedInsert("award-pass-end");
    }

    public void close(DbExecute tx, UUID id, String status, UUID winner, Long price, String escrowId, String reason) {
        tx.namedUpdate("close-auction", status, winner, price, escrowId, reason, id);
    }

    public PreferencesRow preferences(DbExecute exec, String client) {
        return exec.namedGet("select-preferences", client).map(r -> new PreferencesRow(
                r.column("weight_price").getDouble(), r.column("weight_performance").getDouble(),
                r.column("weight_speed").getDouble(), r.column("weight_reputation").getDouble(),
                Rows.longOrNull(r, "max_price"), Rows.doubleOrNull(r, "min_confidence"),
                Rows.intOrNull(r, "max_eta_seconds"), Rows.doubleOrNull(r, "min_reputation"),
                Boolean.TRUE.equals(Rows.bool(r, "free_only")), Rows.string(r, "no_bid_policy")))
                .orElse(PreferencesRow.DEFAULTS);
    }

    public void savePreferences(String client, PreferencesRow p) {
        database.client().execute().namedInsert("upsert-preferences", client, p.weightPrice(), p.weightPerformance(),
                p.weightSpeed(), p.weightReputation(), p.maxPrice(), p.minConfidence(), p.maxEtaSeconds(),
                p.minReputation(), p.freeOnly(), p.noBidPolicy());
    }

    private static AuctionRow auction(DbRow r) {
        return new AuctionRow(Rows.uuid(r, "auction_id"), Rows.string(r, "client_id"), Rows.string(r, "capability"),
                Rows.string(r, "task_type"), r.column("budget").getLong(), Rows.string(r, "currency"),
                Rows.string(r, "status"), Rows.time(r, "deadline"), r.column("bidding_seconds").getDouble(),
                r.column("invited_count").getInt(),
                Rows.uuid(r, "winner_agent_id"), Rows.longOrNull(r, "price"), Rows.string(r, "escrow_id"),
                Rows.string(r, "outcome_reason"), Rows.time(r, "created_at"), Rows.time(r, "awarded_at"));
    }
}
