package dev.ains.tasks.service;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.outbox.Outbox;
import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
import io.helidon.dbclient.DbExecute;

/**
 * The events task-service writes to its outbox, in the same transaction as the change they describe.
 * Each goes to analytics (field names match its TaskEvent contract) and, when it is one that clients and
 * agents can subscribe to, to the event journal that feeds webhooks and live streams; the relay adds
 * event id, type and time. One statement writes a row per destination.
 */
final class TaskEvents {
    private TaskEvents() {
    }

    static void publish(DbExecute tx, TaskEventType type, TaskRecord t, TaskState status, UUID agent, Integer attempt,
                        Long executionMs, String error) {
        add(tx, type, payload(t, status, agent, attempt, executionMs, error));
    }

    /** task.created for every task a batch inserted, with one statement. */
    static void createdInBatch(DbExecute tx, List<TaskStore.BatchRow> rows, OffsetDateTime at) {
        Outbox.addAll(tx, TaskEventType.CREATED.destinations(), TaskEventType.CREATED.wireName(), rows.stream()
                .map(r -> payload(r.taskId(), r.batchId(), r.taskType(), r.capability(), r.priority(),
                        TaskState.valueOf(r.status()), null, null, null, null, r.createdBy(), at)).toList());
    }

    private static void add(DbExecute tx, TaskEventType type, Map<String, Object> payload) {
        Outbox.add(tx, type.destinations(), type.wireName(), payload);
    }

    /** task.started for every task a claim just started, with one statement. */
    static void started(DbExecute tx, List<TaskRecord> tasks) {
        Outbox.addAll(tx, TaskEventType.STARTED.destinations(), TaskEventType.STARTED.wireName(), tasks.stream()
                .map(t -> payload(t, TaskState.RUNNING, t.assignedAgentId(), t.attemptCount(), null, null)).toList());
    }

    /** task.completed, with the result for subscribers (analytics ignores it). */
    static void completed(DbExecute tx, TaskRecord t, UUID agent, int attempt, long executionMs, JsonNode result) {
        Map<String, Object> p = payload(t, TaskState.COMPLETED, agent, attempt, executionMs, null);
        if (result != null) {
            p.put("result", result);
        }
        if (t.auctionPrice() != null) {
            p.put("cost", t.auctionPrice()); // what the client pays the winner (analytics' total cost)
            putIf(p, "currency", t.currency());
        }
        add(tx, TaskEventType.COMPLETED, p);
    }

    /**
     * What a failed attempt leads to, for subscribers only (analytics counts the failure itself):
     * task.timed_out when the attempt ran out of time, then task.retrying or task.dead_lettered.
     */
    static void afterFailure(DbExecute tx, TaskRecord t, String outcome, TaskState next, UUID agent, String error,
                             Long delayMs) {
        if (TaskLifecycle.TIMED_OUT.equals(outcome)) {
            add(tx, TaskEventType.TIMED_OUT, payload(t, next, agent, t.attemptCount(), null, error));
        }
        Map<String, Object> p = payload(t, next, agent, t.attemptCount(), null, error);
        if (next == TaskState.DEAD_LETTERED) {
            add(tx, TaskEventType.DEAD_LETTERED, p);
        } else {
            p.put("next_attempt_at", OffsetDateTime.now().plusNanos((delayMs == null ? 0 : delayMs) * 1_000_000));
            add(tx, TaskEventType.RETRYING, p);
        }
    }

    /** A task with a budget, for economic-service to put out to auction (the sink adds the invitees). */
    static void auctionRequested(DbExecute tx, TaskRecord t) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("task_id", t.taskId());
        p.put("client_id", t.createdBy());
        p.put("capability", t.capability());
        p.put("task_type", t.taskType());
        p.put("budget", t.budget());
        putIf(p, "currency", t.currency());
        putIf(p, "deadline_seconds", t.auctionSeconds());
        p.put("min_trust", t.minTrust());
        add(tx, TaskEventType.AUCTION_REQUESTED, p);
    }

    /**
     * The final outcome of an auctioned task, for economic-service: COMPLETED pays the winner from the
     * escrow, DEAD_LETTERED and CANCELLED return the money. Nothing for tasks without a budget.
     */
    static void settlement(DbExecute tx, TaskRecord t, TaskState outcome, String reason) {
        if (t.budget() == null) {
            return;
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("task_id", t.taskId());
        p.put("outcome", outcome.name());
        putIf(p, "reason", reason == null || reason.length() <= 500 ? reason : reason.substring(0, 500));
        add(tx, TaskEventType.SETTLEMENT, p);
    }

    /** An attempt's outcome for the registry, which moves the agent's trust with it. */
    static void outcome(DbExecute tx, TaskRecord t, UUID agent, String outcome, Long executionMs) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("task_id", t.taskId());
        p.put("agent_id", agent);
        p.put("outcome", outcome);
        putIf(p, "execution_ms", executionMs);
        p.put("promised_ms", t.timeoutSeconds() * 1000L);
        p.put("client_id", t.createdBy()); // the registry weighs outcomes by client (anti-gaming)
        add(tx, TaskEventType.OUTCOME, p);
    }

    private static Map<String, Object> payload(TaskRecord t, TaskState status, UUID agent, Integer attempt,
                                               Long executionMs, String error) {
        return payload(t.taskId(), t.batchId(), t.taskType(), t.capability(), t.priority(), status, agent, attempt,
                executionMs, error, t.createdBy(), t.createdAt());
    }

    /** The fields every task event carries (analytics' TaskEvent contract). */
    private static Map<String, Object> payload(UUID taskId, UUID batchId, String taskType, String capability,
                                               int priority, TaskState status, UUID agent, Integer attempt,
                                               Long executionMs, String error, String createdBy,
                                               OffsetDateTime createdAt) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("task_id", taskId);
        putIf(p, "batch_id", batchId);
        p.put("task_type", taskType);
        p.put("capability", capability);
        p.put("priority", priority);
        p.put("status", status.name());
        putIf(p, "agent_id", agent);
        putIf(p, "attempt", attempt);
        putIf(p, "execution_ms", executionMs);
        putIf(p, "error", error == null || error.length() <= 1000 ? error : error.substring(0, 1000));
        p.put("created_by", createdBy);
        p.put("task_created_at", createdAt);
        return p;
    }

    private static void putIf(Map<String, Object> p, String k, Object v) {
        if (v != null) {
            p.put(k, v);
        }
    }
}
