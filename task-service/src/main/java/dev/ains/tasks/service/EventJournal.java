package dev.ains.tasks.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.json.Json;
import dev.ains.kit.outbox.LocalOutboxSink;
import dev.ains.kit.outbox.OutboxEvent;
import dev.ains.tasks.client.EventSinks;
import dev.ains.tasks.store.EventStore;
import dev.ains.tasks.store.WebhookStore;
import io.helidon.dbclient.DbExecute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Takes subscribable events from the outbox into the journal and fans them out to matching webhooks, in
 * the relay's transaction: an event reaches the journal and each webhook's delivery queue exactly once,
 * however often the relay retries. After the commit it wakes the webhook sender and the live streams.
 */
@ApplicationScoped
public class EventJournal implements LocalOutboxSink {
    @Inject
    EventStore events;
    @Inject
    WebhookStore webhooks;
    @Inject
    WebhookSender sender;
    @Inject
    EventHub hub;

    @Override
    public String destination() {
        return EventSinks.EVENTS;
    }

    @Override
    public void deliver(DbExecute tx, List<OutboxEvent> batch) {
        List<Map<String, Object>> entries = new ArrayList<>(batch.size());
        for (OutboxEvent e : batch) {
            JsonNode data = Json.tree(e.payload());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("event_id", e.eventId());
            entry.put("event_type", e.eventType());
            entry.put("occurred_at", e.occurredAt());
            entry.put("task_id", text(data, "task_id"));
            entry.put("batch_id", text(data, "batch_id"));
            entry.put("agent_id", text(data, "agent_id"));
            entry.put("client_id", text(data, "created_by"));
            entry.put("body", body(e.eventId().toString(), e.eventType(), e.occurredAt(), data));
            entries.add(entry);
        }
        String json = Json.write(entries);
        events.lock(tx);
        events.append(tx, json);
        webhooks.fanOut(tx, json);
    }

    /** The Event as webhooks receive it and streams carry it; its bytes are what gets signed. */
    static String body(String eventId, String type, java.time.OffsetDateTime at, JsonNode data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event_id", eventId);
        body.put("type", type);
        body.put("timestamp", at);
        body.put("data", data);
        return Json.write(body);
    }

    @Override
    public void afterCommit() {
        sender.wake();
        hub.wake();
    }

    private static String text(JsonNode data, String field) {
        JsonNode v = data.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
