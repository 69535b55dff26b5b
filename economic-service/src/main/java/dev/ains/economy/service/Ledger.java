package dev.ains.economy.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.logging.Logger;

import dev.ains.economy.money.Money;
import dev.ains.economy.store.LedgerStore;
import dev.ains.economy.store.LedgerStore.Account;
import dev.ains.economy.store.LedgerStore.EscrowRow;
import dev.ains.economy.store.LedgerStore.TransferRow;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.outbox.Outbox;
import dev.ains.kit.security.Caller;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The double-entry ledger. Every movement is one immutable transfer from one account to another of the
 * same currency, written with the accounts' new balances in the transaction that locks them (always in
 * account_id order, so concurrent transfers cannot deadlock). Only the external funding account may go
 * below zero. Deposits, escrows and their settlement are idempotent by the caller's ids: a replay
 * answers the original result, the same id with other fields is refused.
 */
@ApplicationScoped
public class Ledger {
    private static final Logger LOG = Logger.getLogger(Ledger.class.getName());
    /** System accounts, one per currency; user owner ids may not start with "ains:". */
    public static final String FEES = "ains:fees";
    public static final String EXTERNAL = "ains:external";
    public static final String ESCROW = "ains:escrow";
    private static final String OWNER_ID = "^[A-Za-z0-9._@:-]{1,200}$";
    /** The outbox destination of earnings: agent-registry (reputation). */
    public static final String REGISTRY = "registry";
    /** Escrows holding channel deposits are resolved only through their channel. */
    static final String CHANNEL_PREFIX = "channel:";
    /** The escrows auctions open for their tasks' winners. */
    static final String TASK_PREFIX = "task:";

    @Inject
    LedgerStore store;
    @Inject
    Database database;
    @Inject
    EconomySettings settings;
    @Inject
    LedgerMetrics metrics;
    @Inject
    BackgroundJobs jobs;

    public record Balance(String ownerId, String currency, long available, long held, OffsetDateTime updatedAt) {
    }

    /** A result and whether this call made it (false: a replay answered with the original). */
    public record Outcome<T>(T value, boolean created) {
    }

    public record CheckResult(boolean ok, List<DbRow> currencies, List<String> problems) {
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        metrics.registerGauges();
        jobs.every("escrow-expiry", settings.expiryCheckMs(), this::expireEscrows);
        // keeps ains_ledger_check_ok current for the alert; read-only, so every replica may run it
        jobs.every("ledger-check", settings.ledgerCheckMs(), this::checkAndLog);
    }

    private void checkAndLog() {
        var result = verify();
        if (!result.ok()) {
            LOG.severe(() -> "ledger check found " + result.problems().size() + " problem(s): "
                    + String.join("; ", result.problems().subList(0, Math.min(5, result.problems().size()))));
        }
    }

    public Balance balance(Caller caller, String ownerId, String currency) {
        String cur = currency(currency);
        mayRead(caller, ownerId);
        return store.account(ownerId, cur).map(a -> new Balance(ownerId, cur, a.balance, a.held, a.updatedAt))
                .orElseGet(() -> new Balance(ownerId, cur, 0, 0, null));
    }

    public List<LedgerStore.Entry> statement(Caller caller, String ownerId, String currency, Long beforeSeq,
                                             int limit) {
        String cur = currency(currency);
        mayRead(caller, ownerId);
        return store.account(ownerId, cur).map(a -> store.statement(a.accountId, beforeSeq, limit))
                .orElse(List.of());
    }

