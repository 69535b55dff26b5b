package dev.ains.tasks.service;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.ains.kit.db.Database;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.tasks.client.RegistryGateway;
import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.EventStore;
import dev.ains.tasks.store.TaskStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Takes tasks back: retries whose back-off is over return to the queue; a held task whose lease ran out
 * (not claimed within the claim timeout, or running past its {@code timeout_seconds}) or whose agent
 * went offline ends its attempt and follows its retry policy. Each task is re-checked under its row
 * lock, so replicas running the same job never handle one task twice. It also schedules the other
 * periodic sweeps of task-service: dependencies, batch completion, journal pruning.
 */
@ApplicationScoped
public class LeaseKeeper {
    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class.getName());

    @Inject
    Database database;
    @Inject
    TaskStore store;
    @Inject
    TaskLifecycle lifecycle;
    @Inject
    RegistryGateway registry;
    @Inject
    Dispatcher dispatcher;
    @Inject
    Router router;
    @Inject
    TaskSettings settings;
    @Inject
    TaskMetrics metrics;
    @Inject
    BackgroundJobs jobs;
    @Inject
    BatchService batches;
    @Inject
    EventStore events;
    @Inject
    WebhookSettings webhookSettings;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        metrics.registerGauges();
        jobs.every("retry-requeue", settings.leaseCheckMs(), this::requeueDue);
        jobs.every("lease-expiry", settings.leaseCheckMs(), this::expireLeases);
        jobs.every("agent-liveness", settings.livenessCheckMs(), this::reclaimFromOfflineAgents);
        jobs.every("queue-gauges", 2000, () -> metrics.queueDepth(store.queueDepthForMetrics(settings.queueDepthExactUpTo())));
        jobs.every("dependencies", settings.leaseCheckMs(), this::settleDependencies);
        jobs.every("batch-completion", settings.leaseCheckMs(), batches::announceCompleted);
        jobs.every("event-journal-pruning", 600_000, () -> events.prune(webhookSettings.journalRetentionHours()));
    }

    public int requeueDue() {
        int n = database.inTransaction(tx -> {
            List<TaskStore.QueuedTask> due = store.requeueDue(tx);
            for (TaskStore.QueuedTask q : due) {
                TaskRecord t = store.find(tx, q.taskId()).orElseThrow();
                TaskEvents.publish(tx, TaskEventType.REQUEUED, t, TaskState.QUEUED, null, t.attemptCount(), null, null);
            }
            return due.size();
        });
        if (n > 0) {
            dispatcher.wake();
        }
        return n;
    }

    /**
     * The safety net under the in-transaction handling: unblocks tasks whose dependencies all completed
     * and cancels blocked tasks with a dependency that never will (a dependency can finish between a
     * submission's check and its commit).
     */
    public int settleDependencies() {
        int unblocked = database.inTransaction(tx -> store.unblockReady(tx, null).size());
        int cancelled = 0;
        if (settings.cancelDependentsOnFailure()) {
            for (TaskStore.Doomed d : store.doomedBlocked()) {
                cancelled += database.inTransaction(tx -> store.lock(tx, d.taskId())
                        .filter(t -> t.status() == TaskState.BLOCKED)
                        .map(t -> {
                            lifecycle.cancel(tx, t, "dependency " + d.dependency() + " was " + d.dependencyStatus(),
                                    "ains");
                            return 1;
                        }).orElse(0));
            }
        }
        if (unblocked + cancelled > 0) {
            dispatcher.wake();
        }
        return unblocked + cancelled;
    }

    public int expireLeases() {
        int n = 0;
        for (UUID id : store.expiredLeases()) {
            n += database.inTransaction(tx -> store.lock(tx, id)
                    .filter(t -> t.status().held() && t.leaseExpiresAt() != null
                            && t.leaseExpiresAt().isBefore(java.time.OffsetDateTime.now()))
                    .map(t -> {
                        boolean claimed = t.claimedAt() != null;
                        lifecycle.failAttempt(tx, t, claimed ? TaskLifecycle.TIMED_OUT : TaskLifecycle.LOST,
                                claimed ? "ran past its timeout of " + t.timeoutSeconds() + " s"
                                        : "not claimed within " + settings.claimTimeoutSeconds() + " s", true);
                        return 1;
                    }).orElse(0));
        }
        if (n > 0) {
            dispatcher.wake();
        }
        return n;
    }

    public int reclaimFromOfflineAgents() {
        List<UUID> holders = store.heldAgents();
        if (holders.isEmpty()) {
            return 0;
        }
        Map<UUID, String> status;
        try {
            status = registry.statuses(holders);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "registry unavailable; liveness check skipped", e);
            return 0;
        }
        List<UUID> gone = holders.stream().filter(a -> !"ONLINE".equals(status.get(a))).toList();
        if (gone.isEmpty()) {
            return 0;
        }
        router.forgetCandidates();
        int n = 0;
        for (UUID id : store.heldBy(gone)) {
            n += database.inTransaction(tx -> store.lock(tx, id)
                    .filter(t -> t.status().held() && gone.contains(t.assignedAgentId()))
                    .map(t -> {
                        lifecycle.failAttempt(tx, t, TaskLifecycle.LOST,
                                "agent " + t.assignedAgentId() + " is " + status.getOrDefault(t.assignedAgentId(),
                                        "unknown"), true);
                        return 1;
                    }).orElse(0));
        }
        if (n > 0) {
            int count = n;
            LOG.info(() -> "took back " + count + " tasks from agents that went away: " + gone);
            dispatcher.wake();
        }
        return n;
    }
}
