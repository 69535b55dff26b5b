package dev.ains.tasks.service;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
import io.helidon.dbclient.DbExecute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * How an attempt ends, whoever ends it (the agent, a lease that ran out, an agent that went away):
 * close the attempt, and either schedule a retry with back-off or dead-letter the task (the agent's slot
 * is free once the task is no longer held). Always inside the caller's transaction, which holds the task's row lock.
 */
@ApplicationScoped
public class TaskLifecycle {
    private static final Logger LOG = Logger.getLogger(TaskLifecycle.class.getName());

    @Inject
    TaskStore store;
    @Inject
    TaskSettings settings;
    @Inject
    TaskMetrics metrics;

    /** Outcome names as the registry and the attempt history know them. */
    public static final String FAILED = "FAILED";
    public static final String TIMED_OUT = "TIMED_OUT";
    public static final String LOST = "LOST";

    /** Ends the task's current attempt as failed; returns the task's new state. */
    public TaskState failAttempt(DbExecute tx, TaskRecord t, String outcome, String error, boolean retryable) {
        UUID agent = t.assignedAgentId();
        boolean attemptsLeft = t.attemptsLeft();
        TaskState next;
        Long delay = null;
        if (retryable && attemptsLeft) {
            // A lost agent says nothing about the task: route it again at once. A failure backs off.
            delay = LOST.equals(outcome) ? 0L : t.retryPolicy().delayMs(t.attemptCount() - t.attemptsBase(),
                    ThreadLocalRandom.current());
            next = delay == 0 ? TaskState.QUEUED : TaskState.RETRY_WAIT;
            TaskState.require(t.taskId(), t.status(), next);
            store.markRetry(tx, t.taskId(), next, delay, error);
            metrics.retried(t.taskType());
        } else {
            next = TaskState.DEAD_LETTERED;
            TaskState.require(t.taskId(), t.status(), next);
            store.markDead(tx, t.taskId(), error);
            metrics.deadLettered(t.taskType());
        }
        if (agent != null) {
            store.endAttempt(tx, t.taskId(), t.attemptCount(), outcome, error, retryable, delay);
            TaskEvents.outcome(tx, t, agent, outcome, null);
        }
        TaskEvents.publish(tx, TaskEventType.FAILED, t, next, agent, t.attemptCount(), null, error);
        TaskEvents.afterFailure(tx, t, outcome, next, agent, error, delay);
        if (next == TaskState.DEAD_LETTERED) {
            TaskEvents.settlement(tx, t, next, error);
            failDependents(tx, t, "DEAD_LETTERED");
        }
        metrics.failed(t.taskType(), outcome);
        Long d = delay;
        LOG.info(() -> "task " + t.taskId() + " attempt " + t.attemptCount() + " on agent " + agent + " ended "
                + outcome + (error == null ? "" : " (" + error + ")") + " -> " + next
                + (d != null && d > 0 ? " in " + d + " ms" : ""));
        return next;
    }

    /**
     * A task that will never complete takes its blocked dependents with it: they are cancelled with a
     * reason naming it (and theirs in turn), unless {@code ains.tasks.on-dependency-failure=keep-blocked}
     * leaves them blocked for a manual decision.
     */
    public void failDependents(DbExecute tx, TaskRecord failed, String how) {
        if (!settings.cancelDependentsOnFailure()) {
            return;
        }
        for (UUID dependent : store.lockBlockedDependents(tx, failed.taskId())) {
            store.lock(tx, dependent).filter(d -> d.status() == TaskState.BLOCKED).ifPresent(d ->
                    cancel(tx, d, "dependency " + failed.taskId() + " was " + how, "ains"));
        }
    }

    /** Moves the blocked dependents of a completed task whose dependencies are all done to the queue. */
    public int unblockDependents(DbExecute tx, TaskRecord completed) {
        store.lockBlockedDependents(tx, completed.taskId());
        List<UUID> ready = store.unblockReady(tx, completed.taskId());
        for (UUID id : ready) {
            store.find(tx, id).ifPresent(t ->
                    TaskEvents.publish(tx, TaskEventType.UNBLOCKED, t, TaskState.QUEUED, null, null, null, null));
        }
        return ready.size();
    }

    /** Cancels a task that has not finished. */
    public void cancel(DbExecute tx, TaskRecord t, String reason, String by) {
        TaskState.require(t.taskId(), t.status(), TaskState.CANCELLED);
        boolean held = t.assignedAgentId() != null && t.status().held();
        if (held) {
            store.endAttempt(tx, t.taskId(), t.attemptCount(), "CANCELLED", reason, null, null);
            // the agent hears of it at its next claim
            store.notice(tx, t.assignedAgentId(), t.taskId(), "cancelled");
        }
        store.markCancelled(tx, t.taskId(), reason, by);
        TaskEvents.publish(tx, TaskEventType.CANCELLED, t, TaskState.CANCELLED, t.assignedAgentId(), null, null, reason);
        TaskEvents.settlement(tx, t, TaskState.CANCELLED, reason);
        metrics.cancelled(t.taskType());
        failDependents(tx, t, "CANCELLED");
        LOG.info(() -> "task " + t.taskId() + " cancelled by " + by + (reason == null ? "" : ": " + reason));
    }
}