    /** External funding → the owner's account (admins). */
    public Outcome<TransferRow> deposit(Caller caller, String depositId, String ownerId, Long amount,
                                       String currency) {
        // money enters the platform by an operator's hand only (#12)
        if (!caller.isAdmin()) {
            throw ApiProblem.forbidden("deposits are made by admins");
        }
        Check check = Check.of().required("deposit_id", depositId).maxLength("deposit_id", depositId, 200);
        ownerField(check, "owner_id", ownerId);
        amountField(check, "amount", amount, 1);
        check.orThrow();
        String cur = currency(currency);
        String id = "deposit:" + depositId;
        ensure(cur, ownerId, EXTERNAL);
        return database.inTransaction(tx -> {
            Map<String, Account> a = store.lock(tx, List.of(ownerId, EXTERNAL), cur);
            // after the locks: a concurrent replay of this deposit has committed by now, and shows
            var existing = store.transfer(tx, id);
            if (existing.isPresent()) {
                TransferRow t = existing.get();
                if (!t.creditOwner().equals(ownerId) || t.amount() != amount || !t.currency().equals(cur)) {
                    throw ApiProblem.conflict("deposit-id-reused", "deposit " + depositId
                            + " was made with other fields (" + t.amount() + " " + t.currency() + " to "
                            + t.creditOwner() + ")");
                }
                return new Outcome<>(t, false);
            }
            move(tx, id, a.get(EXTERNAL), a.get(ownerId), amount, "deposit", null);
            saveAll(tx, a);
            LOG.info(() -> "deposit " + depositId + ": " + amount + " " + cur + " to " + ownerId);
            return new Outcome<>(store.transfer(tx, id).orElseThrow(), true);
        });
    }

    /** Payer → escrow holding: a pending transfer to the payee. */
    public Outcome<EscrowRow> open(Caller caller, String escrowId, String payerId, String payeeId, Long amount,
                                   String currency, UUID taskId, Integer expiresInSeconds) {
        Check check = Check.of().required("escrow_id", escrowId).maxLength("escrow_id", escrowId, 200)
                .that(escrowId == null || !platformEscrow(escrowId), "escrow_id",
                        "must not start with " + TASK_PREFIX + " or " + CHANNEL_PREFIX
                                + " (names the platform keeps for the escrows of auctions and payment channels)");
        parties(check, payerId, payeeId, "payer_id", "payee_id");
        amountField(check, "amount", amount, 1);
        check.range("expires_in_seconds", expiresInSeconds, 1, 365L * 86_400).orThrow();
        if (!caller.isAdmin() && !caller.id().equals(payerId)) {
            throw ApiProblem.forbidden("a client may open escrows only from its own account");
        }
        String cur = currency(currency);
        long expiry = expiresInSeconds != null ? expiresInSeconds : settings.escrowExpirySeconds();
        prepareOpen(cur, payerId);
        return database.inTransaction(tx -> openIn(tx, escrowId, payerId, payeeId, amount, cur, taskId, expiry));
    }

    /** Creates what {@link #openIn} will lock; call it before the transaction. */
    void prepareOpen(String currency, String payerId) {
        ensure(currency, payerId, ESCROW);
    }

    /** Opens an escrow inside the caller's transaction (fields already checked; see {@link #prepareOpen}). */
    Outcome<EscrowRow> openIn(DbExecute tx, String escrowId, String payerId, String payeeId, long amount, String cur,
                              UUID taskId, long expirySeconds) {
        if (!store.insertEscrow(tx, escrowId, payerId, payeeId, amount, cur, taskId, expirySeconds)) {
            EscrowRow e = store.escrow(tx, escrowId).orElseThrow();
            if (!e.payerId().equals(payerId) || !e.payeeId().equals(payeeId) || e.amount() != amount
                    || !e.currency().equals(cur) || !Objects.equals(e.taskId(), taskId)) {
                // nothing of the existing escrow in the answer: its parties and amount may not be the caller's to read
                throw ApiProblem.conflict("escrow-id-reused", "escrow id " + escrowId
                        + " is taken by an escrow with other fields; choose another id");
            }
            return new Outcome<>(e, false);
        }
        Map<String, Account> a = store.lock(tx, List.of(payerId, ESCROW), cur);
        Account payer = a.get(payerId);
        move(tx, "escrow:" + escrowId + ":hold", payer, a.get(ESCROW), amount, "escrow_hold", escrowId);
        payer.held += amount;
        saveAll(tx, a);
        metrics.escrow("opened", cur, amount);
        LOG.info(() -> "escrow " + escrowId + " opened: " + amount + " " + cur + " from " + payerId + " for "
                + payeeId + (taskId == null ? "" : " (task " + taskId + ")"));
        return new Outcome<>(store.escrow(tx, escrowId).orElseThrow(), true);
    }

