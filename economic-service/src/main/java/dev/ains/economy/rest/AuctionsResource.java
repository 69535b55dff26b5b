package dev.ains.economy.rest;

import java.util.List;
import java.util.UUID;

import dev.ains.economy.api.AuctionsApi;
import dev.ains.economy.api.model.Auction;
import dev.ains.economy.api.model.AuctionPage;
import dev.ains.economy.api.model.AuctionStatus;
import dev.ains.economy.api.model.Bid;
import dev.ains.economy.api.model.BidRequest;
import dev.ains.economy.service.Auctions;
import dev.ains.economy.store.AuctionStore.AuctionRow;
import dev.ains.economy.store.AuctionStore.BidRow;
import dev.ains.kit.error.ApiProblem;
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
@Allow({Roles.CLIENT, Roles.AGENT})
public class AuctionsResource implements AuctionsApi {
    @Inject
    Auctions auctions;
    @Context
    SecurityContext security;

    @Override
    public Response listAuctions(AuctionStatus status, Integer limit, String cursor) {
        int l = Cursor.limit(limit);
        List<AuctionRow> rows = auctions.list(Caller.of(security), status == null ? null : status.toString(),
                Cursor.decode(cursor), l + 1);
        var page = Page.of(rows, l, a -> auction(a, null), a -> Cursor.after(a.createdAt(), a.auctionId()));
        return Response.ok(new AuctionPage().items(page.items()).nextCursor(page.nextCursor())).build();
    }

    @Override
    public Response getAuction(UUID auctionId) {
        var v = auctions.get(Caller.of(security), auctionId);
        return Response.ok(auction(v.auction(), v.bids())).build();
    }

    @Override
    public Response placeBid(UUID auctionId, BidRequest body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        return Response.ok(bid(auctions.bid(Caller.of(security), auctionId, body.getPrice(), body.getEtaSeconds(),
                body.getConfidence(), body.getDecline()))).build();
    }

    @Override
    public Response awardAuction(UUID auctionId) {
        var v = auctions.award(Caller.of(security), auctionId);
        return Response.ok(auction(v.auction(), v.bids())).build();
    }

    static Auction auction(AuctionRow a, List<BidRow> bids) {
        return new Auction().auctionId(a.auctionId()).taskId(a.auctionId()).clientId(a.clientId())
                .capability(a.capability()).taskType(a.taskType()).budget(a.budget()).currency(a.currency())
                .status(AuctionStatus.fromValue(a.status())).deadline(a.deadline()).invitedCount(a.invitedCount())
                .winnerAgentId(a.winnerAgentId()).price(a.price()).escrowId(a.escrowId())
                .outcomeReason(a.outcomeReason()).createdAt(a.createdAt()).awardedAt(a.awardedAt())
                .bids(bids == null ? null : bids.stream().map(AuctionsResource::bid).toList());
    }

    private static Bid bid(BidRow b) {
        return new Bid().agentId(b.agentId()).price(b.price()).etaSeconds(b.etaSeconds()).confidence(b.confidence())
                .declined(b.declined()).trustScore(b.trustScore()).score(b.score())
                .excludedReason(b.excludedReason()).updatedAt(b.updatedAt());
    }
}
