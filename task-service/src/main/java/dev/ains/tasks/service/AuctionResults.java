package dev.ains.tasks.service;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

import dev.ains.kit.db.Database;
import dev.ains.kit.error.Check;
import dev.ains.tasks.api.model.AuctionResult;
import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
import io.helidon.dbclient.DbExecute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * How economic-service's auctions end, applied to their tasks: the winner gets the task (it is queued
 * for the winner alone and routed at once), no acceptable bid queues it for plain routing, a failed
 * auction dead-letters it with the reason. Idempotent: a task no longer AUCTIONING is left alone.
 */
@ApplicationScoped
public class AuctionResults {
    private static final Logger LOG = Logger.getLogger(AuctionResults.class.getName());

    @Inject
    Database database;
    @Inject
    TaskStore store;
    @Inject
    Router router;
    @Inject
    TaskLifecycle lifecycle;
    @Inject
    TaskMetrics metrics;
    @Inject
    ClaimSignals signals;
    @Inject
    Dispatcher dispatcher;

    public void ingest(List<AuctionResult> results) {
        Check check = Check.of().required("results", results);
        if (results != null) {
            for (int i = 0; i < results.size(); i++) {
                AuctionResult r = results.get(i);
                String f = "results[" + i + "].";
                check.required(f + "task_id", r.getTaskId()).required(f + "result", r.getResult())
                        .that(r.getResult() != AuctionResult.ResultEnum.AWARDED || r.getAgentId() != null,
                                f + "agent_id", "is required for an award");
            }
        }
        check.orThrow();
        for (AuctionResult r : results) {
            Optional<TaskRecord> routed = database.inTransaction(tx -> store.lock(tx, r.getTaskId())
                    .filter(t -> t.status() == TaskState.AUCTIONING)
                    .flatMap(t -> apply(tx, t, r)));
            routed.map(TaskRecord::assignedAgentId).ifPresent(signals::signal);
        }
        dispatcher.wake();
    }

    private Optional<TaskRecord> apply(DbExecute tx, TaskRecord t, AuctionResult r) {
        switch (r.getResult()) {
            case AWARDED, NO_BIDS -> {
                UUID winner = r.getResult() == AuctionResult.ResultEnum.AWARDED ? r.getAgentId() : null;
                TaskState.require(t.taskId(), t.status(), TaskState.QUEUED);
                store.auctionQueued(tx, t.taskId(), winner, winner == null ? null : r.getPrice(), r.getCurrency());
                TaskRecord queued = store.find(tx, t.taskId()).orElseThrow();
                LOG.info(() -> "task " + t.taskId() + (winner == null ? ": no acceptable bid, routed as usual"
                        : ": auction won by agent " + winner + " at " + r.getPrice()));
                return router.route(tx, TaskStore.QueuedTask.of(queued));
            }
            default -> {
                String error = "auction failed: " + (r.getReason() == null ? "no reason given" : r.getReason());
                TaskState.require(t.taskId(), t.status(), TaskState.DEAD_LETTERED);
                store.markDead(tx, t.taskId(), error);
                TaskEvents.publish(tx, TaskEventType.FAILED, t, TaskState.DEAD_LETTERED, null, null, null, error);
                TaskEvents.afterFailure(tx, t, "FAILED", TaskState.DEAD_LETTERED, null, error, null);
                metrics.deadLettered(t.taskType());
                lifecycle.failDependents(tx, t, "DEAD_LETTERED");
                LOG.info(() -> "task " + t.taskId() + " dead-lettered: " + error);
                return Optional.empty();
            }
        }
    }
}
