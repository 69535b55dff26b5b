package dev.ains.tasks.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.ains.kit.db.Database;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.jobs.WakeableWorker;
import dev.ains.tasks.lifecycle.FairQueue;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
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
    private static final int WINDOW = 500;
    private static final int MAX_MISSES = 5;

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
    @Inject
    BackgroundJobs jobs;

    private WakeableWorker worker;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // Every finished task and every idle claim wakes the dispatcher; 10 ms between passes keeps a
        // storm of wake-ups from turning into a storm of queue scans.
        worker = jobs.start(new WakeableWorker("task-dispatcher", this::dispatchOnce, settings.dispatchIntervalMs(), 0,
                BATCH, 10));
    }

    public void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    /**
     * One pass: for every capability with queued tasks and at least one candidate agent, the head of
     * that capability's queue in {@link FairQueue} order (ageing, then clients taking turns). Going by
     * capability keeps tasks nobody can take from blocking the rest; each task is locked on its own
     * (SKIP LOCKED), so replicas share the work. A capability is left after a few tasks in a row find
     * no free agent. Returns how many tasks were routed.
     */
    public int dispatchOnce() {
        List<UUID> woken = new ArrayList<>();
        Duration step = Duration.ofSeconds(settings.ageingSeconds());
        for (String capability : store.queuedCapabilities()) {
            if (!router.anyCandidate(capability)) {
                continue;
            }
            List<TaskStore.QueuedTask> window = store.queuedWindow(capability, settings.ageingSeconds(), WINDOW);
            if (window.isEmpty()) {
                continue;
            }
            var served = store.recentlyServed(capability, settings.ageingSeconds());
            List<TaskStore.QueuedTask> fair = FairQueue.order(window, TaskStore.QueuedTask::createdBy,
                    TaskStore.QueuedTask::priority, TaskStore.QueuedTask::createdAt, OffsetDateTime.now(), step,
                    served);
            int misses = 0;
            Router.PassLoads loads = new Router.PassLoads();
            for (TaskStore.QueuedTask q : fair) {
                Optional<UUID> agent = database.inTransaction(tx -> store.lockQueued(tx, q.taskId())
                        .flatMap(locked -> router.route(tx, locked, false, loads)).map(TaskRecord::assignedAgentId));
                if (agent.isPresent()) {
                    woken.add(agent.get());
                    misses = 0;
                } else if (++misses >= MAX_MISSES) {
                    break;
                }
            }
        }
        woken.forEach(signals::signal);
        return woken.size();
    }
}
