package dev.ains.kit.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.ains.kit.db.Database;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.json.Json;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbRow;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The service's audit log ({@code audit_log}, created by each service's migration, which also refuses every UPDATE,
 * DELETE and TRUNCATE of it). Entries are queued by {@link AuditFilter} as requests are answered and written in
 * batches, one statement per {@code ains.audit.flush-ms}, so that auditing costs the request no round trip; a full
 * queue (the database slow) makes the request write its own entry. What is queued when a process is killed outright
 * is lost: at most one flush interval.
 */
@ApplicationScoped
public class AuditLog {
    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
    private static final int BATCH = 1000;

    static final String INSERT = """
            INSERT INTO audit_log (at, actor, actor_roles, on_behalf_of, operation, method, path, ids, id_values, source,
                status)
            SELECT at, actor, actor_roles, on_behalf_of, operation, method, path, ids,
                coalesce((SELECT array_agg(v) FROM jsonb_each_text(ids) AS i(k, v)), '{}'), source, status
            FROM jsonb_to_recordset(?::jsonb) AS e(at timestamptz, actor text, actor_roles text[], on_behalf_of text,
                operation text, method text, path text, ids jsonb, source text, status int)""";
    static final String LIST = """
            SELECT id, at, actor, array_to_string(actor_roles, ',') AS roles, on_behalf_of, operation, method, path,
                ids::text AS ids_json, source, status
            FROM audit_log
            WHERE (?::text IS NULL OR actor = ?::text) AND (?::text IS NULL OR operation = ?::text)
              AND (?::text IS NULL OR id_values @> ARRAY[?::text])
              AND (?::timestamptz IS NULL OR at >= ?::timestamptz) AND (?::timestamptz IS NULL OR at < ?::timestamptz)
              AND (?::timestamptz IS NULL OR (at, id) < (?::timestamptz, ?::bigint))
            ORDER BY at DESC, id DESC LIMIT ?""";

    /** One audited request. */
    public record Entry(OffsetDateTime at, String actor, List<String> actorRoles, String onBehalfOf, String operation,
                        String method, String path, Map<String, String> ids, String source, int status) {
    }

    /** A stored entry, with its number. */
    public record Stored(long id, Entry entry) {
    }

    @Inject
    Database database;
    @Inject
    BackgroundJobs jobs;
    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry metrics;
    @Inject
    @ConfigProperty(name = "ains.audit.flush-ms", defaultValue = "200")
    long flushMs;
    @Inject
    @ConfigProperty(name = "ains.audit.queue-size", defaultValue = "100000")
    int queueSize;

    private BlockingQueue<Entry> queue;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        queue = new ArrayBlockingQueue<>(queueSize);
        metrics.gauge("ains_audit_queued", queue, q -> (double) q.size());
        jobs.every("audit-log", flushMs, this::flush);
    }

    /** Queues an entry; writes it at once when the queue is full. */
    public void append(Entry e) {
        metrics.counter("ains_audit_entries_total", new Tag("operation", e.operation())).inc();
        if (queue == null || !queue.offer(e)) {
            write(List.of(e));
        }
    }

    /** Writes what is queued, in batches. */
    public void flush() {
        if (queue == null) {
            return;
        }
        List<Entry> batch = new ArrayList<>();
        while (queue.drainTo(batch, BATCH) > 0) {
            try {
                write(batch);
            } catch (RuntimeException ex) {
                // put them back for the next flush: an audit entry is not dropped because the database blinked
                LOG.log(Level.WARNING, "audit entries could not be written; retried at the next flush", ex);
                metrics.counter("ains_audit_write_failures_total").inc();
                batch.forEach(queue::offer);
                return;
            }
            batch.clear();
        }
    }

    @PreDestroy
    void drain() {
        flush();
    }

    private void write(List<Entry> entries) {
        database.client().execute().dml(INSERT, Json.write(entries.stream().map(AuditLog::fields).toList()));
    }

    /** An entry's fields by their names in the table and in the API. */
    private static Map<String, Object> fields(Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", e.at());
        m.put("actor", e.actor());
        m.put("actor_roles", e.actorRoles());
        m.put("on_behalf_of", e.onBehalfOf());
        m.put("operation", e.operation());
        m.put("method", e.method());
        m.put("path", e.path());
        m.put("ids", e.ids());
        m.put("source", e.source());
        m.put("status", e.status());
        return m;
    }

    /** Newest first, filtered; {@code id} matches any id the request named. */
    public List<Stored> list(String actor, String operation, String id, OffsetDateTime from, OffsetDateTime to,
                             Cursor after, int limit) {
        flush(); // what this replica answered a moment ago is there
        OffsetDateTime afterAt = after == null ? null : after.at();
        Long afterId = after == null ? null : after.number();
        return database.client().execute().query(LIST, actor, actor, operation, operation, id, id, from, from,
                        to, to, afterAt, afterAt, afterId, limit)
                .map(AuditLog::stored).toList();
    }

    /**
     * A page as the API answers it ({@code AuditPage} in the service documents): the same for every service, so it
     * is built here once rather than mapped to each service's generated model.
     */
    public Map<String, Object> page(String actor, String operation, String id, OffsetDateTime from,
                                    OffsetDateTime to, Cursor after, int limit) {
        List<Stored> rows = list(actor, operation, id, from, to, after, limit);
        List<Map<String, Object>> items = new ArrayList<>(rows.size());
        for (Stored s : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("entry_id", s.id());
            fields(s.entry()).forEach((k, v) -> {
                if (v != null) {
                    m.put(k, v);
                }
            });
            items.add(m);
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", items);
        if (rows.size() == limit) {
            Stored last = rows.getLast();
            page.put("next_cursor", Cursor.after(last.entry().at(), last.id()).encode());
        }
        return page;
    }

    private static Stored stored(DbRow r) {
        String roles = Rows.string(r, "roles");
        @SuppressWarnings("unchecked")
        Map<String, String> ids = Json.read(Rows.string(r, "ids_json"), Map.class);
        return new Stored(r.column("id").getLong(), new Entry(Rows.time(r, "at"), Rows.string(r, "actor"),
                roles == null || roles.isEmpty() ? List.of() : List.of(roles.split(",")),
                Rows.string(r, "on_behalf_of"), Rows.string(r, "operation"), Rows.string(r, "method"),
                Rows.string(r, "path"), ids, Rows.string(r, "source"), r.column("status").getInt()));
    }

    static OffsetDateTime now() {
        return OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
    }
}
