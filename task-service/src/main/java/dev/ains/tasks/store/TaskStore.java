package dev.ains.tasks.store;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.db.Database;
import dev.ains.kit.json.Json;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Rows;
import dev.ains.tasks.lifecycle.Backoff;
import dev.ains.tasks.lifecycle.TaskState;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** task-service's data access; the statements themselves are in {@code db/statements.yaml}. */
@ApplicationScoped
public class TaskStore {
    @Inject
    Database database;

    public DbExecute db() {
        return database.client().execute();
    }

    public record NewTask(UUID taskId, String taskType, String capability, JsonNode inputData, int priority,
                          int timeoutSeconds, int maxRetries, double minTrust, String createdBy, Backoff retry) {
    }

    public TaskRecord insert(DbExecute tx, NewTask t) {
        return tx.namedQuery("insert-task", t.taskId(), t.taskType(), t.capability(), Json.write(t.inputData()),
                t.priority(), t.timeoutSeconds(), t.maxRetries(), t.minTrust(), t.createdBy(),
                t.retry().strategy().wire(), t.retry().baseMs(), t.retry().capMs(), t.retry().jitter())
                .map(TaskStore::task).findFirst().orElseThrow();
    }

    public Optional<TaskRecord> find(DbExecute exec, UUID id) {
        return exec.namedGet("select-task", id).map(TaskStore::task);
    }

    public Optional<TaskRecord> lock(DbExecute tx, UUID id) {
        return tx.namedGet("lock-task", id).map(TaskStore::task);
    }

    public List<TaskRecord> list(String creator, String status, String taskType, UUID agentId, Cursor after,
                                 int limit) {
        var at = after == null ? null : Rows.ts(after.at());
        var id = after == null ? null : after.uuid();
        return db().namedQuery("list-tasks", creator, creator, status, status, taskType, taskType, agentId, agentId,
                at, at, id, limit).map(TaskStore::task).toList();
    }

    public List<AttemptRecord> attempts(DbExecute exec, UUID taskId) {
        return exec.namedQuery("select-attempts", taskId).map(r -> new AttemptRecord(
                r.column("attempt_no").getInt(), Rows.uuid(r, "agent_id"), Rows.string(r, "outcome"),
                Rows.time(r, "assigned_at"), Rows.time(r, "claimed_at"), Rows.time(r, "started_at"),
                Rows.time(r, "ended_at"), Rows.string(r, "error"),
                Rows.bool(r, "retryable"), Rows.longOrNull(r, "retry_delay_ms"))).toList();
    }

    /** A routing decision; {@code current}: worked out when asked (why a queued task waits), not stored. */
    public record RoutingRow(OffsetDateTime decidedAt, UUID chosen, String reason, JsonNode candidates,
                             boolean current) {
    }

    public List<RoutingRow> routing(UUID taskId) {
        return db().namedQuery("select-routing", taskId).map(r -> new RoutingRow(Rows.time(r, "decided_at"),
                Rows.uuid(r, "chosen_agent_id"), Rows.string(r, "reason"),
                Json.tree(Rows.string(r, "candidates_json")), false)).toList();
    }

    /** Records the key; false when the caller used it before (then {@link #idempotencyGet} has it). */
    public boolean idempotencyInsert(DbExecute tx, String caller, String key, String hash, UUID taskId) {
        return tx.namedInsert("idempotency-insert", caller, key, hash, taskId) == 1;
    }

    public Optional<Map.Entry<String, UUID>> idempotencyGet(DbExecute tx, String caller, String key) {
        return tx.namedGet("idempotency-get", caller, key)
                .map(r -> Map.entry(Rows.string(r, "request_hash"), Rows.uuid(r, "task_id")));
    }

    /** A task waiting to be routed; {@code pinnedAgent} (an auction's winner) is the only agent it may go to. */
    /** A task waiting to be routed; {@code queuedSince} is when it last became QUEUED (a retry comes back later). */
    public record QueuedTask(UUID taskId, String taskType, String capability, double minTrust, int priority,
                             String createdBy, OffsetDateTime createdAt, UUID pinnedAgent, OffsetDateTime queuedSince) {
        public static QueuedTask of(TaskRecord t) {
            return new QueuedTask(t.taskId(), t.taskType(), t.capability(), t.minTrust(), t.priority(), t.createdBy(),
                    t.createdAt(), t.auctionWinnerId(), t.updatedAt());
        }
    }

