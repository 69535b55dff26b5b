package dev.ains.economy.client;

import java.util.List;

import dev.ains.economy.client.registry.model.Earning;
import dev.ains.economy.client.registry.model.EarningBatch;
import dev.ains.economy.service.Ledger;
import dev.ains.kit.json.Json;
import dev.ains.kit.outbox.OutboxEvent;
import dev.ains.kit.outbox.OutboxSink;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Settled payments to agents, for their reputation in the registry (earnings, badges, leaderboard). */
@ApplicationScoped
public class RegistrySink implements OutboxSink {
    @Inject
    RegistryGateway registry;

    @Override
    public String destination() {
        return Ledger.REGISTRY;
    }

    @Override
    public void deliver(List<OutboxEvent> events) {
        List<Earning> earnings = events.stream().map(e -> Json.readLenient(e.payload(), Earning.class)
                .eventId(e.eventId()).occurredAt(e.occurredAt())).toList();
        registry.earnings(new EarningBatch().events(earnings));
    }
}
