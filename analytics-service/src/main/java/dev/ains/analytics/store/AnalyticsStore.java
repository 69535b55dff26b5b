package dev.ains.analytics.store;

import java.time.OffsetDateTime;
import dev.ains.kit.json.Json;
import java.util.Set;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ains.kit.db.Database;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** analytics-service's data access; the statements themselves are in {@code db/statements.yaml}. */
@ApplicationScoped
public class AnalyticsStore {
    @Inject
    Database database;

    public record Event(UUID eventId, String eventType, UUID taskId, String taskType, String capability,
                        Integer priority, String status, UUID agentId, Integer attempt, Long executionMs,
                        String error, String createdBy, OffsetDateTime taskCreatedAt, OffsetDateTime occurredAt,
                        Long cost, String currency) {
    }

    /** Stores a batch of events, each once; answers the ids stored now (a redelivered event is not). */
    public Set<UUID> insertEvents(DbExecute tx, List<Event> events) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Event e : events) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("event_id", e.eventId());
            r.put("event_type", e.eventType());
            r.put("task_id", e.taskId());
            r.put("task_type", e.taskType());
            r.put("capability", e.capability());
            r.put("priority", e.priority());
            r.put("status", e.status());
            r.put("agent_id", e.agentId());
            r.put("attempt", e.attempt());
            r.put("execution_ms", e.executionMs());
            r.put("error", e.error());
            r.put("created_by", e.createdBy());
            r.put("task_created_at", e.taskCreatedAt());
            r.put("occurred_at", e.occurredAt());
            r.put("cost", e.cost());
            r.put("currency", e.currency());
            rows.add(r);
        }
        Set<UUID> stored = new HashSet<>();
        tx.namedQuery("insert-events", Json.write(rows)).forEach(r -> stored.add(Rows.uuid(r, "event_id")));
        return stored;
    }

    /** Holds the intake lock until the transaction ends (see lock-intake). */
    public void lockIntake(DbExecute tx) {
        tx.namedQuery("lock-intake").forEach(r -> { });
    }

    /** What one event brings to its task's fact (see upsert-facts). */
    public record FactChange(Event event, int failedAttempts, OffsetDateTime completedAt) {
    }

    /**
     * Merges the events, in order, into their tasks' fact rows (one write per task) and moves the tasks'
     * contributions in the rollup, with one statement.
     */
    public void upsertFacts(DbExecute tx, List<FactChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            Event e = changes.get(i).event();
            boolean completed = "task.completed".equals(e.eventType());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("n", i);
            r.put("task_id", e.taskId());
            r.put("task_type", e.taskType());
            r.put("capability", e.capability());
            r.put("created_by", e.createdBy());
            r.put("created_at", e.taskCreatedAt());
            r.put("status", e.status());
            r.put("status_at", e.occurredAt());
            r.put("agent_id", e.agentId());
            r.put("attempts", e.attempt() == null ? 0 : e.attempt());
            r.put("failed_attempts", changes.get(i).failedAttempts());
            r.put("execution_ms", completed ? e.executionMs() : null);
            r.put("completed_at", changes.get(i).completedAt());
            r.put("cost", completed ? e.cost() : null);
            r.put("currency", e.currency());
            r.put("first_assigned_at", "task.assigned".equals(e.eventType()) ? e.occurredAt() : null);
            rows.add(r);
        }
        tx.namedInsert("upsert-facts", Json.write(rows));
    }

    public record Figures(Map<String, Long> byStatus, Double avgExecutionMs, long failedAttempts, long retries) {
    }

    public Figures summary(OffsetDateTime from, OffsetDateTime to, String creator) {
        DbExecute db = database.client().execute();
        Map<String, Long> byStatus = new LinkedHashMap<>();
        db.namedQuery("summary-by-status", Rows.ts(from), Rows.ts(to), creator)
                .forEach(r -> byStatus.put(Rows.string(r, "status"), r.column("n").getLong()));
        var row = db.namedGet("summary-figures", Rows.ts(from), Rows.ts(to), creator).orElseThrow();
        Object avg = Rows.raw(row, "avg_ms");
        return new Figures(byStatus, avg == null ? null : ((Number) avg).doubleValue(),
                ((Number) row.column("failed_attempts").get()).longValue(),
                ((Number) row.column("retries").get()).longValue());
    }

    /** One bucket of the execution-time histogram: tasks in it and the sum of their times. */
    public record Bucket(UUID agentId, int bucket, long tasks, long msSum) {
    }

    public List<Bucket> histogram(OffsetDateTime from, OffsetDateTime to, String creator) {
        return database.client().execute().namedQuery("exec-histogram", Rows.ts(from), Rows.ts(to), creator)
                .map(r -> new Bucket(Rows.uuid(r, "agent_id"), r.column("exec_bucket").getInt(),
                        r.column("n").getLong(), r.column("ms").getLong())).toList();
    }

    /** Cost by currency and the top agents of the summary's tasks. */
    public record Extra(Map<String, Long> cost, List<Map.Entry<UUID, Long>> topAgents) {
    }

    public Extra summaryExtra(OffsetDateTime from, OffsetDateTime to, String creator) {
        DbExecute db = database.client().execute();
        Object[] range = {Rows.ts(from), Rows.ts(to), creator};
        Map<String, Long> cost = new LinkedHashMap<>();
        db.namedQuery("summary-cost", range).forEach(r -> cost.put(Rows.string(r, "currency") == null ? "USD"
                : Rows.string(r, "currency"), r.column("amount").getLong()));
        List<Map.Entry<UUID, Long>> top = db.namedQuery("top-agents", range)
                .map(r -> Map.entry(Rows.uuid(r, "agent_id"), r.column("completed").getLong())).toList();
        return new Extra(cost, top);
    }

    public record AgentRow(UUID agentId, long tasks, long completed, long deadLettered, Double avgMs, long costSum) {
    }

    public List<AgentRow> agents(OffsetDateTime from, OffsetDateTime to, String creator) {
        return database.client().execute().namedQuery("agent-report", Rows.ts(from), Rows.ts(to), creator)
                .map(r -> new AgentRow(Rows.uuid(r, "agent_id"), r.column("tasks").getLong(),
                        r.column("completed").getLong(), r.column("dead_lettered").getLong(),
                        Rows.doubleOrNull(r, "avg_ms"), r.column("cost_sum").getLong()))
                .toList();
    }

    /** agent → currency → amount */
    public Map<UUID, Map<String, Long>> agentCosts(OffsetDateTime from, OffsetDateTime to, String creator) {
        Map<UUID, Map<String, Long>> out = new LinkedHashMap<>();
        database.client().execute().namedQuery("agent-costs", Rows.ts(from), Rows.ts(to), creator)
                .forEach(r -> out.computeIfAbsent(Rows.uuid(r, "agent_id"), k -> new LinkedHashMap<>())
                        .put(Rows.string(r, "currency"), r.column("amount").getLong()));
        return out;
    }

    public record TypeStatusRow(String taskType, String status, long n, long retried, Double waitMsSum, long waited,
                                Double execMsSum) {
    }

    public List<TypeStatusRow> taskTypes(OffsetDateTime from, OffsetDateTime to, String creator) {
        return database.client().execute().namedQuery("task-type-report", Rows.ts(from), Rows.ts(to), creator).map(r -> new TypeStatusRow(Rows.string(r, "task_type"), Rows.string(r, "status"),
                r.column("n").getLong(), r.column("retried").getLong(), Rows.doubleOrNull(r, "wait_ms_sum"),
                r.column("waited").getLong(), Rows.doubleOrNull(r, "exec_ms_sum"))).toList();
    }

    public record TrendRow(OffsetDateTime bucket, long created, long completed, long deadLettered, Double avgMs) {
    }

    public List<TrendRow> trends(String unit, OffsetDateTime from, OffsetDateTime to, String creator) {
        return database.client().execute().namedQuery("trends", unit, Rows.ts(from), Rows.ts(to), creator, creator,
                unit, Rows.ts(from), Rows.ts(to), creator, creator).map(r -> new TrendRow(Rows.time(r, "b"),
                r.column("created").getLong(), r.column("completed").getLong(), r.column("dead").getLong(),
                Rows.doubleOrNull(r, "avg_ms"))).toList();
    }

    /**
     * Every task created in the range, one row at a time, for the export; close the stream when done. It
     * runs in a (read-only, rolled back) transaction because only there does the driver page the rows
     * through a cursor instead of reading the whole result into memory.
     */
    public java.util.stream.Stream<DbRow> taskRows(OffsetDateTime from, OffsetDateTime to, String creator) {
        io.helidon.dbclient.DbTransaction tx = database.client().transaction();
        try {
            return tx.namedQuery("task-rows", Rows.ts(from), Rows.ts(to), creator, creator).onClose(tx::rollback);
        } catch (RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }
}
