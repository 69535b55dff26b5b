package dev.ains.tasks.rest;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Roles;
import dev.ains.tasks.api.TasksInternalApi;
import dev.ains.tasks.api.model.AgentEventBatch;
import dev.ains.tasks.api.model.AuctionResultBatch;
import dev.ains.tasks.service.AgentEventIntake;
import dev.ains.tasks.service.AuctionResults;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

@ApplicationScoped
@Allow({Roles.SERVICE})
public class TasksInternalResource implements TasksInternalApi {
    @Inject
    AgentEventIntake intake;
    @Inject
    AuctionResults auctions;

    @Override
    public Response ingestAgentEvents(AgentEventBatch body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        intake.ingest(body.getEvents());
        return Response.noContent().build();
    }

    @Override
    public Response ingestAuctionResults(AuctionResultBatch body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        auctions.ingest(body.getResults());
        return Response.noContent().build();
    }
}
