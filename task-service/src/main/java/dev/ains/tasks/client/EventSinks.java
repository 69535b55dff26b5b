package dev.ains.tasks.client;

import java.util.List;

import dev.ains.kit.json.Json;
import dev.ains.kit.outbox.OutboxEvent;
import dev.ains.kit.outbox.OutboxSink;
import dev.ains.tasks.client.analytics.model.EventBatch;
import dev.ains.tasks.client.economy.model.AuctionRequest;
import dev.ains.tasks.client.economy.model.AuctionRequestBatch;
import dev.ains.tasks.client.economy.model.InvitedAgent;
import dev.ains.tasks.client.economy.model.TaskSettlement;
import dev.ains.tasks.client.economy.model.TaskSettlementBatch;
import dev.ains.tasks.client.analytics.model.TaskEvent;
import dev.ains.tasks.client.registry.model.OutcomeBatch;
import dev.ains.tasks.client.registry.model.TaskOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Where task-service's outbox goes: outcomes to the registry (trust), every task event to analytics (which
 * ignores fields meant for webhook subscribers, such as the result), and subscribable events to the journal.
 */
public final class EventSinks {
    public static final String REGISTRY = "registry";
    public static final String ANALYTICS = "analytics";
    /** The event journal (webhooks and live streams), written in-process by {@code EventJournal}. */
    public static final String EVENTS = "events";
    /** economic-service: auction requests and the final outcomes that settle auctioned tasks. */
    public static final String ECONOMY = "economy";

    private EventSinks() {
    }

    @ApplicationScoped
    public static class RegistrySink implements OutboxSink {
        @Inject
        RegistryGateway registry;

        @Override
        public String destination() {
            return REGISTRY;
        }

        @Override
        public void deliver(List<OutboxEvent> events) {
            List<TaskOutcome> outcomes = events.stream()
                    .map(e -> Json.read(e.payload(), TaskOutcome.class).eventId(e.eventId()).occurredAt(e.occurredAt()))
                    .toList();
            registry.recordOutcomes(new OutcomeBatch().events(outcomes));
        }
    }

    @ApplicationScoped
    public static class AnalyticsSink implements OutboxSink {
        @Inject
        AnalyticsGateway analytics;

        @Override
        public String destination() {
            return ANALYTICS;
        }

        @Override
        public void deliver(List<OutboxEvent> events) {
            List<TaskEvent> batch = events.stream()
                    .map(e -> Json.readLenient(e.payload(), TaskEvent.class).eventId(e.eventId()).eventType(e.eventType())
                            .occurredAt(e.occurredAt()))
                    .toList();
            analytics.ingest(new EventBatch().events(batch));
        }
    }

    /**
     * Auction requests (with the online agents holding the capability as invitees, asked of the registry
     * now) and the final outcomes of auctioned tasks, to economic-service. Requests go first, so that a
     * task cancelled while its auction opens closes it.
     */
    @ApplicationScoped
    public static class EconomySink implements OutboxSink {
        @Inject
        EconomyGateway economy;
        @Inject
        RegistryGateway registry;

        @Override
        public String destination() {
            return ECONOMY;
        }

        @Override
        public void deliver(List<OutboxEvent> events) {
            List<AuctionRequest> auctions = new java.util.ArrayList<>();
            List<TaskSettlement> outcomes = new java.util.ArrayList<>();
            for (OutboxEvent e : events) {
                if ("auction.requested".equals(e.eventType())) {
                    AuctionRequest a = Json.readLenient(e.payload(), AuctionRequest.class);
                    double minTrust = Json.tree(e.payload()).path("min_trust").asDouble(0);
                    a.invited(registry.candidates(a.getCapability(), minTrust).stream()
                            .map(c -> new InvitedAgent().agentId(c.getAgentId()).trustScore(c.getTrustScore()))
                            .toList());
                    auctions.add(a);
                } else {
                    outcomes.add(Json.readLenient(e.payload(), TaskSettlement.class));
                }
            }
            if (!auctions.isEmpty()) {
                economy.openAuctions(new AuctionRequestBatch().auctions(auctions));
            }
            if (!outcomes.isEmpty()) {
                economy.settle(new TaskSettlementBatch().outcomes(outcomes));
            }
        }
    }
}