    public void startAuction(DbExecute tx, UUID taskId, long budget, String currency, int seconds) {
        tx.namedUpdate("start-auction", budget, currency, seconds, taskId);
    }

    /** AUCTIONING → QUEUED (for the winner when there is one); false when the task is no longer auctioning. */
    public boolean auctionQueued(DbExecute tx, UUID taskId, UUID winner, Long price, String currency) {
        return tx.namedUpdate("auction-queued", winner, price, currency, taskId) > 0;
    }

    /** Those of the tasks that are still queued and not locked by another transaction, locked, by id. */
    public Map<UUID, QueuedTask> lockQueued(DbExecute tx, List<UUID> taskIds) {
        Map<UUID, QueuedTask> locked = new HashMap<>();
        tx.namedQuery("lock-queued-tasks", String.join(",", taskIds.stream().map(UUID::toString).toList()))
                .forEach(r -> {
                    QueuedTask q = queued(r);
                    locked.put(q.taskId(), q);
                });
        return locked;
    }

    public List<String> queuedCapabilities() {
        return db().namedQuery("queued-capabilities").map(r -> Rows.string(r, "capability")).toList();
    }

    public Map<String, Long> recentlyServed(String capability, long windowSeconds) {
        Map<String, Long> m = new HashMap<>();
        db().namedQuery("recently-served", capability, (double) windowSeconds)
                .forEach(r -> m.put(Rows.string(r, "created_by"), r.column("n").getLong()));
        return m;
    }

    public List<QueuedTask> queuedWindow(String capability, long ageingSeconds, int limit) {
        return db().namedQuery("queued-window", capability, (double) ageingSeconds, limit).map(TaskStore::queued)
                .toList();
    }

    /** How many tasks each agent holds (ASSIGNED or RUNNING); agents holding none are absent. */
    public Map<UUID, Integer> loads(DbExecute tx, List<UUID> agents) {
        Map<UUID, Integer> m = new HashMap<>();
        if (agents.isEmpty()) {
            return m;
        }
        String ids = String.join(",", agents.stream().map(UUID::toString).toList());
        tx.namedQuery("held-counts", ids).forEach(r -> m.put(Rows.uuid(r, "assigned_agent_id"),
                (int) r.column("n").getLong()));
        return m;
    }

    /**
     * How many slots the agent has free, with its slots locked until this transaction ends: two routings to
     * one agent (on any replica) count one after the other, and never both take its last slot. The lock is
     * only tried (re-entrant within a transaction): empty when another transaction holds it, at once.
     * Nothing is written: a task's slot is free again as soon as the task stops being held.
     */
    public OptionalInt freeSlots(DbExecute tx, UUID agentId, int max) {
        boolean locked = tx.namedGet("lock-agent-slots", agentId.toString()).map(r -> r.column("locked").getBoolean())
                .orElse(false);
        if (!locked) {
            return OptionalInt.empty();
        }
        long held = tx.namedGet("held-count", agentId).map(r -> r.column("n").getLong()).orElse(0L);
        return OptionalInt.of((int) Math.max(0, max - held));
    }

    /** A routing decision to write: the task goes to the agent, for the reason, among the candidates. */
    public record Assignment(UUID taskId, UUID agentId, String reason, Object candidates) {
    }

    /**
     * Assigns each task (still queued and locked by the caller) to its agent with a new attempt and its
     * routing decision, in one statement; returns the tasks as assigned, in no particular order.
     */
    public List<TaskRecord> assign(DbExecute tx, List<Assignment> assignments, int claimTimeoutSeconds) {
        List<Map<String, Object>> rows = assignments.stream().map(a -> {
            Map<String, Object> m = new HashMap<>();
            m.put("task_id", a.taskId());
            m.put("agent_id", a.agentId());
            m.put("reason", a.reason());
            m.put("candidates", a.candidates());
            return m;
        }).toList();
        return tx.namedQuery("assign-tasks", Json.write(rows), (double) claimTimeoutSeconds).map(TaskStore::task)
                .toList();
    }