    /** Escrows whose names the platform keeps: only auctions and channels open and resolve them. */
    static boolean platformEscrow(String escrowId) {
        return escrowId.startsWith(TASK_PREFIX) || escrowId.startsWith(CHANNEL_PREFIX);
    }

    public EscrowRow get(Caller caller, String escrowId) {
        return store.escrow(store.db(), escrowId)
                .filter(e -> caller.isAdmin() || caller.id().equals(e.payerId()) || caller.id().equals(e.payeeId()))
                .orElseThrow(() -> ApiProblem.notFound("escrow", escrowId));
    }

    /**
     * Posts the escrow: {@code amount} (all when null) leaves escrow for the payee, less the fee (to the fee
     * account); the rest returns to the payer.
     */
    public EscrowRow settle(Caller caller, String escrowId, String settlementId, Long amount) {
        Check.of().required("settlement_id", settlementId).maxLength("settlement_id", settlementId, 200).orThrow();
        prepareSettle(escrowId);
        return database.inTransaction(tx -> {
            EscrowRow e = lockForResolution(tx, caller, escrowId, settlementId, true);
            return "PENDING".equals(e.status()) ? settleIn(tx, e, settlementId, amount) : e; // else: this very settlement, replayed
        });
    }

    /** Creates what {@link #settleIn} will lock; call it before the transaction. */
    void prepareSettle(String escrowId) {
        store.escrow(store.db(), escrowId).ifPresent(e -> ensure(e.currency(), e.payeeId(), FEES));
    }

    /** Posts a PENDING escrow, locked by the caller's transaction. */
    EscrowRow settleIn(DbExecute tx, EscrowRow e, String settlementId, Long amount) {
        String escrowId = e.escrowId();
        long posted = amount == null ? e.amount() : amount;
        Check.of().that(posted >= 0 && posted <= e.amount(), "amount",
                "must be between 0 and the escrow's " + e.amount()).orThrow();
        Money.Split split = Money.split(posted, settings.feeBasisPoints());
        String base = "escrow:" + escrowId;
        Map<String, Account> a = store.lock(tx, List.of(e.payerId(), e.payeeId(), FEES, ESCROW), e.currency());
        Account escrow = a.get(ESCROW);
        move(tx, base + ":payout", escrow, a.get(e.payeeId()), split.payee(), "escrow_payout", escrowId);
        move(tx, base + ":fee", escrow, a.get(FEES), split.fee(), "escrow_fee", escrowId);
        move(tx, base + ":return", escrow, a.get(e.payerId()), e.amount() - posted, "escrow_return", escrowId);
        a.get(e.payerId()).held -= e.amount();
        saveAll(tx, a);
        store.resolveEscrow(tx, escrowId, "POSTED", posted, split.fee(), e.amount() - posted, settlementId, null);
        if (split.payee() > 0) {
            // the registry counts agents' earnings for their reputation
            Map<String, Object> earned = new java.util.LinkedHashMap<>();
            earned.put("agent_id", e.payeeId());
            earned.put("amount", split.payee());
            earned.put("currency", e.currency());
            earned.put("escrow_id", escrowId);
            Outbox.add(tx, List.of(REGISTRY), "agent.earned", earned);
        }
        metrics.escrow("posted", e.currency(), posted);
        LOG.info(() -> "escrow " + escrowId + " posted: " + split.payee() + " to " + e.payeeId() + ", fee "
                + split.fee() + ", returned " + (e.amount() - posted) + " " + e.currency());
        return store.escrow(tx, escrowId).orElseThrow();
    }

    /** Voids the escrow: everything returns to the payer. */
    public EscrowRow refund(Caller caller, String escrowId, String refundId, String reason) {
        Check.of().required("refund_id", refundId).maxLength("refund_id", refundId, 200)
                .maxLength("reason", reason, 500).orThrow();
        return database.inTransaction(tx -> {
            EscrowRow e = lockForResolution(tx, caller, escrowId, refundId, false);
            if (!"PENDING".equals(e.status())) {
                return e;
            }
            voidEscrow(tx, e, refundId, reason);
            metrics.escrow("voided", e.currency(), e.amount());
            return store.escrow(tx, escrowId).orElseThrow();
        });
    }

