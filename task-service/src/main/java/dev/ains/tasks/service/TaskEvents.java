package dev.ains.tasks.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ains.kit.outbox.Outbox;
import dev.ains.tasks.client.EventSinks;
import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.TaskRecord;
import io.helidon.dbclient.DbExecute;

/**
 * The events task-service writes to its outbox, in the same transaction as the change they describe.
 * Field names match the receivers' contracts (analytics TaskEvent, registry TaskOutcome); the relay adds
 * event id, type and time.
 */
final class TaskEvents {
    private TaskEvents() {
    }

    static void analytics(DbExecute tx, String type, TaskRecord t, TaskState status, UUID agent, Integer attempt,
                          Long executionMs, String error) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("task_id", t.taskId());
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
        Outbox.add(tx, List.of(EventSinks.ANALYTICS), type, p);
    }

    /** An attempt's outcome for the registry, which moves the agent's trust with it. */
    static void outcome(DbExecute tx, TaskRecord t, UUID agent, String outcome, Long executionMs) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("task_id", t.taskId());
        p.put("agent_id", agent);
        p.put("outcome", outcome);
        putIf(p, "execution_ms", executionMs);
        p.put("promised_ms", t.timeoutSeconds() * 1000L);
        Outbox.add(tx, List.of(EventSinks.REGISTRY), "task.outcome", p);
    }

    private static void putIf(Map<String, Object> p, String k, Object v) {
        if (v != null) {
            p.put(k, v);
        }
    }
}
