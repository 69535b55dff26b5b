package dev.ains.kit.outbox;

import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import dev.ains.kit.json.Json;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * The transactional outbox: an event is written in the same transaction as the state change it
 * describes, one row per destination, and the {@link OutboxRelay} delivers it later. The table is
 * created by each service's own migration; this is the kit's SQL for it.
 */
public final class Outbox {
    static final String INSERT = """
            INSERT INTO outbox (event_id, destination, event_type, occurred_at, payload)
            SELECT ?, d, ?, ?, ?::jsonb FROM unnest(string_to_array(?, ',')) AS d""";
    static final String INSERT_MANY = """
            INSERT INTO outbox (event_id, destination, event_type, occurred_at, payload)
            SELECT x.id, d, ?, now(), x.e
            FROM (SELECT gen_random_uuid() AS id, e FROM jsonb_array_elements(?::jsonb) AS e) AS x
            CROSS JOIN unnest(string_to_array(?, ',')) AS d""";
    static final String CLAIM = """
            SELECT id, event_id, destination, event_type, occurred_at, payload::text AS payload, attempts
            FROM outbox WHERE destination = ? AND next_attempt_at <= now()
            ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""";
    static final String DELETE = "DELETE FROM outbox WHERE id = ANY(string_to_array(?, ',')::bigint[])";
    static final String POSTPONE = """
            UPDATE outbox SET attempts = attempts + 1, last_error = ?,
                next_attempt_at = now() + make_interval(secs => ?)
            WHERE id = ANY(string_to_array(?, ',')::bigint[])""";
    static final String BACKLOG = "SELECT count(*) AS n, min(created_at) AS oldest FROM outbox";

    private Outbox() {
    }

    /** Adds an event for each destination inside the caller's transaction. */
    public static UUID add(DbExecute tx, Collection<String> destinations, String eventType, Object data) {
        UUID eventId = UUID.randomUUID();
        tx.dml(INSERT, eventId, eventType, Timestamp.from(java.time.Instant.now()), Json.write(data),
                String.join(",", destinations));
        return eventId;
    }

    /** Adds an event that already has an id and a time (one relayed from another service). */
    public static void add(DbExecute tx, Collection<String> destinations, UUID eventId, String eventType,
                           OffsetDateTime occurredAt, Object data) {
        tx.dml(INSERT, eventId, eventType, Timestamp.from(occurredAt.toInstant()), Json.write(data),
                String.join(",", destinations));
    }

    /** Many events of one type, each to every destination (one event id each), with one statement. */
    public static void addAll(DbExecute tx, Collection<String> destinations, String eventType, List<?> payloads) {
        if (!payloads.isEmpty()) {
            tx.dml(INSERT_MANY, eventType, Json.write(payloads), String.join(",", destinations));
        }
    }

    static List<OutboxEvent> claim(DbExecute tx, String destination, int limit) {
        return tx.query(CLAIM, destination, limit).map(Outbox::event).toList();
    }

    private static OutboxEvent event(DbRow row) {
        Timestamp ts = row.column("occurred_at").get(Timestamp.class);
        return new OutboxEvent(row.column("id").getLong(), row.column("event_id").get(UUID.class),
                row.column("destination").getString(), row.column("event_type").getString(),
                OffsetDateTime.ofInstant(ts.toInstant(), ZoneOffset.UTC), row.column("payload").getString(),
                row.column("attempts").getInt());
    }

    static String ids(List<OutboxEvent> events) {
        return String.join(",", events.stream().map(e -> String.valueOf(e.id())).toList());
    }
}
