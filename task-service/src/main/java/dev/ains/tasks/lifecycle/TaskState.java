package dev.ains.tasks.lifecycle;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import dev.ains.kit.error.ApiProblem;

/**
 * The task state machine (docs/task-lifecycle.md). Every change of a task's status goes through
 * {@link #require}; an illegal transition is a 409 and changes nothing.
 */
public enum TaskState {
    AUCTIONING, BLOCKED, QUEUED, ASSIGNED, RUNNING, RETRY_WAIT, COMPLETED, DEAD_LETTERED, CANCELLED;

    private static final Map<TaskState, Set<TaskState>> NEXT = Map.of(
            AUCTIONING, EnumSet.of(QUEUED, DEAD_LETTERED, CANCELLED),
            BLOCKED, EnumSet.of(QUEUED, CANCELLED),
            QUEUED, EnumSet.of(ASSIGNED, CANCELLED),
            ASSIGNED, EnumSet.of(RUNNING, COMPLETED, RETRY_WAIT, QUEUED, DEAD_LETTERED, CANCELLED),
            RUNNING, EnumSet.of(COMPLETED, RETRY_WAIT, QUEUED, DEAD_LETTERED, CANCELLED),
            RETRY_WAIT, EnumSet.of(QUEUED, CANCELLED),
            COMPLETED, EnumSet.noneOf(TaskState.class),
            DEAD_LETTERED, EnumSet.of(QUEUED),
            CANCELLED, EnumSet.noneOf(TaskState.class));

    /** Finished: nothing happens to it by itself any more (a dead letter can still be redriven by hand). */
    public boolean terminal() {
        return this == COMPLETED || this == DEAD_LETTERED || this == CANCELLED;
    }

    /** Held by an agent: it counts against the agent's capacity and carries a lease. */
    public boolean held() {
        return this == ASSIGNED || this == RUNNING;
    }

    public boolean canMoveTo(TaskState to) {
        return NEXT.get(this).contains(to);
    }

    public static void require(Object taskId, TaskState from, TaskState to) {
        if (!from.canMoveTo(to)) {
            throw ApiProblem.conflict("illegal-transition",
                    "task " + taskId + " is " + from + " and cannot become " + to);
        }
    }
}
