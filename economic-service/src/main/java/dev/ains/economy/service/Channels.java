package dev.ains.economy.service;

import java.util.logging.Logger;

import dev.ains.economy.money.ChannelRule;
import dev.ains.economy.store.ChannelStore;
import dev.ains.economy.store.ChannelStore.ChannelRow;
import dev.ains.economy.store.LedgerStore;
import dev.ains.economy.store.LedgerStore.EscrowRow;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.security.Caller;
import io.helidon.dbclient.DbExecute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Payment channels: the deposit is held by an escrow ({@code channel:<id>}) opened in the same
 * transaction as the channel; payments only raise the channel's cumulative amount under a strictly
 * increasing nonce (no transfer per payment); settling posts the escrow for the last cumulative amount —
 * the agent gets it less the platform fee, the client the rest. Expired channels settle the same way.
 */
@ApplicationScoped
public class Channels {
    private static final Logger LOG = Logger.getLogger(Channels.class.getName());

    @Inject
    ChannelStore store;
    @Inject
    LedgerStore ledgerStore;
    @Inject
    Ledger ledger;
    @Inject
    Database database;
    @Inject
    EconomySettings settings;
    @Inject
    LedgerMetrics metrics;
    @Inject
    BackgroundJobs jobs;

    public record View(ChannelRow channel, EscrowRow escrow) {
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        jobs.every("channel-expiry", settings.expiryCheckMs(), this::settleExpired);
    }

    public Ledger.Outcome<View> open(Caller caller, String channelId, String clientId, String agentId, Long deposit,
                                     String currency, Integer expiresInSeconds) {
        Check check = Check.of().required("channel_id", channelId).maxLength("channel_id", channelId, 180);
        Ledger.parties(check, clientId, agentId, "client_id", "agent_id");
        Ledger.amountField(check, "deposit", deposit, 1);
        check.range("expires_in_seconds", expiresInSeconds, 1, 365L * 86_400).orThrow();
        if (!caller.isAdmin() && !caller.id().equals(clientId)) {
            throw ApiProblem.forbidden("a client may open channels only from its own account");
        }
        String cur = ledger.currency(currency);
        long expiry = expiresInSeconds != null ? expiresInSeconds : settings.escrowExpirySeconds();
        ledger.prepareOpen(cur, clientId);
        return database.inTransaction(tx -> {
            if (!store.insert(tx, channelId, clientId, agentId, deposit, cur, expiry)) {
                ChannelRow c = store.find(tx, channelId).orElseThrow();
                if (!c.clientId().equals(clientId) || !c.agentId().equals(agentId) || c.deposit() != deposit
                        || !c.currency().equals(cur)) {
                    throw ApiProblem.conflict("channel-id-reused", "channel " + channelId + " exists with other fields");
                }
                return new Ledger.Outcome<>(view(tx, c), false);
            }
            // the escrow outlives the channel by a day: the channel's own expiry settles it, not a refund
            ledger.openIn(tx, Ledger.CHANNEL_PREFIX + channelId, clientId, agentId, deposit, cur, null, expiry + 86_400);
            LOG.info(() -> "channel " + channelId + " opened: " + deposit + " " + cur + " from " + clientId + " for "
                    + agentId);
            return new Ledger.Outcome<>(view(tx, store.find(tx, channelId).orElseThrow()), true);
        });
    }

    public View get(Caller caller, String channelId) {
        ChannelRow c = store.find(ledgerStore.db(), channelId).filter(x -> mayRead(caller, x))
                .orElseThrow(() -> ApiProblem.notFound("channel", channelId));
        return view(ledgerStore.db(), c);
    }

    /** The client's promise: the agent is owed {@code cumulative} in total, under a nonce above the last. */
    public View pay(Caller caller, String channelId, Long nonce, Long cumulative) {
        Check.of().required("nonce", nonce).range("nonce", nonce, 1, Long.MAX_VALUE)
                .required("cumulative_amount", cumulative).range("cumulative_amount", cumulative, 0, Long.MAX_VALUE)
                .orThrow();
        return database.inTransaction(tx -> {
            ChannelRow c = store.lock(tx, channelId).filter(x -> caller.isAdmin() || caller.id().equals(x.clientId()))
                    .orElseThrow(() -> ApiProblem.notFound("channel", channelId));
            if (!"OPEN".equals(c.status())) {
                throw ApiProblem.conflict("channel-settled", "channel " + channelId + " was settled at "
                        + c.settledAt());
            }
            switch (ChannelRule.judge(c.nonce(), c.cumulativeAmount(), c.deposit(), nonce, cumulative)) {
                case STALE_NONCE -> throw ApiProblem.conflict("stale-nonce", "nonce " + nonce
                        + " is not above the last one, " + c.nonce());
                case DECREASING -> throw ApiProblem.invalid("cumulative_amount",
                        "must not be below the last cumulative amount, " + c.cumulativeAmount());
                case OVER_DEPOSIT -> throw ApiProblem.invalid("cumulative_amount",
                        "must not exceed the deposit, " + c.deposit());
                case ACCEPTED -> { }
            }
            store.pay(tx, channelId, nonce, cumulative);
            metrics.channelPayment(c.currency(), cumulative - c.cumulativeAmount());
            return view(tx, store.find(tx, channelId).orElseThrow());
        });
    }

    /** Closes the channel: the agent is paid the last cumulative amount (less the fee), the client gets the rest. */
    public View settle(Caller caller, String channelId, String settlementId) {
        Check.of().required("settlement_id", settlementId).maxLength("settlement_id", settlementId, 200).orThrow();
        ledger.prepareSettle("channel:" + channelId);
        return database.inTransaction(tx -> {
            ChannelRow c = store.lock(tx, channelId).filter(x -> mayRead(caller, x))
                    .orElseThrow(() -> ApiProblem.notFound("channel", channelId));
            if (!"OPEN".equals(c.status())) {
                if (settlementId.equals(c.settledBy())) {
                    return view(tx, c);
                }
                throw ApiProblem.conflict("channel-settled", "channel " + channelId + " was settled by "
                        + c.settledBy() + " at " + c.settledAt());
            }
            return settleIn(tx, c, settlementId);
        });
    }

    /** Settles channels past their expiry at their last cumulative amount; replicas may run it together. */
    public int settleExpired() {
        return database.inTransaction(tx -> {
            var due = store.lockExpired(tx);
            for (String id : due) {
                settleIn(tx, store.find(tx, id).orElseThrow(), "expired");
            }
            return due.size();
        });
    }

    private View settleIn(DbExecute tx, ChannelRow c, String settlementId) {
        EscrowRow e = ledgerStore.lockEscrow(tx, c.escrowId()).orElseThrow();
        if ("PENDING".equals(e.status())) {
            ledger.settleIn(tx, e, settlementId, c.cumulativeAmount());
        }
        store.settled(tx, c.channelId(), settlementId);
        LOG.info(() -> "channel " + c.channelId() + " settled by " + settlementId + ": " + c.cumulativeAmount()
                + " of " + c.deposit() + " " + c.currency() + " to " + c.agentId());
        return view(tx, store.find(tx, c.channelId()).orElseThrow());
    }

    private View view(DbExecute exec, ChannelRow c) {
        return new View(c, ledgerStore.escrow(exec, c.escrowId()).orElse(null));
    }

    private static boolean mayRead(Caller caller, ChannelRow c) {
        return caller.isAdmin() || caller.id().equals(c.clientId()) || caller.id().equals(c.agentId());
    }
}
