package dev.ains.tasks.store;

import java.util.List;
import java.util.UUID;

import dev.ains.kit.db.Database;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The event journal behind the live streams, and the batch-completion sweep that feeds it. */
@ApplicationScoped
public class EventStore {
    @Inject
    Database database;

    /** A journal entry: its place ({@code seq}, the SSE id), who may see it, and the Event JSON. */
    public record Entry(long seq, String eventType, UUID taskId, UUID batchId, UUID agentId, String clientId,
                        String body) {
    }

    public record FinishedBatch(UUID batchId, String createdBy, int size) {
    }

    /** Appends entries (a JSON array) in order; the caller holds the journal lock (see {@link #lock}). */
    public void append(DbExecute tx, String entriesJson) {
        tx.namedInsert("insert-events", entriesJson);
    }

    /** Serialises journal writers until the transaction ends, so that seq order is commit order. */
    public void lock(DbExecute tx) {
        tx.namedQuery("lock-journal").toList();
    }

    public long maxSeq() {
        return database.client().execute().namedGet("max-event-seq").map(r -> r.column("seq").getLong()).orElse(0L);
    }

    public List<Entry> after(long seq, int limit) {
        return database.client().execute().namedQuery("events-after", seq, limit).map(EventStore::entry).toList();
    }

    /** Entries in (from, to] that a stream with these filters may see (nulls filter nothing). */
    public List<Entry> replay(long from, long to, String clientId, UUID agentId, UUID taskId, UUID batchId,
                              int limit) {
        return database.client().execute().namedQuery("replay-events", from, to, clientId, clientId, agentId,
                agentId, taskId, taskId, batchId, batchId, limit).map(EventStore::entry).toList();
    }

    public long prune(int hours) {
        return database.client().execute().namedDelete("prune-events", hours);
    }

    public List<FinishedBatch> completeBatches(DbExecute tx) {
        return tx.namedQuery("complete-batches").map(r -> new FinishedBatch(Rows.uuid(r, "batch_id"),
                Rows.string(r, "created_by"), r.column("size").getInt())).toList();
    }

    private static Entry entry(DbRow r) {
        return new Entry(r.column("seq").getLong(), Rows.string(r, "event_type"), Rows.uuid(r, "task_id"),
                Rows.uuid(r, "batch_id"), Rows.uuid(r, "agent_id"), Rows.string(r, "client_id"),
                Rows.string(r, "body"));
    }
}
