package dev.ains.tasks.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.error.FieldError;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.Caller;
import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
import io.helidon.dbclient.DbExecute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The agent side of AITP: claim (long poll, one or many), start, complete, fail, and results in bulk. */
@ApplicationScoped
public class AgentWorkService {
    private static final Logger LOG = Logger.getLogger(AgentWorkService.class.getName());
    /** The most tasks one claim takes and the most results one report carries. */
    public static final int MAX_BATCH = 100;
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
    AgentActivity activity;

    /** What a claim answers: the tasks claimed (none when nothing came) and the agent's tasks cancelled since. */
    public record Claim(List<TaskRecord> tasks, List<UUID> cancelled) {
    }

    /**
     * Takes up to {@code maxTasks} of the agent's routed tasks, waiting up to {@code waitSeconds} for the
     * first. One transaction: the claim statement (which starts each attempt), their task.started events
     * and the agent's cancellation notices.
     */
    public Claim claim(Caller caller, UUID agentId, Integer waitSeconds, Integer maxTasks) {
        caller.requireAgent(agentId.toString());
        activity.saw(caller);
        Check.of().range("wait_seconds", waitSeconds, 0, 30).range("max_tasks", maxTasks, 1, MAX_BATCH).orThrow();
        int max = maxTasks == null ? 1 : maxTasks;
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds == null ? 0 : waitSeconds).toNanos();
        boolean askedDispatcher = false;
        while (true) {
            long seen = signals.version(agentId);
            Optional<Claim> claimed = database.inTransaction(tx -> {
                List<TaskRecord> tasks = store.claim(tx, agentId, max);
                if (tasks.isEmpty()) {
                    return Optional.empty();
                }
                TaskEvents.started(tx, tasks);
                return Optional.of(new Claim(tasks, store.takeCancelled(tx, agentId)));
            });
            if (claimed.isPresent()) {
                OffsetDateTime now = OffsetDateTime.now();
                for (TaskRecord t : claimed.get().tasks()) {
                    metrics.pickup(Duration.between(t.attemptCount() == 1 ? t.createdAt() : t.updatedAt(), now));
                }
                LOG.fine(() -> "agent " + agentId + " claimed " + claimed.get().tasks().stream()
                        .map(t -> t.taskId() + " attempt " + t.attemptCount()).toList());
                return claimed.get();
            }
            if (!askedDispatcher) {
                // Queued work may be waiting for exactly this agent (it just came online).
                dispatcher.wake();
                askedDispatcher = true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                signals.await(agentId, seen, Math.min(POLL_MS, Duration.ofNanos(left).toMillis() + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Claim(List.of(), database.inTransaction(tx -> store.takeCancelled(tx, agentId)));
    }

    /** The tasks the agent is running (claimed, not yet reported), for a pushing stream that (re)connects. */
    public List<TaskRecord> running(Caller caller, UUID agentId) {
        caller.requireAgent(agentId.toString());
        return store.runningFor(agentId);
    }

    /**
     * Tasks claimed for an agent whose stream could not deliver them: back to ASSIGNED for its next claim,
     * on the same attempt. Their task.started stands; the next claim publishes another.
     */
    public void handBack(UUID agentId, List<UUID> taskIds) {
        if (taskIds.isEmpty()) {
            return;
        }
        database.inTransactionRun(tx -> store.handBack(tx, agentId, taskIds, settings.claimTimeoutSeconds()));
        signals.signal(agentId);
        LOG.info(() -> "stream to agent " + agentId + " dropped: " + taskIds.size() + " pushed tasks handed back "
                + taskIds);
    }

    public TaskRecord start(Caller caller, UUID taskId) {
        activity.saw(caller);
        return database.inTransaction(tx -> {
            TaskRecord t = held(tx, caller, taskId);
            if (t.status() == TaskState.RUNNING) {
                return t; // a claim starts the attempt: this call is only for agents written before that
            }
            requireClaimed(t);
            TaskState.require(taskId, t.status(), TaskState.RUNNING);
            store.markRunning(tx, taskId, t.attemptCount());
            TaskEvents.publish(tx, TaskEventType.STARTED, t, TaskState.RUNNING, t.assignedAgentId(), t.attemptCount(),
                    null, null);
            return store.find(tx, taskId).orElseThrow();
        });
    }

    /**
     * Extends the holder's lease on its current attempt (one statement); when that finds nothing to
     * extend, the task is looked at under its lock to say why (404, 403, 409 stale-attempt / not-held /
     * task-finished / not-claimed).
     */
    public OffsetDateTime extendLease(Caller caller, UUID taskId, Integer attemptNo, Integer seconds) {
        activity.saw(caller);
        Check.of().required("attempt_no", attemptNo).range("attempt_no", attemptNo, 1, Integer.MAX_VALUE)
                .range("extend_seconds", seconds, 1, 86_400).orThrow();
        requireAgentOrAdmin(caller);
        UUID agent = caller.isAdmin() ? null : caller.agentId()
                .orElseThrow(() -> ApiProblem.forbidden("only agents hold leases"));
        return database.inTransaction(tx -> {
            Optional<OffsetDateTime> until = store.extendLease(tx, taskId, attemptNo, agent, seconds);
            if (until.isPresent()) {
                return until.get();
            }
            TaskRecord t = store.lock(tx, taskId).orElseThrow(() -> ApiProblem.notFound("task", taskId));
            if (attemptNo != t.attemptCount()) {
                throw staleAttempt(t, attemptNo);
            }
            held(tx, caller, taskId, t);
            requireClaimed(t);
            throw new IllegalStateException("task " + taskId + " is held by the caller yet its lease did not move");
        });
    }

    /** One reported outcome: a completion (with its result) or a failure (with its error) of one attempt. */
    public record Report(UUID taskId, Integer attemptNo, boolean completed, JsonNode result, Long executionMs,
                         String error, Boolean retryable) {
        public static Report completion(UUID taskId, Integer attemptNo, JsonNode result, Long executionMs) {
            return new Report(taskId, attemptNo, true, result, executionMs, null, null);
        }

        public static Report failure(UUID taskId, Integer attemptNo, String error, Boolean retryable) {
            return new Report(taskId, attemptNo, false, null, null, error, retryable);
        }
    }

    /** How one report was answered: the task's status after it, or the problem that refused it. */
    public record Reported(UUID taskId, TaskState taskStatus, ApiProblem problem) {
    }

    public TaskRecord complete(Caller caller, UUID taskId, Integer attemptNo, JsonNode result, Long executionMs) {
        return reportOne(caller, Report.completion(taskId, attemptNo, result, executionMs));
    }

    public TaskRecord fail(Caller caller, UUID taskId, Integer attemptNo, String error, Boolean retryable) {
        return reportOne(caller, Report.failure(taskId, attemptNo, error, retryable));
    }

    private TaskRecord reportOne(Caller caller, Report r) {
        activity.saw(caller);
        check(r).orThrow();
        TaskRecord after = database.inTransaction(tx -> {
            Optional<UUID> agent = caller.agentId();
            if (r.completed() && (agent.isPresent() || caller.isAdmin())) {
                // the common case in one statement; anything unusual falls through to the checked path
                Optional<TaskStore.Completion> done = store.completeHeld(tx, r.taskId(), r.attemptNo(),
                        agent.orElse(null), r.result(), r.executionMs());
                if (done.isPresent()) {
                    TaskRecord t = done.get().task();
                    completed(tx, t, t.executionMs(), r.result(), done.get().hasDependents());
                    return t;
                }
            }
            apply(tx, caller, r);
            return store.find(tx, r.taskId()).orElseThrow();
        });
        dispatcher.wake();
        return after;
    }

    /**
     * Many outcomes in one transaction and one commit. Each item's checks run before any of its writes, so
     * a refused item (404, 403, 409) leaves nothing behind and is answered on its own. Should a write fail
     * anyway (a deadlock with a concurrent cancel, say), the batch is rolled back and every item is
     * reported again in a transaction of its own, so one item can never cost the others theirs.
     */
    public List<Reported> report(Caller caller, UUID agentId, List<Report> items) {
        caller.requireAgent(agentId.toString());
        activity.saw(caller);
        Check batch = Check.of().required("items", items)
                .that(items == null || items.size() <= MAX_BATCH, "items", "must hold at most " + MAX_BATCH);
        if (items != null) {
            batch.that(items.stream().map(Report::taskId).distinct().count() == items.size(), "items",
                    "must name each task once");
        }
        batch.orThrow();
        List<FieldError> invalid = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Check c = check(items.get(i)).required("attempt_no", items.get(i).attemptNo());
            invalid.addAll(c.errors("items[" + i + "]."));
        }
        if (!invalid.isEmpty()) {
            throw ApiProblem.invalid(invalid);
        }
        List<Reported> out;
        try {
            out = database.inTransaction(tx -> items.stream().map(r -> reportIn(tx, caller, r)).toList());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a batch of " + items.size() + " results from agent " + agentId
                    + " failed as a whole (" + e + "); reporting each on its own", e);
            out = items.stream().map(r -> {
                try {
                    return database.inTransaction(tx -> reportIn(tx, caller, r));
                } catch (ApiProblem p) {
                    return new Reported(r.taskId(), null, p);
                }
            }).toList();
        }
        dispatcher.wake();
        return out;
    }

    private Reported reportIn(DbExecute tx, Caller caller, Report r) {
        try {
            return new Reported(r.taskId(), apply(tx, caller, r), null);
        } catch (ApiProblem p) {
            if (p.status() >= 500) {
                throw p;
            }
            return new Reported(r.taskId(), null, p);
        }
    }

    private Check check(Report r) {
        Check c = Check.of().required("task_id", r.taskId()).range("attempt_no", r.attemptNo(), 1, Integer.MAX_VALUE);
        if (r.completed()) {
            c.range("execution_ms", r.executionMs(), 0, Long.MAX_VALUE)
                    .that(r.result() == null || Json.write(r.result()).length() <= settings.maxInputBytes(), "result",
                            "must be at most " + settings.maxInputBytes() + " bytes of JSON");
        } else {
            c.required("error", r.error()).maxLength("error", r.error(), 4000);
        }
        return c;
    }

    /**
     * Applies one outcome inside the caller's transaction and answers the task's status after it. Every
     * check (and so every refusal) comes before the first write.
     */
    private TaskState apply(DbExecute tx, Caller caller, Report r) {
        UUID taskId = r.taskId();
        TaskRecord t = store.lock(tx, taskId).orElseThrow(() -> ApiProblem.notFound("task", taskId));
        requireAgentOrAdmin(caller);
        boolean current = r.attemptNo() == null || r.attemptNo() == t.attemptCount();
        if (!current || !t.status().held()) {
            // at-least-once delivery makes a repeated report normal: the same outcome again is answered as before
            int attempt = r.attemptNo() != null ? r.attemptNo() : t.attemptCount();
            if (repeats(tx, caller, t, attempt, r.completed())) {
                return t.status();
            }
            if (!current) {
                throw staleAttempt(t, r.attemptNo());
            }
        }
        held(tx, caller, taskId, t);
        requireClaimed(t);
        if (!r.completed()) {
            return lifecycle.failAttempt(tx, t, TaskLifecycle.FAILED, r.error(), r.retryable() == null || r.retryable());
        }
        TaskState.require(taskId, t.status(), TaskState.COMPLETED);
        OffsetDateTime from = t.startedAt() != null ? t.startedAt() : t.claimedAt();
        long ms = r.executionMs() != null ? r.executionMs()
                : Math.max(0, Duration.between(from, OffsetDateTime.now()).toMillis());
        store.markCompleted(tx, taskId, r.result(), ms);
        store.endAttempt(tx, taskId, t.attemptCount(), "SUCCEEDED", null, null, null);
        completed(tx, t, ms, r.result(), true);
        return TaskState.COMPLETED;
    }

    /** What follows a completion, whichever path wrote it: its events, metrics and unblocked dependents. */
    private void completed(DbExecute tx, TaskRecord t, long ms, JsonNode result, boolean mayHaveDependents) {
        UUID agent = t.assignedAgentId();
        int attempt = t.attemptCount();
        TaskEvents.outcome(tx, t, agent, "SUCCEEDED", ms);
        TaskEvents.completed(tx, t, agent, attempt, ms, result);
        TaskEvents.settlement(tx, t, TaskState.COMPLETED, null);
        metrics.completed(t.taskType());
        if (mayHaveDependents) {
            lifecycle.unblockDependents(tx, t);
        }
        LOG.fine(() -> "task " + t.taskId() + " completed by agent " + agent + " attempt " + attempt + " in " + ms
                + " ms");
    }

    /** Whether this caller already ended that attempt of the task with this outcome. */
    private boolean repeats(DbExecute tx, Caller caller, TaskRecord t, int attempt, boolean completed) {
        String outcome = completed ? "SUCCEEDED" : TaskLifecycle.FAILED;
        return store.attemptOutcome(tx, t.taskId(), attempt)
                .filter(a -> outcome.equals(a.outcome()))
                .filter(a -> caller.isAdmin() || caller.id().equals(a.agentId().toString()))
                .isPresent();
    }

    /** A report or lease for an attempt the task has moved on from. */
    private static ApiProblem staleAttempt(TaskRecord t, int attemptNo) {
        return ApiProblem.conflict("stale-attempt", "task " + t.taskId() + " is on attempt " + t.attemptCount()
                + ", not " + attemptNo + " (the lease was lost or the task was re-routed)");
    }

    private static void requireAgentOrAdmin(Caller caller) {
        if (!caller.isAdmin() && !caller.isAgent()) {
            throw ApiProblem.forbidden("only agents report on tasks");
        }
    }

    private TaskRecord held(DbExecute tx, Caller caller, UUID taskId) {
        TaskRecord t = store.lock(tx, taskId).orElseThrow(() -> ApiProblem.notFound("task", taskId));
        return held(tx, caller, taskId, t);
    }

    /** The task must be held by the calling agent; a finished or re-routed task is a conflict. */
    private TaskRecord held(DbExecute tx, Caller caller, UUID taskId, TaskRecord t) {
        requireAgentOrAdmin(caller);
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
