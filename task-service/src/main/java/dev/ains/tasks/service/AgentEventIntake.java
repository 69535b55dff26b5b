package dev.ains.tasks.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ains.kit.db.Database;
import dev.ains.kit.error.Check;
import dev.ains.kit.outbox.Outbox;
import dev.ains.tasks.api.model.AgentEvent;
import dev.ains.tasks.client.EventSinks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Events about agents from other services — agent.offline from the registry, auction.invited from
 * economic-service — taken into the event journal so that the agent's webhooks and stream (and, for
 * agent.offline, its owner's) hear of them. Idempotent: the journal and the
 * delivery queue keep one copy per event id, however often the registry sends it.
 */
@ApplicationScoped
public class AgentEventIntake {
    static final Set<String> TYPES = Set.of("agent.offline", "auction.invited");

    @Inject
    Database database;

    public void ingest(List<AgentEvent> events) {
        Check check = Check.of().required("events", events);
        if (events != null) {
            check.that(events.size() <= 1000, "events", "at most 1000 per request");
            for (int i = 0; i < events.size(); i++) {
                AgentEvent e = events.get(i);
                String f = "events[" + i + "]";
                check.required(f + ".event_id", e.getEventId()).required(f + ".agent_id", e.getAgentId())
                        .required(f + ".occurred_at", e.getOccurredAt())
                        .that(TYPES.contains(e.getEventType()), f + ".event_type", "must be one of " + TYPES);
            }
        }
        check.orThrow();
        database.inTransactionRun(tx -> {
            for (AgentEvent e : events) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("agent_id", e.getAgentId());
                if ("agent.offline".equals(e.getEventType())) {
                    data.put("status", e.getStatus() == null ? "OFFLINE" : e.getStatus());
                }
                if (e.getReason() != null) {
                    data.put("reason", e.getReason());
                }
                if (e.getTaskId() != null) {
                    data.put("task_id", e.getTaskId());
                    data.put("auction_id", e.getTaskId());
                }
                if (e.getBudget() != null) {
                    data.put("budget", e.getBudget());
                    data.put("currency", e.getCurrency());
                    data.put("deadline", e.getDeadline());
                }
                if (e.getOwnerClientId() != null) {
                    data.put("created_by", e.getOwnerClientId()); // routes it to the owner's webhooks and streams
                }
                Outbox.add(tx, List.of(EventSinks.EVENTS), e.getEventId(), e.getEventType(), e.getOccurredAt(), data);
            }
        });
    }
}
