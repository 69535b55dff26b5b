package dev.ains.analytics.store;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.ains.kit.db.Database;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbExecute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** analytics-service's data access; the statements themselves are in {@code db/statements.yaml}. */
@ApplicationScoped
public class AnalyticsStore {
    @Inject
    Database database;

    public record Event(UUID eventId, String eventType, UUID taskId, String taskType, String capability,
                        Integer priority, String status, UUID agentId, Integer attempt, Long executionMs,
                        String error, String createdBy, OffsetDateTime taskCreatedAt, OffsetDateTime occurredAt) {
    }

    /** False when the event was stored before. */
    public boolean insertEvent(DbExecute tx, Event e) {
        return tx.namedInsert("insert-event", e.eventId(), e.eventType(), e.taskId(), e.taskType(), e.capability(),
                e.priority(), e.status(), e.agentId(), e.attempt(), e.executionMs(), e.error(), e.createdBy(),
                Rows.ts(e.taskCreatedAt()), Rows.ts(e.occurredAt())) == 1;
    }

    public void upsertFact(DbExecute tx, Event e, int failedAttempts, OffsetDateTime completedAt) {
        tx.namedInsert("upsert-fact", e.taskId(), e.taskType(), e.capability(), e.createdBy(),
                Rows.ts(e.taskCreatedAt()), e.status(), Rows.ts(e.occurredAt()), e.agentId(),
                e.attempt() == null ? 0 : e.attempt(), failedAttempts,
                "task.completed".equals(e.eventType()) ? e.executionMs() : null, Rows.ts(completedAt));
    }

    public record Figures(Map<String, Long> byStatus, Double avgExecutionMs, long failedAttempts, long retries) {
    }

    public Figures summary(OffsetDateTime from, OffsetDateTime to, String creator) {
        DbExecute db = database.client().execute();
        Map<String, Long> byStatus = new LinkedHashMap<>();
        db.namedQuery("summary-by-status", Rows.ts(from), Rows.ts(to), creator, creator)
                .forEach(r -> byStatus.put(Rows.string(r, "status"), r.column("n").getLong()));
        var row = db.namedGet("summary-figures", Rows.ts(from), Rows.ts(to), creator, creator).orElseThrow();
        Object avg = Rows.raw(row, "avg_ms");
        return new Figures(byStatus, avg == null ? null : ((Number) avg).doubleValue(),
                ((Number) row.column("failed_attempts").get()).longValue(),
                ((Number) row.column("retries").get()).longValue());
    }
}
