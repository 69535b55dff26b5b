package dev.ains.economy.rest;

import java.util.List;

import dev.ains.economy.api.AccountsApi;
import dev.ains.economy.api.model.Account;
import dev.ains.economy.api.model.StatementEntry;
import dev.ains.economy.api.model.StatementPage;
import dev.ains.economy.service.Ledger;
import dev.ains.economy.store.LedgerStore;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow(Roles.CLIENT)
public class AccountsResource implements AccountsApi {
    @Inject
    Ledger ledger;
    @Context
    SecurityContext security;

    @Override
    public Response getAccount(String ownerId, String currency) {
        var b = ledger.balance(Caller.of(security), ownerId, currency);
        return Response.ok(new Account().ownerId(b.ownerId()).currency(b.currency()).available(b.available())
                .pending(b.held()).updatedAt(b.updatedAt())).build();
    }

    @Override
    public Response getStatement(String ownerId, String currency, Integer limit, String cursor) {
        int l = Cursor.limit(limit);
        Cursor after = Cursor.decode(cursor);
        List<LedgerStore.Entry> rows = ledger.statement(Caller.of(security), ownerId, currency,
                after == null ? null : after.number(), l + 1);
        var page = Page.of(rows, l, e -> new StatementEntry().transferId(e.transferId()).amount(e.amount())
                .balanceAfter(e.balanceAfter()).counterpartyId(e.counterparty()).code(e.code()).escrowId(e.escrowId())
                .createdAt(e.createdAt()), e -> Cursor.after(e.createdAt(), e.seq()));
        return Response.ok(new StatementPage().items(page.items()).nextCursor(page.nextCursor())).build();
    }
}
