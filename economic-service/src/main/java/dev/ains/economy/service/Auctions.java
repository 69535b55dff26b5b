package dev.ains.economy.service;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ains.economy.money.AuctionRule;
import dev.ains.economy.money.Money;
import dev.ains.economy.store.AuctionStore;
import dev.ains.economy.store.AuctionStore.AuctionRow;
import dev.ains.economy.store.AuctionStore.BidRow;
import dev.ains.economy.store.AuctionStore.PreferencesRow;
import dev.ains.economy.store.LedgerStore;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.json.Json;
import dev.ains.kit.outbox.Outbox;
import dev.ains.kit.outbox.OutboxEvent;
import dev.ains.kit.security.Caller;
import dev.ains.kit.store.Cursor;
import io.helidon.dbclient.DbExecute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Auctions for tasks with a budget (docs/economy.md): task-service opens one per task with the online
 * agents holding the capability as invitees; they bid or decline until the deadline; the award (at the
 * deadline, when every invitee has answered, or on request) ranks the bids by {@link AuctionRule} with
 * the client's preferences, opens the escrow for the winner's price and tells task-service through the
 * outbox. Each auction is decided once, under its row lock, whichever replica gets there.
 */
@ApplicationScoped
public class Auctions {
    private static final Logger LOG = Logger.getLogger(Auctions.class.getName());
    /** The outbox destination of auction results: task-service. */
    public static final String TASKS = "tasks";
    /** The event that tells an invitee of a call for proposals (through task-service's journal). */
    public static final String INVITED = "auction.invited";

    @Inject
    AuctionStore store;
    @Inject
    Ledger ledger;
    @Inject
    LedgerStore ledgerStore;
    @Inject
    Database database;
    @Inject
    EconomySettings settings;
    @Inject
    LedgerMetrics metrics;
    @Inject
    BackgroundJobs jobs;

    public record Invite(UUID agentId, double trustScore) {
    }

    public record AuctionIn(UUID taskId, String clientId, String capability, String taskType, Long budget,
                            String currency, Integer deadlineSeconds, List<Invite> invited) {
    }

    public record View(AuctionRow auction, List<BidRow> bids) {
    }

    public record Outcome(UUID taskId, String outcome, String reason) {
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        jobs.every("auction-award", settings.auctionCheckMs(), this::awardDue);
    }

    /** Opens auctions (task-service); an auction that exists already is left as it is. */
    public void open(List<AuctionIn> auctions) {
        Check check = Check.of().required("auctions", auctions);
        if (auctions != null) {
            for (int i = 0; i < auctions.size(); i++) {
                AuctionIn a = auctions.get(i);
                String f = "auctions[" + i + "].";
                check.required(f + "task_id", a.taskId()).required(f + "client_id", a.clientId())
                        .required(f + "capability", a.capability()).required(f + "budget", a.budget())
                        .range(f + "budget", a.budget(), 0, Money.MAX_AMOUNT)
                        .range(f + "deadline_seconds", a.deadlineSeconds(), 1, 3600)
                        .that(a.currency() == null || Money.isCurrency(a.currency()), f + "currency",
                                "must be an ISO 4217 code");
            }
        }
        check.orThrow();
        for (AuctionIn a : auctions) {
            String cur = ledger.currency(a.currency());
            List<Invite> invited = a.invited() == null ? List.of() : a.invited();
            int deadline = a.deadlineSeconds() != null ? a.deadlineSeconds() : settings.defaultAuctionSeconds();
            boolean created = database.inTransaction(tx -> {
                if (!store.insert(tx, a.taskId(), a.clientId(), a.capability(), a.taskType(), a.budget(), cur,
                        deadline, Json.write(invited.stream().map(v -> Map.of("agent_id", v.agentId(), "trust_score",
                                v.trustScore())).toList()), invited.size())) {
                    return false;
                }
                AuctionRow opened = store.find(tx, a.taskId()).orElseThrow();
                announce(tx, opened, opened.deadline(), invited.stream().map(Invite::agentId).toList());
                return true;
            });
            if (created) {
                metrics.auction("opened");
                LOG.info(() -> "auction for task " + a.taskId() + " opened: budget " + a.budget() + " " + cur + ", "
                        + invited.size() + " agents invited, " + deadline + " s");
            }
        }
    }

