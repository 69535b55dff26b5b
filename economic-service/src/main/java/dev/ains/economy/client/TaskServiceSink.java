package dev.ains.economy.client;

import java.util.List;

import dev.ains.economy.client.tasks.model.AgentEvent;
import dev.ains.economy.client.tasks.model.AgentEventBatch;
import dev.ains.economy.client.tasks.model.AuctionResult;
import dev.ains.economy.client.tasks.model.AuctionResultBatch;
import dev.ains.economy.service.Auctions;
import dev.ains.kit.json.Json;
import dev.ains.kit.outbox.OutboxEvent;
import dev.ains.kit.outbox.OutboxSink;
import io.helidon.dbclient.DbExecute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * To task-service: invitations (onto each invitee's event stream) and auction results (which assign,
 * route or fail the task).
 */
@ApplicationScoped
public class TaskServiceSink implements OutboxSink {
    @Inject
    TaskServiceGateway tasks;
    @Inject
    Auctions auctions;

    @Override
    public String destination() {
        return Auctions.TASKS;
    }

    @Override
    public List<OutboxEvent> beforeDelivery(DbExecute tx, List<OutboxEvent> events) {
        return auctions.invitationsLeaving(tx, events);
    }

    @Override
    public void deliver(List<OutboxEvent> events) {
        List<AgentEvent> invitations = events.stream().filter(e -> Auctions.INVITED.equals(e.eventType()))
                .map(e -> Json.readLenient(e.payload(), AgentEvent.class).eventId(e.eventId())
                        .eventType(e.eventType()).occurredAt(e.occurredAt()))
                .toList();
        List<AuctionResult> results = events.stream().filter(e -> !Auctions.INVITED.equals(e.eventType()))
                .map(e -> Json.readLenient(e.payload(), AuctionResult.class)).toList();
        if (!invitations.isEmpty()) {
            tasks.agentEvents(new AgentEventBatch().events(invitations));
        }
        if (!results.isEmpty()) {
            tasks.auctionResults(new AuctionResultBatch().results(results));
        }
    }
}
