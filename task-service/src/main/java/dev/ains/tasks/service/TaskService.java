package dev.ains.tasks.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Secrets;
import dev.ains.kit.store.Cursor;
import dev.ains.tasks.lifecycle.Backoff;
import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.AttemptRecord;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
import io.helidon.dbclient.DbExecute;
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
    Admission admission;
    @Inject
    TaskLifecycle lifecycle;
    @Inject
    TaskSettings settings;
    @Inject
    TaskMetrics metrics;
    @Inject
    ClaimSignals signals;

    public record NewTask(String taskType, String capability, JsonNode inputData, Integer priority,
                          Integer timeoutSeconds, Integer maxRetries, Double minTrust, RetryPolicy retryPolicy,
                          List<UUID> dependsOn, Long budget, String currency, Integer auctionSeconds) {
    }

    /** A task's auction: it goes to economic-service before any routing. */
    record Auction(long budget, String currency, int seconds) {
    }

    /** A requested retry policy; null fields take the defaults. */
    public record RetryPolicy(String strategy, Long baseDelayMs, Long maxDelayMs, Double jitter) {
    }

    public record Created(TaskRecord task, boolean replayed, UUID taskId) {
    }

    /** A validated submission, ready to insert. */
    record Prepared(TaskStore.NewTask row, List<UUID> deps, String input, Auction auction) {
    }

    /** Checks one submission into {@code check} (field names relative to the task) and normalises it. */
    Prepared prepare(Check check, Caller caller, NewTask n, UUID id) {
        check.required("task_type", n.taskType()).pattern("task_type", n.taskType(), NAME,
                        "letters, digits and . _ : / - (at most 100)")
                .required("capability_required", n.capability()).pattern("capability_required", n.capability(), NAME,
                        "letters, digits and . _ : / - (at most 100)")
                .range("priority", n.priority(), 1, 10)
                .range("timeout_seconds", n.timeoutSeconds(), 1, 86_400)
                .range("max_retries", n.maxRetries(), 0, 20)
                .rangeD("min_trust", n.minTrust(), 0, 1)
                .range("budget", n.budget(), 0, 100_000_000_000_000L)
                .pattern("currency", n.currency(), "^[A-Z]{3}$", "an ISO 4217 code such as USD")
                .range("auction_seconds", n.auctionSeconds(), 1, 3600)
                .that(n.budget() == null || n.dependsOn() == null || n.dependsOn().isEmpty(), "budget",
                        "a task with dependencies cannot be auctioned (its price would be set before it can start)");
        String input = Json.write(n.inputData() == null ? Json.MAPPER.createObjectNode() : n.inputData());
        check.that(input.getBytes(StandardCharsets.UTF_8).length <= settings.maxInputBytes(), "input_data",
                "must be at most " + settings.maxInputBytes() + " bytes of JSON");
        Backoff retry = retryPolicy(check, n.retryPolicy());
        List<UUID> deps = n.dependsOn() == null ? List.of() : n.dependsOn().stream().distinct().toList();
        checkDependencies(check, caller, deps);
        String type = n.taskType() == null ? "" : n.taskType();
        var row = new TaskStore.NewTask(id, n.taskType(), n.capability(), Json.tree(input),
                n.priority() == null ? 5 : n.priority(),
                n.timeoutSeconds() == null ? settings.timeoutSeconds(type) : n.timeoutSeconds(),
                n.maxRetries() == null ? settings.maxRetries(type) : n.maxRetries(),
                n.minTrust() == null ? 0 : n.minTrust(), caller.id(), retry);
        Auction auction = n.budget() == null ? null : new Auction(n.budget(), n.currency(),
                n.auctionSeconds() == null ? 10 : n.auctionSeconds());
        return new Prepared(row, deps, input, auction);
    }

    public Created create(Caller caller, NewTask n, String idempotencyKey) {
        UUID id = UUID.randomUUID();
        Check check = Check.of().maxLength("Idempotency-Key", idempotencyKey, 200);
        Prepared prepared = prepare(check, caller, n, id);
        check.orThrow();
        admission.admitCapability(prepared.row().capability());
        var row = prepared.row();
        List<UUID> deps = prepared.deps();
        String input = prepared.input();
        Backoff retry = row.retry();
        String requestHash = idempotencyKey == null ? null : Secrets.hash(Json.write(row.taskType()) + "|"
                + row.capability() + "|" + input + "|" + row.priority() + "|" + row.timeoutSeconds() + "|"
                + row.maxRetries() + "|" + row.minTrust() + "|" + retry + "|" + deps + "|" + prepared.auction());
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
            if (!deps.isEmpty()) {
                store.insertDependencies(tx, id, deps);
                boolean waiting = store.dependencyStates(tx, deps).values().stream()
                        .anyMatch(d -> d.status() != TaskState.COMPLETED);
                if (waiting) {
                    store.block(tx, id);
                    TaskRecord blocked = store.find(tx, id).orElseThrow();
                    TaskEvents.publish(tx, TaskEventType.CREATED, blocked, TaskState.BLOCKED, null, null, null, null);
                    return new Created(blocked, false, id);
                }
            }
            if (prepared.auction() != null) {
                return new Created(startAuction(tx, t, prepared.auction()), false, id);
            }
            TaskEvents.publish(tx, TaskEventType.CREATED, t, TaskState.QUEUED, null, null, null, null);
            var queued = TaskStore.QueuedTask.of(t);
            return new Created(router.routeOnArrival(tx, queued).orElse(t), false, id);
        });
        if (created.replayed()) {
            return new Created(get(caller, created.taskId()), true, created.taskId());
        }
        metrics.created(n.taskType());
        LOG.fine(() -> "task " + id + " (" + n.taskType() + ") submitted by " + caller.id());
        if (created.task().assignedAgentId() != null) {
            signals.signal(created.task().assignedAgentId());
        }
        return created;
    }

    /**
     * Submits a task inside the caller's transaction (a schedule's tick): checked like any submission,
     * inserted with its event, routed at once when an agent is free.
     */
    public TaskRecord submitInTx(io.helidon.dbclient.DbExecute tx, Caller caller, NewTask n) {
        Check check = Check.of();
        Prepared p = prepare(check, caller, n, UUID.randomUUID());
        check.orThrow();
        TaskRecord t = store.insert(tx, p.row());
        metrics.created(t.taskType());
        if (p.auction() != null) {
            return startAuction(tx, t, p.auction());
        }
        TaskEvents.publish(tx, TaskEventType.CREATED, t, TaskState.QUEUED, null, null, null, null);
        var queued = TaskStore.QueuedTask.of(t);
        return router.routeOnArrival(tx, queued).orElse(t);
    }

    /**
     * Puts a just-inserted task out to auction: AUCTIONING, and a request to economic-service in the same
     * transaction (the outbox); the award comes back through {@code /internal/auction-results}.
     */
    private TaskRecord startAuction(DbExecute tx, TaskRecord t, Auction a) {
        store.startAuction(tx, t.taskId(), a.budget(), a.currency(), a.seconds());
        TaskRecord auctioning = store.find(tx, t.taskId()).orElseThrow();
        TaskEvents.publish(tx, TaskEventType.CREATED, auctioning, TaskState.AUCTIONING, null, null, null, null);
        TaskEvents.auctionRequested(tx, auctioning);
        LOG.fine(() -> "task " + t.taskId() + " put out to auction: budget " + a.budget());
        return auctioning;
    }

    /** Dependencies must exist, be the caller's to see, and still be able to complete. */
    private void checkDependencies(Check check, Caller caller, List<UUID> deps) {
        if (deps.isEmpty()) {
            return;
        }
        check.that(deps.size() <= 100, "depends_on", "at most 100 tasks");
        var known = store.dependencyStates(store.db(), deps);
        for (int i = 0; i < deps.size(); i++) {
            var d = known.get(deps.get(i));
            String f = "depends_on[" + i + "]";
            if (d == null || (!caller.isAdmin() && !caller.id().equals(d.createdBy()))) {
                check.that(false, f, "no task " + deps.get(i));
            } else if (d.status() == TaskState.DEAD_LETTERED || d.status() == TaskState.CANCELLED) {
                check.that(false, f, "task " + deps.get(i) + " is " + d.status() + " and will never complete");
            }
        }
    }

    public List<UUID> dependencies(Caller caller, UUID id) {
        get(caller, id);
        return store.dependencies(store.db(), id);
    }

    private Backoff retryPolicy(Check check, RetryPolicy p) {
        Backoff d = settings.backoff();
        if (p == null) {
            return d;
        }
        check.rangeD("retry_policy.jitter", p.jitter(), 0, 0.9)
                .range("retry_policy.base_delay_ms", p.baseDelayMs(), 0, 86_400_000)
                .range("retry_policy.max_delay_ms", p.maxDelayMs(), 0, 86_400_000);
        long base = p.baseDelayMs() == null ? d.baseMs() : p.baseDelayMs();
        long cap = p.maxDelayMs() == null ? Math.max(base, d.capMs()) : p.maxDelayMs();
        check.that(cap >= base, "retry_policy.max_delay_ms", "must be at least base_delay_ms");
        if (check.hasErrors()) {
            return d;
        }
        return new Backoff(p.strategy() == null ? d.strategy() : Backoff.Strategy.of(p.strategy()), base, cap,
                p.jitter() == null ? d.jitter() : Math.min(p.jitter(), 0.9));
    }

    /**
     * Sends a dead-lettered task (or one waiting for its retry) back to the queue now, with a fresh
     * retry budget, and tries to route it at once.
     */
    public TaskRecord retry(Caller caller, UUID id) {
        TaskRecord after = database.inTransaction(tx -> {
            TaskRecord t = lockVisible(tx, caller, id);
            if (t.status() != TaskState.DEAD_LETTERED && t.status() != TaskState.RETRY_WAIT) {
                throw ApiProblem.conflict("not-retryable", "task " + id + " is " + t.status()
                        + "; only DEAD_LETTERED or RETRY_WAIT tasks can be retried by hand");
            }
            return requeue(tx, t);
        });
        signalAssigned(after);
        return after;
    }

    public record Redriven(List<UUID> taskIds) {
    }

    /** Redrives the named dead letters (all must be dead-lettered and visible), or the oldest matching ones. */
    public Redriven redrive(Caller caller, List<UUID> ids, String taskType, Integer limit) {
        Check.of().that(ids == null || ids.size() <= 1000, "task_ids", "at most 1000 ids")
                .range("limit", limit, 1, 1000).orThrow();
        String creator = caller.isAdmin() ? null : caller.id();
        List<UUID> targets = ids != null && !ids.isEmpty() ? ids
                : store.oldestDeadLetters(creator, taskType, limit == null ? 100 : limit);
        List<TaskRecord> done = database.inTransaction(tx -> {
            List<TaskRecord> out = new java.util.ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                UUID id = targets.get(i);
                TaskRecord t = store.lock(tx, id).filter(x -> visible(caller, x)).orElse(null);
                if (t == null || t.status() != TaskState.DEAD_LETTERED) {
                    throw ApiProblem.invalid("task_ids[" + i + "]", "task " + id + " is not a dead letter you can see");
                }
                out.add(requeue(tx, t));
            }
            return out;
        });
        done.forEach(this::signalAssigned);
        return new Redriven(done.stream().map(TaskRecord::taskId).toList());
    }

    private TaskRecord requeue(io.helidon.dbclient.DbExecute tx, TaskRecord t) {
        TaskState.require(t.taskId(), t.status(), TaskState.QUEUED);
        store.requeue(tx, t.taskId());
        TaskEvents.publish(tx, TaskEventType.REQUEUED, t, TaskState.QUEUED, null, t.attemptCount(), null, null);
        metrics.redriven(t.taskType());
        var q = TaskStore.QueuedTask.of(t);
        return router.route(tx, q).orElseGet(() -> store.find(tx, t.taskId()).orElseThrow());
    }

    private void signalAssigned(TaskRecord t) {
        if (t.assignedAgentId() != null) {
            signals.signal(t.assignedAgentId());
        }
    }

    /** Changes the priority of a task that is still waiting. */
    public TaskRecord setPriority(Caller caller, UUID id, Integer priority) {
        Check.of().required("priority", priority).range("priority", priority, 1, 10).orThrow();
        return database.inTransaction(tx -> {
            TaskRecord t = lockVisible(tx, caller, id);
            if (t.status() != TaskState.QUEUED && t.status() != TaskState.RETRY_WAIT) {
                throw ApiProblem.conflict("not-waiting", "task " + id + " is " + t.status()
                        + "; the priority can change only while it waits");
            }
            store.setPriority(tx, id, priority);
            return store.find(tx, id).orElseThrow();
        });
    }

    /** Changes the timeout of a task that has not finished; a claimed attempt's lease moves with it. */
    public TaskRecord setTimeout(Caller caller, UUID id, Integer seconds) {
        Check.of().required("timeout_seconds", seconds).range("timeout_seconds", seconds, 1, 86_400).orThrow();
        return database.inTransaction(tx -> {
            TaskRecord t = lockVisible(tx, caller, id);
            if (t.status().terminal()) {
                throw ApiProblem.conflict("task-finished", "task " + id + " is " + t.status());
            }
            store.setTimeout(tx, id, seconds);
            return store.find(tx, id).orElseThrow();
        });
    }

    public List<TaskRecord> deadLetters(Caller caller, String taskType, String capability, Cursor after, int limit) {
        return store.deadLetters(caller.isAdmin() ? null : caller.id(), taskType, capability, after, limit);
    }

    /** The queue; each client's share only for admins. */
    public TaskStore.QueueStats queueStats(Caller caller) {
        TaskStore.QueueStats s = store.queueStats();
        return caller.isAdmin() ? s : new TaskStore.QueueStats(s.queued(), s.retryWaiting(), s.oldestWaitSeconds(),
                s.byPriority(), s.byCapability(), null);
    }

    private TaskRecord lockVisible(io.helidon.dbclient.DbExecute tx, Caller caller, UUID id) {
        return store.lock(tx, id).filter(x -> visible(caller, x) && !caller.isAgent())
                .orElseThrow(() -> ApiProblem.notFound("task", id));
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

    /** The stored decisions, and for a queued task why it waits now (worked out on the spot, not stored). */
    public List<TaskStore.RoutingRow> routing(Caller caller, UUID id) {
        TaskRecord t = get(caller, id);
        List<TaskStore.RoutingRow> rows = store.routing(id);
        if (t.status() != TaskState.QUEUED) {
            return rows;
        }
        List<TaskStore.RoutingRow> all = new ArrayList<>(rows);
        all.add(router.explainWait(TaskStore.QueuedTask.of(t)));
        return all;
    }

    public List<TaskRecord> list(Caller caller, String status, String taskType, UUID agentId, Cursor after,
                                 int limit) {
        String creator = caller.isAdmin() ? null : caller.id();
        return store.list(creator, status, taskType, agentId, after, limit);
    }

    public TaskRecord cancel(Caller caller, UUID id, String reason) {
        Check.of().maxLength("reason", reason, 500).orThrow();
        TaskRecord after = database.inTransaction(tx -> {
            TaskRecord t = lockVisible(tx, caller, id);
            if (t.status().terminal()) {
                throw ApiProblem.conflict("task-finished", "task " + id + " is " + t.status()
                        + "; a finished task cannot be cancelled");
            }
            lifecycle.cancel(tx, t, reason, caller.id());
            return store.find(tx, id).orElseThrow();
        });
        return after;
    }

    private static boolean visible(Caller caller, TaskRecord t) {
        if (caller.isAdmin() || caller.id().equals(t.createdBy())) {
            return true;
        }
        return caller.isAgent() && t.assignedAgentId() != null && caller.id().equals(t.assignedAgentId().toString());
    }
}
