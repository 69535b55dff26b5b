package dev.ains.economy.client;

import java.util.List;

import dev.ains.economy.client.tasks.model.AuctionResult;
import dev.ains.economy.client.tasks.model.AuctionResultBatch;
import dev.ains.economy.service.Auctions;
import dev.ains.kit.json.Json;
import dev.ains.kit.outbox.OutboxEvent;
import dev.ains.kit.outbox.OutboxSink;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Auction results to task-service, which assigns, routes or fails the task. */
@ApplicationScoped
public class TaskServiceSink implements OutboxSink {
    @Inject
    TaskServiceGateway tasks;

    @Override
    public String destination() {
        return Auctions.TASKS;
    }

    @Override
    public void deliver(List<OutboxEvent> events) {
        List<AuctionResult> results = events.stream().map(e -> Json.readLenient(e.payload(), AuctionResult.class))
                .toList();
        tasks.auctionResults(new AuctionResultBatch().results(results));
    }
}