    /** Each invitee hears of the call, and its deadline, on its event stream (task-service's journal). */
    private void announce(DbExecute tx, AuctionRow a, OffsetDateTime deadline, List<UUID> invitees) {
        for (UUID agent : invitees) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("agent_id", agent);
            event.put("task_id", a.auctionId());
            event.put("budget", a.budget());
            event.put("currency", a.currency());
            event.put("deadline", deadline);
            Outbox.add(tx, List.of(TASKS), INVITED, event);
        }
    }

    public List<AuctionRow> list(Caller caller, String status, Cursor after, int limit) {
        if (caller.isAdmin()) {
            return store.list(null, null, status, after, limit);
        }
        return caller.isAgent() ? store.list(null, UUID.fromString(caller.id()), status, after, limit)
                : store.list(caller.id(), null, status, after, limit);
    }

    /** The auction; its client and admins see every bid, an invited agent only its own. */
    public View get(Caller caller, UUID id) {
        DbExecute db = ledgerStore.db();
        AuctionRow a = store.find(db, id).orElseThrow(() -> ApiProblem.notFound("auction", id));
        List<BidRow> bids = store.bids(db, id);
        if (caller.isAdmin() || caller.id().equals(a.clientId())) {
            return new View(a, bids);
        }
        if (caller.isAgent() && store.invitation(db, id, UUID.fromString(caller.id())).isPresent()) {
            return new View(a, bids.stream().filter(b -> b.agentId().toString().equals(caller.id())).toList());
        }
        throw ApiProblem.notFound("auction", id);
    }

    /** An invited agent's bid (or refusal), replacing its previous one while the auction is open. */
    public BidRow bid(Caller caller, UUID id, Long price, Integer eta, Double confidence, Boolean decline) {
        if (!caller.isAgent()) {
            throw ApiProblem.forbidden("bids are placed by agents (X-API-Key)");
        }
        UUID agent = UUID.fromString(caller.id());
        boolean declined = Boolean.TRUE.equals(decline);
        Check check = Check.of();
        if (!declined) {
            check.required("price", price).range("price", price, 0, Money.MAX_AMOUNT)
                    .required("eta_seconds", eta).range("eta_seconds", eta, 1, 30L * 86_400)
                    .required("confidence", confidence).rangeD("confidence", confidence, 0, 1);
        }
        check.orThrow();
        BidRow placed = database.inTransaction(tx -> {
            AuctionRow a = store.lock(tx, id).orElseThrow(() -> ApiProblem.notFound("auction", id));
            if (store.invitation(tx, id, agent).isEmpty()) {
                throw ApiProblem.forbidden("agent " + agent + " was not invited to auction " + id);
            }
            if (!"OPEN".equals(a.status()) || a.deadline().toInstant().isBefore(Instant.now())) {
                throw ApiProblem.conflict("auction-closed", "auction " + id + " is " + a.status()
                        + ("OPEN".equals(a.status()) ? " but past its deadline " + a.deadline() : ""));
            }
            store.bid(tx, id, agent, declined ? null : price, declined ? null : eta, declined ? null : confidence,
                    declined);
            return store.bids(tx, id).stream().filter(b -> b.agentId().equals(agent)).findFirst().orElseThrow();
        });
        metrics.bid(declined);
        LOG.fine(() -> "agent " + agent + (declined ? " declined" : " bid " + price) + " on auction " + id);
        return placed;
    }

    /** Awards now (its client, services, admins). */
    public View award(Caller caller, UUID id) {
        AuctionRow before = store.find(ledgerStore.db(), id)
                .filter(a -> caller.isAdmin() || caller.id().equals(a.clientId()))
                .orElseThrow(() -> ApiProblem.notFound("auction", id));
        ledger.prepareOpen(before.currency(), before.clientId());
        database.inTransactionRun(tx -> {
            AuctionRow a = store.lock(tx, id).orElseThrow();
            if (!"OPEN".equals(a.status())) {
                throw ApiProblem.conflict("auction-closed", "auction " + id + " is already " + a.status());
            }
            awardIn(tx, a);
        });
        return get(caller, id);
    }

    /**
     * Invitations about to leave for task-service (in the relay's transaction). Those leaving more than
     * a second after their auction opened, because economic-service was down or task-service did not
     * answer, restart the auction's window: the invitees get the whole of it from now, and the events
     * carry the new deadline (a refused attempt restarts it, the next one again). Until its invitations
     * are out, an auction is not awarded at its deadline.
     */
    public List<OutboxEvent> invitationsLeaving(DbExecute tx, List<OutboxEvent> events) {
        Instant late = Instant.now().minusSeconds(1);
        Map<OutboxEvent, ObjectNode> lateInvitations = new LinkedHashMap<>();
        for (OutboxEvent e : events) {
            if (INVITED.equals(e.eventType()) && e.occurredAt().toInstant().isBefore(late)) {
                lateInvitations.put(e, (ObjectNode) Json.tree(e.payload()));
            }
        }
        if (lateInvitations.isEmpty()) {
            return events;
        }
        Map<UUID, OffsetDateTime> restarted = store.restartWindows(tx, lateInvitations.values().stream()
                .map(p -> UUID.fromString(p.get("task_id").asText())).collect(Collectors.toSet()));
        restarted.forEach((id, deadline) -> {
            metrics.auction("window_restarted");
            LOG.info(() -> "auction for task " + id + ": invitations sent late, bidding window restarted until "
                    + deadline);
        });
        return events.stream().map(e -> {
            ObjectNode payload = lateInvitations.get(e);
            OffsetDateTime deadline = payload == null ? null
                    : restarted.get(UUID.fromString(payload.get("task_id").asText()));
            if (deadline == null) {
                return e;
            }
            payload.set("deadline", Json.MAPPER.valueToTree(deadline));
            return new OutboxEvent(e.id(), e.eventId(), e.destination(), e.eventType(), e.occurredAt(),
                    Json.write(payload), e.attempts());
        }).toList();
    }

    /** Awards every auction that is due; replicas may run it together (SKIP LOCKED). */
    public int awardDue() {
        Optional<AuctionStore.Outage> outage = store.beginAwardPass(settings.auctionOutageMs() / 1000.0);
        int n = 0;
        for (AuctionStore.Due d : store.due()) {
            try {
                n += awardOne(d, outage);
            } catch (RuntimeException e) {
                // one auction that cannot be awarded (its transaction rolled back) never holds up the others;
                // it is tried again next pass
                metrics.auction("award_failed");
                LOG.log(java.util.logging.Level.WARNING, "auction for task " + d.auctionId()
                        + " could not be awarded this pass: " + e.getMessage(), e);
            }
        }
        store.endAwardPass();
        return n;
    }

    private int awardOne(AuctionStore.Due d, Optional<AuctionStore.Outage> outage) {
        ledger.prepareOpen(d.currency(), d.clientId());
        return database.inTransaction(tx -> store.lockIfDue(tx, d.auctionId()).map(a -> {
            if (unserved(tx, a, outage)) {
                // the call goes out again with its new deadline: an invitee refused as too late, or
                // that gave up while the service was away, knows to bid now
                store.restartWindows(tx, List.of(a.auctionId())).forEach((id, deadline) -> {
                    announce(tx, a, deadline, store.invitees(tx, id));
                    metrics.auction("window_restarted");
                    LOG.info(() -> "auction for task " + id + ": an outage cut into its window, nobody answered; "
                            + "bidding window restarted until " + deadline + " and the invitees told again");
                });
                return 0;
            }
            awardIn(tx, a);
            return 1;
        }).orElse(0));
    }

    /**
     * An outage (no award pass ran on any replica) took part of its window and nobody answered: the
     * invitees did not get the time they were promised to bid in. Once only: an auction whose window
     * already restarted ends as it stands.
     */
    private boolean unserved(DbExecute tx, AuctionRow a, Optional<AuctionStore.Outage> outage) {
        boolean firstWindow = !a.deadline().toInstant().isAfter(a.createdAt().toInstant()
                .plusMillis((long) (a.biddingSeconds() * 1000) + 1000));
        return firstWindow && outage.filter(o -> o.overlaps(a.createdAt(), a.deadline())).isPresent()
                && store.bids(tx, a.auctionId()).isEmpty();
    }

    private void awardIn(DbExecute tx, AuctionRow a) {
        PreferencesRow p = store.preferences(tx, a.clientId());
        List<BidRow> bids = store.bids(tx, a.auctionId());
        List<AuctionRule.Scored> ranked = AuctionRule.rank(a.budget(), bids.stream().map(b -> new AuctionRule.Bid(
                        b.agentId(), b.price(), b.etaSeconds(), b.confidence(), b.trustScore(), b.declined(),
                        b.updatedAt().toInstant())).toList(),
                new AuctionRule.Weights(p.weightPrice(), p.weightPerformance(), p.weightSpeed(), p.weightReputation()),
                new AuctionRule.Filters(p.maxPrice(), p.minConfidence(), p.maxEtaSeconds(), p.minReputation(),
                        p.freeOnly()));
        ranked.forEach(s -> store.score(tx, a.auctionId(), s.bid().agentId(), s.score(), s.excluded()));
        AuctionRule.Scored winner = ranked.isEmpty() || !ranked.get(0).eligible() ? null : ranked.get(0);
        if (winner == null) {
            String why = "no acceptable bid (" + bids.size() + " answers from " + a.invitedCount() + " invited)";
            boolean route = "route".equals(p.noBidPolicy());
            close(tx, a, route ? "NO_BIDS" : "FAILED", null, null, null, why, route ? "no_bids" : "failed");
            return;
        }
        UUID agent = winner.bid().agentId();
        long price = winner.bid().price();
        String escrowId = null;
        if (price > 0) {
            var accounts = ledgerStore.lock(tx, List.of(a.clientId(), Ledger.ESCROW), a.currency());
            long available = accounts.get(a.clientId()).balance;
            if (available < price) {
                close(tx, a, "FAILED", agent, price, null, "client " + a.clientId() + " cannot cover the winning bid of "
                        + price + " " + a.currency() + " (available " + available + ")", "failed");
                return;
            }
            escrowId = Ledger.TASK_PREFIX + a.auctionId();
            ledger.openIn(tx, escrowId, a.clientId(), agent.toString(), price, a.currency(), a.auctionId(),
                    settings.escrowExpirySeconds());
        }
        close(tx, a, "AWARDED", agent, price, escrowId, "highest score " + String.format("%.3f", winner.score())
                + " of " + ranked.stream().filter(AuctionRule.Scored::eligible).count() + " acceptable bids", "awarded");
    }

    private void close(DbExecute tx, AuctionRow a, String status, UUID winner, Long price, String escrowId,
                       String reason, String result) {
        store.close(tx, a.auctionId(), status, "AWARDED".equals(status) ? winner : null,
                "AWARDED".equals(status) ? price : null, escrowId, reason);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("task_id", a.auctionId());
        event.put("result", result);
        if ("AWARDED".equals(status)) {
            event.put("agent_id", winner);
            event.put("price", price);
            event.put("currency", a.currency());
        }
        event.put("reason", reason);
        Outbox.add(tx, List.of(TASKS), "auction." + result, event);
        metrics.auction(result);
        LOG.info(() -> "auction for task " + a.auctionId() + " " + status + ": " + reason
                + (winner != null && "AWARDED".equals(status) ? " — agent " + winner + " at " + price : ""));
    }

    /**
     * Final outcomes of auctioned tasks: COMPLETED posts the task's escrow (less the fee), anything else
     * voids it, and an auction still open is cancelled. Idempotent: an escrow or auction already closed is
     * left as it is.
     */
    public void settle(List<Outcome> outcomes) {
        Check check = Check.of().required("outcomes", outcomes);
        if (outcomes != null) {
            for (int i = 0; i < outcomes.size(); i++) {
                check.required("outcomes[" + i + "].task_id", outcomes.get(i).taskId())
                        .required("outcomes[" + i + "].outcome", outcomes.get(i).outcome());
            }
        }
        check.orThrow();
        for (Outcome o : outcomes) {
            String escrowId = Ledger.TASK_PREFIX + o.taskId();
            ledger.prepareSettle(escrowId);
            database.inTransactionRun(tx -> {
                store.lock(tx, o.taskId()).filter(a -> "OPEN".equals(a.status())).ifPresent(a ->
                        store.close(tx, a.auctionId(), "CANCELLED", null, null, null, "task was " + o.outcome()));
                ledgerStore.lockEscrow(tx, escrowId).filter(e -> "PENDING".equals(e.status())).ifPresent(e -> {
                    if ("COMPLETED".equals(o.outcome())) {
                        ledger.settleIn(tx, e, escrowId + ":completed", null);
                    } else {
                        ledger.voidEscrow(tx, e, escrowId + ":" + o.outcome().toLowerCase(),
                                o.reason() != null ? o.reason() : "task was " + o.outcome());
                        metrics.escrow("voided", e.currency(), e.amount());
                    }
                });
            });
        }
    }

    public PreferencesRow preferences(Caller caller) {
        return store.preferences(ledgerStore.db(), caller.id());
    }

    public PreferencesRow savePreferences(Caller caller, PreferencesRow p) {
        Check.of().rangeD("weight_price", p.weightPrice(), 0, 1000)
                .rangeD("weight_performance", p.weightPerformance(), 0, 1000)
                .rangeD("weight_speed", p.weightSpeed(), 0, 1000)
                .rangeD("weight_reputation", p.weightReputation(), 0, 1000)
                .range("max_price", p.maxPrice(), 0, Money.MAX_AMOUNT)
                .rangeD("min_confidence", p.minConfidence(), 0, 1)
                .range("max_eta_seconds", p.maxEtaSeconds(), 1, 30L * 86_400)
                .rangeD("min_reputation", p.minReputation(), 0, 1)
                .that(p.noBidPolicy() == null || List.of("route", "fail").contains(p.noBidPolicy()), "no_bid_policy",
                        "must be route or fail")
                .orThrow();
        store.savePreferences(caller.id(), p);
        return preferences(caller);
    }
}