    /** Refunds escrows past their expiry; several replicas may run it (SKIP LOCKED). */
    public int expireEscrows() {
        return database.inTransaction(tx -> {
            List<String> due = store.lockExpiredEscrows(tx);
            for (String id : due) {
                EscrowRow e = store.escrow(tx, id).orElseThrow();
                voidEscrow(tx, e, "expired", "not settled before " + e.expiresAt());
                metrics.escrow("expired", e.currency(), e.amount());
            }
            return due.size();
        });
    }

    /** Recomputes every balance from the entries and checks the invariants. */
    public CheckResult check(Caller caller) {
        if (!caller.isAdmin()) {
            throw ApiProblem.forbidden("the ledger check is for admins");
        }
        return verify();
    }

    private CheckResult verify() {
        List<String> problems = new ArrayList<>();
        List<DbRow> currencies = store.checkCurrencies();
        for (DbRow c : currencies) {
            String cur = Rows.string(c, "currency");
            long sum = c.column("balance_sum").getLong();
            if (sum != 0) {
                problems.add(cur + ": balances sum to " + sum + ", not 0");
            }
            long debits = c.column("total_debits").getLong();
            long credits = c.column("total_credits").getLong();
            if (debits != credits) {
                problems.add(cur + ": total debits " + debits + " but total credits " + credits);
            }
            if (c.column("cross_currency").getLong() != 0) {
                problems.add(cur + ": " + c.column("cross_currency").getLong() + " transfers cross currencies");
            }
        }
        for (DbRow a : store.checkAccounts()) {
            String who = Rows.string(a, "owner_id") + " " + Rows.string(a, "currency");
            long balance = a.column("balance").getLong();
            long fromEntries = a.column("from_entries").getLong();
            if (balance != fromEntries) {
                problems.add(who + ": balance " + balance + " but its entries sum to " + fromEntries);
            }
            if (balance < 0 && !Boolean.TRUE.equals(Rows.bool(a, "may_go_negative"))) {
                problems.add(who + ": negative balance " + balance);
            }
            if (a.column("held").getLong() != a.column("open_paid").getLong()) {
                problems.add(who + ": holds " + a.column("held").getLong() + " but its open escrows total "
                        + a.column("open_paid").getLong());
            }
            if ("escrow".equals(Rows.string(a, "kind")) && balance != a.column("open_total").getLong()) {
                problems.add(who + ": escrow holds " + balance + " but open escrows total "
                        + a.column("open_total").getLong());
            }
        }
        for (DbRow e : store.checkEscrows()) {
            String id = Rows.string(e, "escrow_id");
            long amount = e.column("amount").getLong();
            long in = e.column("held_in").getLong();
            long out = e.column("paid_out").getLong();
            boolean open = "PENDING".equals(Rows.string(e, "status"));
            if (in != amount || out != (open ? 0 : amount)) {
                problems.add("escrow " + id + " (" + Rows.string(e, "status") + ", " + amount + "): held " + in
                        + ", paid out " + out);
            }
        }
        metrics.checked(problems.size());
        return new CheckResult(problems.isEmpty(), currencies, problems);
    }

    private EscrowRow lockForResolution(DbExecute tx, Caller caller, String escrowId, String requestId,
                                        boolean settling) {
        EscrowRow e = store.lockEscrow(tx, escrowId)
                .filter(x -> caller.isAdmin() || settling && caller.id().equals(x.payerId()))
                .orElseThrow(() -> ApiProblem.notFound("escrow", escrowId));
        // The platform's escrows move only by their authorised outcome (the task's end, the channel's
        // settlement or expiry), never by a party's request: the payer could otherwise void the winner's pay.
        if (escrowId.startsWith(CHANNEL_PREFIX)) {
            throw ApiProblem.forbidden("escrow " + escrowId
                    + " holds a payment channel's deposit: it moves only when the channel is settled or expires");
        }
        if (escrowId.startsWith(TASK_PREFIX)) {
            throw ApiProblem.forbidden("escrow " + escrowId
                    + " pays an auctioned task: it moves only by the task's outcome (completed, cancelled or"
                    + " dead-lettered)");
        }
        if ("PENDING".equals(e.status())) {
            return e;
        }
        boolean sameRequest = requestId.equals(e.resolvedBy()) && ("POSTED".equals(e.status()) == settling);
        if (sameRequest) {
            return e;
        }
        throw "POSTED".equals(e.status())
                ? ApiProblem.conflict("escrow-already-posted", "escrow " + escrowId + " was posted by "
                        + e.resolvedBy() + " at " + e.resolvedAt())
                : ApiProblem.conflict("escrow-already-voided", "escrow " + escrowId + " was voided by "
                        + e.resolvedBy() + " at " + e.resolvedAt());
    }

