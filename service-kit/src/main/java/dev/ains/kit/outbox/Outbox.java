package dev.ains.kit.outbox;

import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.ains.kit.json.Json;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * The transactional outbox: an event is written in the same transaction as the state change it
 * describes, one row per destination, and the {@link OutboxRelay} delivers it later. The table is
 * created by each service's own migration; this is the kit's SQL for it.
 *
 * <p>Inside {@link dev.ains.kit.db.Database#inTransaction} the events a transaction adds are held in
 * memory and written with one statement just before its commit (a completion's three events cost one
 * round trip, not three); a rolled-back transaction writes none, and a committed one wakes the relay's
 * workers for exactly the destinations it wrote. Outside one they are written at once, and the relay finds
 * them at its next poll (or when woken).
 */
public final class Outbox {
    /** Each element: {"id", "type", "at", "to": [destinations], "data"}; one row per destination, in order. */
    static final String INSERT = """
            INSERT INTO outbox (event_id, destination, event_type, occurred_at, payload)
            SELECT (e->>'id')::uuid, d, e->>'type', (e->>'at')::timestamptz, e->'data'
            FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS x(e, n)
            CROSS JOIN LATERAL jsonb_array_elements_text(e->'to') AS d
            ORDER BY n""";
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

    /** Events added by open transactions of {@code Database.inTransaction}, written at their commit. */
    private static final Map<DbExecute, List<Map<String, Object>>> PENDING = new ConcurrentHashMap<>();

    private Outbox() {
    }

    /** Adds an event for each destination inside the caller's transaction. */
    public static UUID add(DbExecute tx, Collection<String> destinations, String eventType, Object data) {
        UUID eventId = UUID.randomUUID();
        add(tx, destinations, eventId, eventType, OffsetDateTime.now(ZoneOffset.UTC), data);
        return eventId;
    }

    /** Adds an event that already has an id and a time (one relayed from another service). */
    public static void add(DbExecute tx, Collection<String> destinations, UUID eventId, String eventType,
                           OffsetDateTime occurredAt, Object data) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", eventId);
        e.put("type", eventType);
        e.put("at", occurredAt);
        e.put("to", destinations);
        e.put("data", data);
        List<Map<String, Object>> pending = PENDING.get(tx);
        if (pending != null) {
            pending.add(e);
        } else {
            tx.dml(INSERT, Json.write(List.of(e)));
        }
    }

    /** Many events of one type, each to every destination (one event id each). */
    public static void addAll(DbExecute tx, Collection<String> destinations, String eventType, List<?> payloads) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (Object data : payloads) {
            add(tx, destinations, UUID.randomUUID(), eventType, now, data);
        }
    }

    /** A transaction begins: hold its events until {@link #flush}. */
    public static void begin(DbExecute tx) {
        PENDING.put(tx, new ArrayList<>());
    }

    /** The transaction is about to commit: write what it added, with one statement; answers the destinations. */
    @SuppressWarnings("unchecked")
    public static Set<String> flush(DbExecute tx) {
        List<Map<String, Object>> pending = PENDING.remove(tx);
        if (pending == null || pending.isEmpty()) {
            return Set.of();
        }
        tx.dml(INSERT, Json.write(pending));
        Set<String> destinations = new HashSet<>();
        pending.forEach(e -> destinations.addAll((Collection<String>) e.get("to")));
        return destinations;
    }

    /** The transaction rolls back: its events go with it. */
    public static void discard(DbExecute tx) {
        PENDING.remove(tx);
    }

    /**
     * The outbox is nearly empty whenever autoanalyze looks at it, so the planner believes a destination has
     * a row or two and reads all its rows with a bitmap scan, then sorts them. With a backlog that is the
     * whole backlog on every pass: 2.9 ms per claim with 7,000 rows waiting for the registry, where walking
     * an index in id order to the first 200 took 0.9 ms (EXPLAIN ANALYZE, PostgreSQL 15). So for this one
     * query the plans that read everything are ruled out, and allowed again for the rest of the transaction
     * (the sinks' own statements).
     */
    private static final String PLANS = "SELECT set_config('enable_bitmapscan', ?, true),"
            + " set_config('enable_seqscan', ?, true), set_config('enable_sort', ?, true)";

    static List<OutboxEvent> claim(DbExecute tx, String destination, int limit) {
        tx.query(PLANS, "off", "off", "off").count();
        List<OutboxEvent> events = tx.query(CLAIM, destination, limit).map(Outbox::event).toList();
        tx.query(PLANS, "on", "on", "on").count();
        return events;
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
