package dev.ains.kit.outbox;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One event on its way to one destination; {@code payload} is the event's JSON data. */
public record OutboxEvent(long id, UUID eventId, String destination, String eventType,
                          OffsetDateTime occurredAt, String payload, int attempts) {
}
