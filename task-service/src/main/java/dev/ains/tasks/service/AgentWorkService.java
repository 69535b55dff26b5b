package dev.ains.tasks.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.json.Json;
import dev.ains.kit.outbox.OutboxRelay;
import dev.ains.kit.security.Caller;
import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The agent side of AITP: claim (long poll), start, complete, fail. */
@ApplicationScoped
public class AgentWorkService {
    private static final Logger LOG = Logger.getLogger(AgentWorkService.class.getName());
    /** Waiters re-check the database this often, to see tasks routed by another replica. */
    private static final long POLL_MS = 100;

    @Inject
    TaskStore store;
    @Inject
    Database database;
    @Inject
    TaskLifecycle lifecycle;
    @Inject
    TaskSettings settings;
    @Inject
    TaskMetrics metrics;
    @Inject
    ClaimSignals signals;
    @Inject
    Dispatcher dispatcher;
    @Inject
    OutboxRelay relay;

    /** What a claim answers: the task (if any) and the agent's tasks cancelled since its last claim. */
    public record Claim(Optional<TaskRecord> task, List<UUID> cancelled) {
    }

    public Claim claim(Caller caller, UUID agentId, Integer waitSeconds) {
        Optional<TaskRecord> task = claimTask(caller, agentId, waitSeconds);
        List<UUID> cancelled = database.inTransaction(tx -> store.takeCancelled(tx, agentId));
        return new Claim(task, cancelled);
    }

    private Optional<TaskRecord> claimTask(Caller caller, UUID agentId, Integer waitSeconds) {
        caller.requireAgent(agentId.toString());
        Check.of().range("wait_seconds", waitSeconds, 0, 30).orThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds == null ? 0 : waitSeconds).toNanos();
        boolean askedDispatcher = false;
        while (true) {
            long seen = signals.version(agentId);
            Optional<TaskRecord> claimed = database.inTransaction(tx -> store.claim(tx, agentId));
            if (claimed.isPresent()) {
                TaskRecord t = claimed.get();
                OffsetDateTime since = t.attemptCount() == 1 ? t.createdAt() : t.updatedAt();
                metrics.pickup(Duration.between(since, OffsetDateTime.now()));
                LOG.fine(() -> "agent " + agentId + " claimed task " + t.taskId() + " attempt " + t.attemptCount());
                return claimed;
            }
            if (!askedDispatcher) {
                // Queued work may be waiting for exactly this agent (it just came online).
                dispatcher.wake();
                askedDispatcher = true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            try {
                signals.await(agentId, seen, Math.min(POLL_MS, Duration.ofNanos(left).toMillis() + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    public TaskRecord start(Caller caller, UUID taskId) {
        return database.inTransaction(tx -> {
            TaskRecord t = held(tx, caller, taskId);
            if (t.status() == TaskState.RUNNING) {
                return t;
            }
            requireClaimed(t);
            TaskState.require(taskId, t.status(), TaskState.RUNNING);
            store.markRunning(tx, taskId, t.attemptCount());
            TaskEvents.publish(tx, "task.started", t, TaskState.RUNNING, t.assignedAgentId(), t.attemptCount(),
                    null, null);
            return store.find(tx, taskId).orElseThrow();
        });
    }

    public TaskRecord complete(Caller caller, UUID taskId, JsonNode result, Long executionMs) {
        Check.of().range("execution_ms", executionMs, 0, Long.MAX_VALUE)
                .that(result == null || Json.write(result).length() <= settings.maxInputBytes(), "result",
                        "must be at most " + settings.maxInputBytes() + " bytes of JSON")
                .orThrow();
        TaskRecord done = database.inTransaction(tx -> {
            TaskRecord t = store.lock(tx, taskId).orElseThrow(() -> ApiProblem.notFound("task", taskId));
            if (t.status() == TaskState.COMPLETED && ownedBy(caller, t)) {
                return t; // the same completion again: at-least-once delivery makes this normal
            }
            t = held(tx, caller, taskId, t);
            requireClaimed(t);
            TaskState.require(taskId, t.status(), TaskState.COMPLETED);
            OffsetDateTime from = t.startedAt() != null ? t.startedAt() : t.claimedAt();
            long ms = executionMs != null ? executionMs
                    : Math.max(0, Duration.between(from, OffsetDateTime.now()).toMillis());
            store.releaseSlot(tx, t.assignedAgentId());
            store.markCompleted(tx, taskId, result, ms);
            store.endAttempt(tx, taskId, t.attemptCount(), "SUCCEEDED", null, null, null);
            TaskEvents.outcome(tx, t, t.assignedAgentId(), "SUCCEEDED", ms);
            TaskEvents.completed(tx, t, t.assignedAgentId(), t.attemptCount(), ms, result);
            TaskEvents.settlement(tx, t, TaskState.COMPLETED, null);
            metrics.completed(t.taskType());
            lifecycle.unblockDependents(tx, t);
            TaskRecord tt = t;
            LOG.fine(() -> "task " + taskId + " completed by agent " + tt.assignedAgentId() + " in " + ms + " ms");
            return store.find(tx, taskId).orElseThrow();
        });
        relay.wake();
        dispatcher.wake();
        return done;
    }

    public TaskRecord fail(Caller caller, UUID taskId, String error, Boolean retryable) {
        Check.of().required("error", error).maxLength("error", error, 4000).orThrow();
        TaskRecord after = database.inTransaction(tx -> {
            TaskRecord t = held(tx, caller, taskId);
            requireClaimed(t);
            lifecycle.failAttempt(tx, t, TaskLifecycle.FAILED, error, retryable == null || retryable);
            return store.find(tx, taskId).orElseThrow();
        });
        relay.wake();
        dispatcher.wake();
        return after;
    }

    private TaskRecord held(io.helidon.dbclient.DbExecute tx, Caller caller, UUID taskId) {
        TaskRecord t = store.lock(tx, taskId).orElseThrow(() -> ApiProblem.notFound("task", taskId));
        return held(tx, caller, taskId, t);
    }

    /** The task must be held by the calling agent; a finished or re-routed task is a conflict. */
    private TaskRecord held(io.helidon.dbclient.DbExecute tx, Caller caller, UUID taskId, TaskRecord t) {
        if (!caller.isAdmin() && !caller.isAgent()) {
            throw ApiProblem.forbidden("only agents report on tasks");
        }
        if (t.status().terminal()) {
            throw ApiProblem.conflict("task-finished", "task " + taskId + " is " + t.status());
        }
        if (!t.status().held()) {
            throw ApiProblem.conflict("not-held", "task " + taskId + " is " + t.status()
                    + " and held by no agent (the lease was lost or the task was re-routed)");
        }
        if (!ownedBy(caller, t)) {
            throw ApiProblem.forbidden("task " + taskId + " is held by another agent");
        }
        return t;
    }

    private static boolean ownedBy(Caller caller, TaskRecord t) {
        return caller.isAdmin()
                || (t.assignedAgentId() != null && caller.id().equals(t.assignedAgentId().toString()));
    }

    private static void requireClaimed(TaskRecord t) {
        if (t.claimedAt() == null) {
            throw ApiProblem.conflict("not-claimed", "task " + t.taskId() + " was routed to this agent but not"
                    + " claimed yet; claim it first");
        }
    }
}
