package dev.ains.tasks.service;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.outbox.Outbox;
import dev.ains.tasks.client.EventSinks;
import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.TaskRecord;
import io.helidon.dbclient.DbExecute;

/**
 * The events task-service writes to its outbox, in the same transaction as the change they describe.
 * Each goes to analytics (field names match its TaskEvent contract) and, when it is one that clients and
 * agents can subscribe to, to the event journal that feeds webhooks and live streams; the relay adds
 * event id, type and time. One statement writes a row per destination.
 */
final class TaskEvents {
    /** Kept by analytics only: they describe the platform's own bookkeeping. */
    private static final Set<String> INTERNAL = Set.of("task.unblocked", "task.requeued");
    private static final List<String> BOTH = List.of(EventSinks.ANALYTICS, EventSinks.EVENTS);
    private static final List<String> ANALYTICS_ONLY = List.of(EventSinks.ANALYTICS);
    private static final List<String> EVENTS_ONLY = List.of(EventSinks.EVENTS);

    private TaskEvents() {
    }

    static void publish(DbExecute tx, String type, TaskRecord t, TaskState status, UUID agent, Integer attempt,
                        Long executionMs, String error) {
        Outbox.add(tx, INTERNAL.contains(type) ? ANALYTICS_ONLY : BOTH, type,
                payload(t, status, agent, attempt, executionMs, error));
    }

    /** task.started for every task a claim just started, with one statement. */
    static void started(DbExecute tx, List<TaskRecord> tasks) {
        Outbox.addAll(tx, BOTH, "task.started", tasks.stream()
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
        Outbox.add(tx, BOTH, "task.completed", p);
    }

    /**
     * What a failed attempt leads to, for subscribers only (analytics counts the failure itself):
     * task.timed_out when the attempt ran out of time, then task.retrying or task.dead_lettered.
     */
    static void afterFailure(DbExecute tx, TaskRecord t, String outcome, TaskState next, UUID agent, String error,
                             Long delayMs) {
        if (TaskLifecycle.TIMED_OUT.equals(outcome)) {
            Outbox.add(tx, EVENTS_ONLY, "task.timed_out", payload(t, next, agent, t.attemptCount(), null, error));
        }
        Map<String, Object> p = payload(t, next, agent, t.attemptCount(), null, error);
        if (next == TaskState.DEAD_LETTERED) {
            Outbox.add(tx, EVENTS_ONLY, "task.dead_lettered", p);
        } else {
            p.put("next_attempt_at", OffsetDateTime.now().plusNanos((delayMs == null ? 0 : delayMs) * 1_000_000));
            Outbox.add(tx, EVENTS_ONLY, "task.retrying", p);
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
        Outbox.add(tx, List.of(EventSinks.ECONOMY), "auction.requested", p);
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
        Outbox.add(tx, List.of(EventSinks.ECONOMY), "task.settlement", p);
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
        Outbox.add(tx, List.of(EventSinks.REGISTRY), "task.outcome", p);
    }

    private static Map<String, Object> payload(TaskRecord t, TaskState status, UUID agent, Integer attempt,
                                               Long executionMs, String error) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("task_id", t.taskId());
        putIf(p, "batch_id", t.batchId());
        p.put("task_type", t.taskType());
        p.put("capability", t.capability());
        p.put("priority", t.priority());
        p.put("status", status.name());
        putIf(p, "agent_id", agent);
        putIf(p, "attempt", attempt);
        putIf(p, "execution_ms", executionMs);
        putIf(p, "error", error == null || error.length() <= 1000 ? error : error.substring(0, 1000));
        p.put("created_by", t.createdBy());
        p.put("task_created_at", t.createdAt());
        return p;
    }

    private static void putIf(Map<String, Object> p, String k, Object v) {
        if (v != null) {
            p.put(k, v);
        }
    }
}
