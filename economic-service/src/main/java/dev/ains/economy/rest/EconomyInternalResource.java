package dev.ains.economy.rest;

import dev.ains.economy.api.EconomyInternalApi;
import dev.ains.economy.api.model.AuctionRequestBatch;
import dev.ains.economy.api.model.TaskSettlementBatch;
import dev.ains.economy.service.Auctions;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

@ApplicationScoped
@Allow({Roles.SERVICE})
public class EconomyInternalResource implements EconomyInternalApi {
    @Inject
    Auctions auctions;

    @Override
    public Response openAuctions(AuctionRequestBatch body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        auctions.open(body.getAuctions().stream().map(a -> new Auctions.AuctionIn(a.getTaskId(), a.getClientId(),
                a.getCapability(), a.getTaskType(), a.getBudget(), a.getCurrency(), a.getDeadlineSeconds(),
                a.getInvited() == null ? null : a.getInvited().stream()
                        .map(i -> new Auctions.Invite(i.getAgentId(), i.getTrustScore() == null ? 0 : i.getTrustScore()))
                        .toList())).toList());
        return Response.noContent().build();
    }

    @Override
    public Response settleTaskOutcomes(TaskSettlementBatch body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        auctions.settle(body.getOutcomes().stream().map(o -> new Auctions.Outcome(o.getTaskId(),
                o.getOutcome() == null ? null : o.getOutcome().toString(), o.getReason())).toList());
        return Response.noContent().build();
    }
}
