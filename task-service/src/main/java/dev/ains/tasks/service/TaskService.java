package dev.ains.tasks.service;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.json.Json;
import dev.ains.kit.outbox.OutboxRelay;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Secrets;
import dev.ains.kit.store.Cursor;
import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.AttemptRecord;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The client side of AITP: submit, read, list and cancel tasks. */
@ApplicationScoped
public class TaskService {
    private static final Logger LOG = Logger.getLogger(TaskService.class.getName());
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}";

    @Inject
    TaskStore store;
    @Inject
    Database database;
    @Inject
    Router router;
    @Inject
    TaskLifecycle lifecycle;
    @Inject
    TaskSettings settings;
    @Inject
    TaskMetrics metrics;
    @Inject
    ClaimSignals signals;
    @Inject
    OutboxRelay relay;

    public record NewTask(String taskType, String capability, JsonNode inputData, Integer priority,
                          Integer timeoutSeconds, Integer maxRetries, Double minTrust) {
    }

    public record Created(TaskRecord task, boolean replayed, UUID taskId) {
    }

    public Created create(Caller caller, NewTask n, String idempotencyKey) {
        Check check = Check.of()
                .required("task_type", n.taskType()).pattern("task_type", n.taskType(), NAME,
                        "letters, digits and . _ : / - (at most 100)")
                .required("capability_required", n.capability()).pattern("capability_required", n.capability(), NAME,
                        "letters, digits and . _ : / - (at most 100)")
                .range("priority", n.priority(), 1, 10)
                .range("timeout_seconds", n.timeoutSeconds(), 1, 86_400)
                .range("max_retries", n.maxRetries(), 0, 20)
                .rangeD("min_trust", n.minTrust(), 0, 1)
                .maxLength("Idempotency-Key", idempotencyKey, 200);
        String input = Json.write(n.inputData() == null ? Json.MAPPER.createObjectNode() : n.inputData());
        check.that(input.getBytes(StandardCharsets.UTF_8).length <= settings.maxInputBytes(), "input_data",
                "must be at most " + settings.maxInputBytes() + " bytes of JSON");
        check.orThrow();
        UUID id = UUID.randomUUID();
        var row = new TaskStore.NewTask(id, n.taskType(), n.capability(), Json.tree(input),
                n.priority() == null ? 5 : n.priority(), n.timeoutSeconds() == null ? 300 : n.timeoutSeconds(),
                n.maxRetries() == null ? 3 : n.maxRetries(), n.minTrust() == null ? 0 : n.minTrust(), caller.id());
        String requestHash = idempotencyKey == null ? null : Secrets.hash(Json.write(row.taskType()) + "|"
                + row.capability() + "|" + input + "|" + row.priority() + "|" + row.timeoutSeconds() + "|"
                + row.maxRetries() + "|" + row.minTrust());
        // One transaction: the task, its event and its first routing attempt commit together (one
        // durable commit per submission); a registry outage only leaves the task queued.
        Created created = database.inTransaction(tx -> {
            if (idempotencyKey != null && !store.idempotencyInsert(tx, caller.id(), idempotencyKey, requestHash, id)) {
                var seen = store.idempotencyGet(tx, caller.id(), idempotencyKey).orElseThrow();
                if (!seen.getKey().equals(requestHash)) {
                    throw new ApiProblem(422, "idempotency-key-reused", "Idempotency key reused",
                            "Idempotency-Key was used before with a different request body", List.of(), null);
                }
                return new Created(null, true, seen.getValue());
            }
            TaskRecord t = store.insert(tx, row);
            TaskEvents.analytics(tx, "task.created", t, TaskState.QUEUED, null, null, null, null);
            var queued = new TaskStore.QueuedTask(t.taskId(), t.taskType(), t.capability(), t.minTrust(),
                    t.priority(), t.createdBy(), t.createdAt());
            return new Created(router.route(tx, queued, true).orElse(t), false, id);
        });
        if (created.replayed()) {
            return new Created(get(caller, created.taskId()), true, created.taskId());
        }
        metrics.created(n.taskType());
        LOG.fine(() -> "task " + id + " (" + n.taskType() + ") submitted by " + caller.id());
        if (created.task().assignedAgentId() != null) {
            signals.signal(created.task().assignedAgentId());
        }
        relay.wake();
        return created;
    }

    /** A task the caller may see: its creator, an admin, or the agent it is or was assigned to. */
    public TaskRecord get(Caller caller, UUID id) {
        TaskRecord t = store.find(store.db(), id).orElseThrow(() -> ApiProblem.notFound("task", id));
        if (!visible(caller, t)) {
            throw ApiProblem.notFound("task", id);
        }
        return t;
    }

    public List<AttemptRecord> attempts(Caller caller, UUID id) {
        get(caller, id);
        return store.attempts(store.db(), id);
    }

    public List<TaskStore.RoutingRow> routing(Caller caller, UUID id) {
        get(caller, id);
        return store.routing(id);
    }

    public List<TaskRecord> list(Caller caller, String status, String taskType, UUID agentId, Cursor after,
                                 int limit) {
        String creator = caller.isAdmin() ? null : caller.id();
        return store.list(creator, status, taskType, agentId, after, limit);
    }

    public TaskRecord cancel(Caller caller, UUID id, String reason) {
        Check.of().maxLength("reason", reason, 500).orThrow();
        TaskRecord after = database.inTransaction(tx -> {
            TaskRecord t = store.lock(tx, id).filter(x -> visible(caller, x) && !caller.isAgent())
                    .orElseThrow(() -> ApiProblem.notFound("task", id));
            if (t.status().terminal()) {
                throw ApiProblem.conflict("task-finished", "task " + id + " is " + t.status()
                        + "; a finished task cannot be cancelled");
            }
            lifecycle.cancel(tx, t, reason, caller.id());
            return store.find(tx, id).orElseThrow();
        });
        relay.wake();
        return after;
    }

    private static boolean visible(Caller caller, TaskRecord t) {
        if (caller.isAdmin() || caller.id().equals(t.createdBy())) {
            return true;
        }
        return caller.isAgent() && t.assignedAgentId() != null && caller.id().equals(t.assignedAgentId().toString());
    }
}