    /** Voids a PENDING escrow locked by the caller's transaction. */
    void voidEscrow(DbExecute tx, EscrowRow e, String by, String reason) {
        Map<String, Account> a = store.lock(tx, List.of(e.payerId(), ESCROW), e.currency());
        move(tx, "escrow:" + e.escrowId() + ":return", a.get(ESCROW), a.get(e.payerId()), e.amount(),
                "escrow_return", e.escrowId());
        a.get(e.payerId()).held -= e.amount();
        saveAll(tx, a);
        store.resolveEscrow(tx, e.escrowId(), "VOIDED", 0L, 0L, e.amount(), by, reason);
        LOG.info(() -> "escrow " + e.escrowId() + " voided by " + by + ": " + e.amount() + " " + e.currency()
                + " back to " + e.payerId() + (reason == null ? "" : " (" + reason + ")"));
    }

    /** One transfer; a zero amount moves nothing and writes nothing. */
    private void move(DbExecute tx, String id, Account from, Account to, long amount, String code, String escrowId) {
        if (amount == 0) {
            return;
        }
        if (!from.mayGoNegative && from.balance < amount) {
            throw ApiProblem.conflict("insufficient-funds", from.ownerId + " has " + from.balance + " "
                    + from.currency + " available, " + amount + " needed");
        }
        from.balance -= amount;
        to.balance += amount;
        store.insertTransfer(tx, id, from, to, amount, code, escrowId);
        metrics.transfer(code, from.currency, amount);
    }

    private void saveAll(DbExecute tx, Map<String, Account> accounts) {
        accounts.values().forEach(a -> store.save(tx, a));
    }

    /** Creates missing accounts first, in a sorted order of their own, so creators never wait in a cycle. */
    private void ensure(String currency, String... owners) {
        for (String owner : new TreeSet<>(List.of(owners))) {
            String kind = switch (owner) {
                case FEES -> "fees";
                case EXTERNAL -> "external";
                case ESCROW -> "escrow";
                default -> "owner";
            };
            store.ensureAccount(store.db(), owner, currency, kind, EXTERNAL.equals(owner));
        }
    }

    String currency(String currency) {
        if (currency == null || currency.isBlank()) {
            return settings.currency();
        }
        if (!Money.isCurrency(currency)) {
            throw ApiProblem.invalid("currency", "must be an ISO 4217 code such as USD");
        }
        return currency;
    }

    private static void mayRead(Caller caller, String ownerId) {
        Check check = Check.of();
        ownerField(check, "owner_id", ownerId);
        check.orThrow();
        if (!caller.isAdmin() && !caller.id().equals(ownerId)) {
            throw ApiProblem.forbidden("only the owner or an admin may read account " + ownerId);
        }
    }

    private static void ownerField(Check check, String field, String ownerId) {
        check.required(field, ownerId).pattern(field, ownerId, OWNER_ID, "a client or agent id")
                .that(ownerId == null || !ownerId.startsWith("ains:"), field, "names a platform account");
    }

    /** Two different, valid owner ids. */
    static void parties(Check check, String payer, String payee, String payerField, String payeeField) {
        ownerField(check, payerField, payer);
        ownerField(check, payeeField, payee);
        check.that(payer == null || !payer.equals(payee), payeeField, "must differ from " + payerField);
    }

    static void amountField(Check check, String field, Long amount, long min) {
        check.required(field, amount).range(field, amount, min, Money.MAX_AMOUNT);
    }
}
