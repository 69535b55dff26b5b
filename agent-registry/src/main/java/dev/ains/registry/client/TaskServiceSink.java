package dev.ains.registry.client;

import java.util.List;

import dev.ains.kit.json.Json;
import dev.ains.kit.outbox.OutboxEvent;
import dev.ains.kit.outbox.OutboxSink;
import dev.ains.registry.client.tasks.model.AgentEvent;
import dev.ains.registry.client.tasks.model.AgentEventBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Agent status events to task-service, which passes them on to webhooks and event streams. */
@ApplicationScoped
public class TaskServiceSink implements OutboxSink {
    public static final String TASKS = "tasks";

    @Inject
    TaskServiceGateway tasks;

    @Override
    public String destination() {
        return TASKS;
    }

    @Override
    public void deliver(List<OutboxEvent> events) {
        List<AgentEvent> batch = events.stream()
                .map(e -> Json.readLenient(e.payload(), AgentEvent.class).eventId(e.eventId()).eventType(e.eventType())
                        .occurredAt(e.occurredAt()))
                .toList();
        tasks.agentEvents(new AgentEventBatch().events(batch));
    }
}