    /** Up to {@code max} of the agent's routed tasks, now RUNNING with their attempts started, best first. */
    public List<TaskRecord> claim(DbExecute tx, UUID agentId, int max) {
        return tx.namedQuery("claim-tasks", agentId, max).map(TaskStore::task).toList();
    }

    /** The tasks the agent holds and has started, oldest claim first. */
    public List<TaskRecord> runningFor(UUID agentId) {
        return db().namedQuery("running-for-agent", agentId).map(TaskStore::task).toList();
    }

    /** Claimed tasks the agent never received go back to ASSIGNED, on the same attempt, with a claim lease. */
    public void handBack(DbExecute tx, UUID agentId, List<UUID> taskIds, int claimTimeoutSeconds) {
        tx.namedUpdate("hand-back", (double) claimTimeoutSeconds,
                String.join(",", taskIds.stream().map(UUID::toString).toList()), agentId);
    }

    /** Who ran an attempt and how it ended (PENDING while it runs), if the task had that attempt. */
    public record AttemptOutcome(UUID agentId, String outcome) {
    }

    public Optional<AttemptOutcome> attemptOutcome(DbExecute tx, UUID taskId, int attemptNo) {
        return tx.namedQuery("attempt-outcome", taskId, attemptNo).findFirst()
                .map(r -> new AttemptOutcome(Rows.uuid(r, "agent_id"), r.column("outcome").getString()));
    }

    /** One task of a batch as the bulk insert takes it. */
    public record BatchRow(UUID taskId, String taskType, String capability, JsonNode inputData, int priority,
                           int timeoutSeconds, int maxRetries, double minTrust, String status, String createdBy,
                           String retryStrategy, long retryBaseMs, long retryCapMs, double retryJitter, UUID batchId,
                           int batchIndex, String batchKey) {
    }

