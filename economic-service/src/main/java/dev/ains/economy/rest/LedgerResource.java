package dev.ains.economy.rest;

import java.net.URI;
import java.util.List;

import dev.ains.economy.api.LedgerApi;
import dev.ains.economy.api.model.DepositRequest;
import dev.ains.economy.api.model.Escrow;
import dev.ains.economy.api.model.EscrowRefund;
import dev.ains.economy.api.model.EscrowRequest;
import dev.ains.economy.api.model.EscrowSettlement;
import dev.ains.economy.api.model.LedgerCheck;
import dev.ains.economy.api.model.LedgerCheckCurrenciesInner;
import dev.ains.economy.api.model.Transfer;
import dev.ains.economy.service.Ledger;
import dev.ains.economy.store.LedgerStore.EscrowRow;
import dev.ains.economy.store.LedgerStore.TransferRow;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Rows;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow(Roles.CLIENT)
public class LedgerResource implements LedgerApi {
    @Inject
    Ledger ledger;
    @Context
    SecurityContext security;

    @Override
    public Response createDeposit(DepositRequest body) {
        require(body);
        var out = ledger.deposit(Caller.of(security), body.getDepositId(), body.getOwnerId(), body.getAmount(),
                body.getCurrency());
        return out.created()
                ? Response.created(URI.create("/economy/accounts/" + body.getOwnerId())).entity(transfer(out.value()))
                        .build()
                : Response.ok(transfer(out.value())).build();
    }

    @Override
    public Response openEscrow(EscrowRequest body) {
        require(body);
        var out = ledger.open(Caller.of(security), body.getEscrowId(), body.getPayerId(), body.getPayeeId(),
                body.getAmount(), body.getCurrency(), body.getTaskId(), body.getExpiresInSeconds());
        return out.created()
                ? Response.created(URI.create("/economy/escrows/" + body.getEscrowId())).entity(escrow(out.value()))
                        .build()
                : Response.ok(escrow(out.value())).build();
    }

    @Override
    public Response getEscrow(String escrowId) {
        return Response.ok(escrow(ledger.get(Caller.of(security), escrowId))).build();
    }

    @Override
    public Response settleEscrow(String escrowId, EscrowSettlement body) {
        require(body);
        return Response.ok(escrow(ledger.settle(Caller.of(security), escrowId, body.getSettlementId(),
                body.getAmount()))).build();
    }

    @Override
    public Response refundEscrow(String escrowId, EscrowRefund body) {
        require(body);
        return Response.ok(escrow(ledger.refund(Caller.of(security), escrowId, body.getRefundId(),
                body.getReason()))).build();
    }

    @Override
    public Response checkLedger() {
        var r = ledger.check(Caller.of(security));
        List<LedgerCheckCurrenciesInner> currencies = r.currencies().stream().map(c -> new LedgerCheckCurrenciesInner()
                .currency(Rows.string(c, "currency")).accounts(c.column("accounts").getLong())
                .transfers(c.column("transfers").getLong()).totalDebits(c.column("total_debits").getLong())
                .totalCredits(c.column("total_credits").getLong()).balanceSum(c.column("balance_sum").getLong())).toList();
        return Response.ok(new LedgerCheck().ok(r.ok()).checkedAt(java.time.OffsetDateTime.now())
                .currencies(currencies).problems(r.problems())).build();
    }

    private static void require(Object body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
    }

    private static Transfer transfer(TransferRow t) {
        return new Transfer().transferId(t.transferId()).debitOwnerId(t.debitOwner()).creditOwnerId(t.creditOwner())
                .amount(t.amount()).currency(t.currency()).code(t.code()).escrowId(t.escrowId())
                .createdAt(t.createdAt());
    }

    private static Escrow escrow(EscrowRow e) {
        return new Escrow().escrowId(e.escrowId()).payerId(e.payerId()).payeeId(e.payeeId()).amount(e.amount())
                .currency(e.currency()).taskId(e.taskId()).status(Escrow.StatusEnum.fromValue(e.status()))
                .postedAmount(e.postedAmount()).fee(e.fee()).returnedAmount(e.returnedAmount())
                .resolvedBy(e.resolvedBy()).reason(e.reason()).expiresAt(e.expiresAt()).createdAt(e.createdAt())
                .resolvedAt(e.resolvedAt());
    }
}
