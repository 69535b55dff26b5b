package dev.ains.tasks.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.ains.kit.db.Database;
import dev.ains.kit.jobs.WakeableWorker;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Routes tasks that are still queued (no eligible agent at submission, back from a retry, re-routed
 * after a lost agent): every {@code ains.tasks.dispatch-interval-ms}, and at once when woken by a claim
 * that found nothing or a finished task that freed a slot. Batches are locked with SKIP LOCKED, so
 * replicas share the queue instead of fighting over it.
 */
@ApplicationScoped
public class Dispatcher {
    private static final int BATCH = 100;

    @Inject
    Database database;
    @Inject
    TaskStore store;
    @Inject
    Router router;
    @Inject
    ClaimSignals signals;
    @Inject
    TaskSettings settings;

    private WakeableWorker worker;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // Every finished task and every idle claim wakes the dispatcher; 10 ms between passes keeps a
        // storm of wake-ups from turning into a storm of queue scans.
        worker = new WakeableWorker("task-dispatcher", this::dispatchOnce, settings.dispatchIntervalMs(), 0, BATCH,
                10);
        worker.start();
    }

    public void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    /**
     * One pass: for every capability with queued tasks and at least one candidate agent, the head of
     * that capability's queue. Going by capability keeps tasks nobody can take from blocking the rest.
     * Returns how many tasks were routed.
     */
    public int dispatchOnce() {
        List<UUID> woken = new ArrayList<>();
        for (String capability : store.queuedCapabilities()) {
            if (!router.anyCandidate(capability)) {
                continue;
            }
            database.inTransactionRun(tx -> {
                for (TaskStore.QueuedTask q : store.lockQueuedBatch(tx, capability, BATCH)) {
                    router.route(tx, q, false).map(TaskRecord::assignedAgentId).ifPresent(woken::add);
                }
            });
        }
        woken.forEach(signals::signal);
        return woken.size();
    }

    @PreDestroy
    void stop() {
        if (worker != null) {
            worker.stop();
        }
    }
}