    public void insertBatch(DbExecute tx, UUID batchId, String createdBy, List<BatchRow> rows,
                            List<Map<String, UUID>> dependencies) {
        tx.namedInsert("insert-batch", batchId, createdBy, rows.size());
        List<Map<String, Object>> json = new ArrayList<>();
        for (BatchRow r : rows) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("task_id", r.taskId());
            m.put("task_type", r.taskType());
            m.put("capability", r.capability());
            m.put("input_data", r.inputData());
            m.put("priority", r.priority());
            m.put("timeout_seconds", r.timeoutSeconds());
            m.put("max_retries", r.maxRetries());
            m.put("min_trust", r.minTrust());
            m.put("status", r.status());
            m.put("created_by", r.createdBy());
            m.put("retry_strategy", r.retryStrategy());
            m.put("retry_base_ms", r.retryBaseMs());
            m.put("retry_cap_ms", r.retryCapMs());
            m.put("retry_jitter", r.retryJitter());
            m.put("batch_id", r.batchId());
            m.put("batch_index", r.batchIndex());
            m.put("batch_key", r.batchKey());
            json.add(m);
        }
        tx.namedInsert("insert-tasks-bulk", Json.write(json));
        if (!dependencies.isEmpty()) {
            tx.namedInsert("insert-dependencies-bulk", Json.write(dependencies));
        }
    }

    public record BatchInfo(UUID batchId, String createdBy, int size, OffsetDateTime createdAt) {
    }

    public Optional<BatchInfo> batch(UUID batchId) {
        return db().namedGet("select-batch", batchId).map(r -> new BatchInfo(Rows.uuid(r, "batch_id"),
                Rows.string(r, "created_by"), r.column("size").getInt(), Rows.time(r, "created_at")));
    }

    public Map<String, Integer> batchCounts(DbExecute exec, UUID batchId) {
        Map<String, Integer> m = new java.util.TreeMap<>();
        exec.namedQuery("batch-counts", batchId).forEach(r -> m.put(Rows.string(r, "status"),
                (int) r.column("n").getLong()));
        return m;
    }

    public record BatchResultRow(UUID taskId, String key, String status, JsonNode result, String error) {
    }

    public List<BatchResultRow> batchResults(UUID batchId) {
        return db().namedQuery("batch-results", batchId).map(r -> new BatchResultRow(Rows.uuid(r, "task_id"),
                Rows.string(r, "batch_key"), Rows.string(r, "status"), Json.tree(Rows.string(r, "result_json")),
                Rows.string(r, "error"))).toList();
    }

    public List<UUID> batchUnfinished(DbExecute tx, UUID batchId) {
        return tx.namedQuery("batch-unfinished", batchId).map(r -> Rows.uuid(r, "task_id")).toList();
    }

    public record StatusRow(UUID taskId, String status, String createdBy, UUID assignedAgentId) {
    }

    public List<StatusRow> statuses(List<UUID> ids) {
        return db().namedQuery("tasks-status", String.join(",", ids.stream().map(UUID::toString).toList()))
                .map(r -> new StatusRow(Rows.uuid(r, "task_id"), Rows.string(r, "status"), Rows.string(r, "created_by"),
                        Rows.uuid(r, "assigned_agent_id"))).toList();
    }

    public record DependencyState(UUID taskId, TaskState status, String createdBy) {
    }

    public Map<UUID, DependencyState> dependencyStates(DbExecute exec, List<UUID> ids) {
        Map<UUID, DependencyState> m = new HashMap<>();
        exec.namedQuery("dependency-states", String.join(",", ids.stream().map(UUID::toString).toList()))
                .forEach(r -> m.put(Rows.uuid(r, "task_id"), new DependencyState(Rows.uuid(r, "task_id"),
                        TaskState.valueOf(Rows.string(r, "status")), Rows.string(r, "created_by"))));
        return m;
    }

    public void insertDependencies(DbExecute tx, UUID taskId, List<UUID> dependsOn) {
        tx.namedInsert("insert-dependencies", taskId, String.join(",", dependsOn.stream().map(UUID::toString).toList()));
    }

    public void block(DbExecute tx, UUID taskId) {
        tx.namedUpdate("block-task", taskId);
    }

    public List<UUID> dependencies(DbExecute exec, UUID taskId) {
        return exec.namedQuery("select-dependencies", taskId).map(r -> Rows.uuid(r, "depends_on")).toList();
    }

    public List<UUID> lockBlockedDependents(DbExecute tx, UUID taskId) {
        return tx.namedQuery("lock-blocked-dependents", taskId).map(r -> Rows.uuid(r, "task_id")).toList();
    }

    /** Moves blocked tasks whose dependencies all completed to the queue (those of one task, or all). */
    public List<UUID> unblockReady(DbExecute tx, UUID dependency) {
        return tx.namedQuery("unblock-ready", dependency, dependency).map(r -> Rows.uuid(r, "task_id")).toList();
    }

    public record Doomed(UUID taskId, UUID dependency, String dependencyStatus) {
    }

    public List<Doomed> doomedBlocked() {
        return db().namedQuery("doomed-blocked").map(r -> new Doomed(Rows.uuid(r, "task_id"),
                Rows.uuid(r, "dependency"), Rows.string(r, "dependency_status"))).toList();
    }

    public void notice(DbExecute tx, UUID agentId, UUID taskId, String kind) {
        tx.namedInsert("insert-notice", agentId, taskId, kind);
    }

    /** The agent's pending cancellation notices, removed as they are read. */
    public List<UUID> takeCancelled(DbExecute tx, UUID agentId) {
        return tx.namedQuery("take-notices", agentId).map(r -> Rows.uuid(r, "task_id")).toList();
    }

    public void markRunning(DbExecute tx, UUID taskId, int attemptNo) {
        tx.namedUpdate("mark-running", taskId);
        tx.namedUpdate("attempt-started", taskId, attemptNo);
    }

    /** The lease's new end, or empty when the task is not held by that agent (any, when null) on that attempt. */
    public Optional<OffsetDateTime> extendLease(DbExecute tx, UUID taskId, int attemptNo, UUID agentId,
                                                Integer seconds) {
        return tx.namedGet("extend-lease", seconds, taskId, attemptNo, agentId, agentId)
                .map(r -> Rows.time(r, "lease_expires_at"));
    }

    /** A completion the one-statement path made: the task as completed, and whether tasks depend on it. */
    public record Completion(TaskRecord task, boolean hasDependents) {
    }

    /**
     * Completes a claimed task held by {@code agentId} (any agent when null) on {@code attemptNo} (the
     * current one when null), ends the attempt and frees the agent's slot, in one statement. Empty when the
     * task is not in that state: nothing was changed, and the checked path finds out why.
     */
    public Optional<Completion> completeHeld(DbExecute tx, UUID taskId, Integer attemptNo, UUID agentId,
                                             JsonNode result, Long executionMs) {
        return tx.namedGet("complete-held", result == null ? null : Json.write(result), executionMs, taskId, attemptNo,
                agentId, agentId).map(r -> new Completion(task(r), r.column("has_dependents").getBoolean()));
    }

    public void markCompleted(DbExecute tx, UUID taskId, JsonNode result, long executionMs) {
        tx.namedUpdate("mark-completed", result == null ? null : Json.write(result), executionMs, taskId);
    }

    public void endAttempt(DbExecute tx, UUID taskId, int attemptNo, String outcome, String error, Boolean retryable,
                           Long retryDelayMs) {
        tx.namedUpdate("end-attempt", outcome, error, retryable, retryDelayMs, taskId, attemptNo);
    }

    public void markRetry(DbExecute tx, UUID taskId, TaskState state, long delayMs, String error) {
        tx.namedUpdate("mark-retry", state.name(), delayMs / 1000.0, error, taskId);
    }

    public void markDead(DbExecute tx, UUID taskId, String error) {
        tx.namedUpdate("mark-dead", error, taskId);
    }

    public void markCancelled(DbExecute tx, UUID taskId, String reason, String by) {
        tx.namedUpdate("mark-cancelled", reason, by, taskId);
    }

    public List<QueuedTask> requeueDue(DbExecute tx) {
        return tx.namedQuery("requeue-due").map(r -> new QueuedTask(Rows.uuid(r, "task_id"),
                Rows.string(r, "task_type"), Rows.string(r, "capability"), 0, r.column("priority").getInt(),
                Rows.string(r, "created_by"), Rows.time(r, "created_at"), Rows.uuid(r, "auction_winner_id"),
                Rows.time(r, "updated_at"))).toList();
    }

    public List<UUID> expiredLeases() {
        return db().namedQuery("expired-leases").map(r -> Rows.uuid(r, "task_id")).toList();
    }

    public List<UUID> heldAgents() {
        return db().namedQuery("held-agents").map(r -> Rows.uuid(r, "assigned_agent_id")).toList();
    }

    public List<UUID> heldBy(List<UUID> agents) {
        return db().namedQuery("held-by-agents", String.join(",", agents.stream().map(UUID::toString).toList()))
                .map(r -> Rows.uuid(r, "task_id")).toList();
    }

    public Map<Integer, Long> queueDepth() {
        Map<Integer, Long> m = new HashMap<>();
        db().namedQuery("queue-depth").forEach(r -> m.put(r.column("priority").getInt(), r.column("n").getLong()));
        return m;
    }

    /**
     * Queued tasks by priority for the metrics, at a cost that does not grow with the backlog: counted
     * exactly while at most {@code exactUpTo} tasks wait (one bounded index read tells), else the
     * planner's estimate per priority, from the table's statistics (kept by autoanalyze). A full count
     * of a million queued tasks every scrape would cost more than the tasks themselves (#11).
     */
    public Map<Integer, Long> queueDepthForMetrics(int exactUpTo) {
        long seen = db().namedGet("queued-up-to", exactUpTo + 1).orElseThrow().column("n").getLong();
        if (seen <= exactUpTo) {
            return queueDepth();
        }
        Map<Integer, Long> m = new HashMap<>();
        for (int p = 1; p <= 10; p++) {
            // p is an int from this loop: safe to inline, and EXPLAIN takes no parameters
            String plan = db().query("EXPLAIN (FORMAT JSON) SELECT 1 FROM tasks WHERE status = 'QUEUED' AND priority = "
                    + p).findFirst().orElseThrow().column("QUERY PLAN").getString();
            m.put(p, Json.tree(plan).path(0).path("Plan").path("Plan Rows").asLong());
        }
        return m;
    }

    public List<TaskRecord> deadLetters(String creator, String taskType, String capability, Cursor after, int limit) {
        var at = after == null ? null : Rows.ts(after.at());
        var id = after == null ? null : after.uuid();
        return db().namedQuery("list-dead-letters", creator, creator, taskType, taskType, capability, capability,
                at, at, id, limit).map(TaskStore::task).toList();
    }

    public List<UUID> oldestDeadLetters(String creator, String taskType, int limit) {
        return db().namedQuery("oldest-dead-letters", creator, creator, taskType, taskType, limit)
                .map(r -> Rows.uuid(r, "task_id")).toList();
    }

    public void requeue(DbExecute tx, UUID taskId) {
        tx.namedUpdate("requeue-task", taskId);
    }

    public void setPriority(DbExecute tx, UUID taskId, int priority) {
        tx.namedUpdate("set-priority", priority, taskId);
    }

    public void setTimeout(DbExecute tx, UUID taskId, int seconds) {
        tx.namedUpdate("set-timeout", seconds, (double) seconds, taskId);
    }

    public record QueueStats(long queued, long retryWaiting, Double oldestWaitSeconds, Map<Integer, Long> byPriority,
                             Map<String, Long> byCapability, Map<String, Long> byClient) {
    }

    public QueueStats queueStats() {
        DbExecute db = db();
        var summary = db.namedGet("queue-summary").orElseThrow();
        Map<String, Long> byCapability = new HashMap<>();
        db.namedQuery("queue-by-capability").forEach(r -> byCapability.put(Rows.string(r, "capability"),
                r.column("n").getLong()));
        Map<String, Long> byClient = new HashMap<>();
        db.namedQuery("queue-by-client").forEach(r -> byClient.put(Rows.string(r, "created_by"),
                r.column("n").getLong()));
        return new QueueStats(((Number) Rows.raw(summary, "queued")).longValue(),
                ((Number) Rows.raw(summary, "retry_waiting")).longValue(), Rows.doubleOrNull(summary, "oldest_wait"),
                queueDepth(), byCapability, byClient);
    }

    private static QueuedTask queued(DbRow r) {
        return new QueuedTask(Rows.uuid(r, "task_id"), Rows.string(r, "task_type"), Rows.string(r, "capability"),
                r.column("min_trust").getDouble(), r.column("priority").getInt(), Rows.string(r, "created_by"),
                Rows.time(r, "created_at"), Rows.uuid(r, "auction_winner_id"), Rows.time(r, "updated_at"));
    }

    static TaskRecord task(DbRow r) {
        return new TaskRecord(Rows.uuid(r, "task_id"), Rows.string(r, "task_type"), Rows.string(r, "capability"),
                Json.tree(Rows.string(r, "input_json")), r.column("priority").getInt(),
                r.column("timeout_seconds").getInt(), r.column("max_retries").getInt(),
                r.column("min_trust").getDouble(), TaskState.valueOf(Rows.string(r, "status")),
                Rows.uuid(r, "assigned_agent_id"), r.column("attempt_count").getInt(), Rows.time(r, "claimed_at"),
                Rows.time(r, "lease_expires_at"), Rows.time(r, "next_attempt_at"),
                Json.tree(Rows.string(r, "result_json")), Rows.string(r, "error"), Rows.string(r, "cancel_reason"),
                Rows.string(r, "cancelled_by"), Rows.string(r, "created_by"), Rows.time(r, "created_at"),
                Rows.time(r, "updated_at"), Rows.time(r, "started_at"), Rows.time(r, "completed_at"),
                Rows.longOrNull(r, "execution_ms"),
                new Backoff(Backoff.Strategy.of(Rows.string(r, "retry_strategy")), r.column("retry_base_ms").getLong(),
                        r.column("retry_cap_ms").getLong(), r.column("retry_jitter").getDouble()),
                r.column("attempts_base").getInt(), Rows.uuid(r, "batch_id"), Rows.longOrNull(r, "budget"),
                Rows.string(r, "currency"), Rows.intOrNull(r, "auction_seconds"), Rows.uuid(r, "auction_winner_id"),
                Rows.longOrNull(r, "auction_price"));
    }

}
