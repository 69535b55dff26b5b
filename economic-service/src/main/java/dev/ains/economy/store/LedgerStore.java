package dev.ains.economy.store;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.ains.kit.db.Database;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The ledger's data access; the statements themselves are in {@code db/statements.yaml}. */
@ApplicationScoped
public class LedgerStore {
    @Inject
    Database database;

    /** An account as read under its lock; balance and held change only through {@link #save}. */
    public static final class Account {
        public final long accountId;
        public final String ownerId;
        public final String currency;
        public final String kind;
        public final boolean mayGoNegative;
        public final OffsetDateTime updatedAt;
        public long balance;
        public long held;

        Account(DbRow r) {
            accountId = r.column("account_id").getLong();
            ownerId = Rows.string(r, "owner_id");
            currency = Rows.string(r, "currency");
            kind = Rows.string(r, "kind");
            mayGoNegative = Boolean.TRUE.equals(Rows.bool(r, "may_go_negative"));
            updatedAt = Rows.time(r, "updated_at");
            balance = r.column("balance").getLong();
            held = r.column("held").getLong();
        }
    }

    public record TransferRow(String transferId, String debitOwner, String creditOwner, long amount, String currency,
                              String code, String escrowId, OffsetDateTime createdAt) {
    }

    public record EscrowRow(String escrowId, String payerId, String payeeId, long amount, String currency,
                            UUID taskId, String status, Long postedAmount, Long fee, Long returnedAmount,
                            String resolvedBy, String reason, OffsetDateTime expiresAt, OffsetDateTime createdAt,
                            OffsetDateTime resolvedAt) {
    }

    public record Entry(String transferId, long seq, String code, String escrowId, long amount, long balanceAfter,
                        String counterparty, OffsetDateTime createdAt) {
    }

    public void ensureAccount(DbExecute tx, String ownerId, String currency, String kind, boolean mayGoNegative) {
        tx.namedInsert("ensure-account", ownerId, currency, kind, mayGoNegative);
    }

    public Optional<Account> account(String ownerId, String currency) {
        return database.client().execute().namedGet("select-account", ownerId, currency).map(Account::new);
    }

    /** Locks the owners' accounts of one currency in account_id order; keyed by owner id. */
    public Map<String, Account> lock(DbExecute tx, List<String> ownerIds, String currency) {
        Map<String, Account> locked = new LinkedHashMap<>();
        tx.namedQuery("lock-accounts", String.join("|", ownerIds), currency)
                .forEach(r -> {
                    Account a = new Account(r);
                    locked.put(a.ownerId, a);
                });
        return locked;
    }

    public void save(DbExecute tx, Account a) {
        tx.namedUpdate("set-balance", a.balance, a.held, a.accountId);
    }

    public void insertTransfer(DbExecute tx, String id, Account debit, Account credit, long amount, String code,
                               String escrowId) {
        tx.namedInsert("insert-transfer", id, debit.accountId, credit.accountId, amount, debit.currency, code, escrowId,
                debit.balance, credit.balance);
    }

    public Optional<TransferRow> transfer(DbExecute exec, String id) {
        return exec.namedGet("select-transfer", id).map(r -> new TransferRow(Rows.string(r, "transfer_id"),
                Rows.string(r, "debit_owner"), Rows.string(r, "credit_owner"), r.column("amount").getLong(),
                Rows.string(r, "currency"), Rows.string(r, "code"), Rows.string(r, "escrow_id"),
                Rows.time(r, "created_at")));
    }

    public List<Entry> statement(long accountId, Long beforeSeq, int limit) {
        return database.client().execute().namedQuery("statement", accountId, accountId, accountId, accountId,
                accountId, beforeSeq, beforeSeq, limit).map(r -> new Entry(Rows.string(r, "transfer_id"),
                r.column("seq").getLong(), Rows.string(r, "code"), Rows.string(r, "escrow_id"),
                r.column("signed_amount").getLong(), r.column("balance_after").getLong(),
                Rows.string(r, "counterparty"), Rows.time(r, "created_at"))).toList();
    }

    /** Inserts the escrow row; false when one with this id exists already (a replay, or a reused id). */
    public boolean insertEscrow(DbExecute tx, String id, String payer, String payee, long amount, String currency,
                                UUID taskId, long expiresInSeconds) {
        return tx.namedQuery("insert-escrow", id, payer, payee, amount, currency, taskId, (double) expiresInSeconds)
                .findFirst().isPresent();
    }

    public Optional<EscrowRow> escrow(DbExecute exec, String id) {
        return exec.namedGet("select-escrow", id).map(LedgerStore::escrow);
    }

    public Optional<EscrowRow> lockEscrow(DbExecute tx, String id) {
        return tx.namedGet("lock-escrow", id).map(LedgerStore::escrow);
    }

    public void resolveEscrow(DbExecute tx, String id, String status, Long posted, Long fee, Long returned,
                              String resolvedBy, String reason) {
        tx.namedUpdate("resolve-escrow", status, posted, fee, returned, resolvedBy, reason, id);
    }

    public List<String> lockExpiredEscrows(DbExecute tx) {
        return tx.namedQuery("expired-escrows").map(r -> Rows.string(r, "escrow_id")).toList();
    }

    public List<DbRow> checkCurrencies() {
        return database.client().execute().namedQuery("check-currencies").toList();
    }

    public List<DbRow> checkAccounts() {
        return database.client().execute().namedQuery("check-accounts").toList();
    }

    public List<DbRow> checkEscrows() {
        return database.client().execute().namedQuery("check-escrows").toList();
    }

    public DbExecute db() {
        return database.client().execute();
    }

    private static EscrowRow escrow(DbRow r) {
        return new EscrowRow(Rows.string(r, "escrow_id"), Rows.string(r, "payer_id"), Rows.string(r, "payee_id"),
                r.column("amount").getLong(), Rows.string(r, "currency"), Rows.uuid(r, "task_id"),
                Rows.string(r, "status"), Rows.longOrNull(r, "posted_amount"), Rows.longOrNull(r, "fee"),
                Rows.longOrNull(r, "returned_amount"), Rows.string(r, "resolved_by"), Rows.string(r, "reason"),
                Rows.time(r, "expires_at"), Rows.time(r, "created_at"), Rows.time(r, "resolved_at"));
    }
}
