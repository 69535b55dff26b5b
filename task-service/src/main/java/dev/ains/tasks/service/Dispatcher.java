package dev.ains.tasks.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.ains.kit.db.Database;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.jobs.WakeableWorker;
import dev.ains.tasks.lifecycle.FairQueue;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
import io.helidon.dbclient.DbExecute;
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
    private static final int CHUNK = 32;

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
    @Inject
    Admission admission;

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
     * capability keeps tasks nobody can take from blocking the rest; tasks are locked with SKIP LOCKED,
     * so replicas share the work. A capability is left after a few tasks in a row find no free agent.
     * Returns how many tasks were routed.
     */
    public int dispatchOnce() {
        int routed = 0;
        Duration step = Duration.ofSeconds(settings.ageingSeconds());
        List<String> queued = store.queuedCapabilities();
        router.backlogOnly(queued);
        admission.routingDelaysOnly(queued);
        OffsetDateTime now = OffsetDateTime.now();
        for (String capability : queued) {
            if (!router.anyCandidate(capability)) {
                continue;
            }
            List<TaskStore.QueuedTask> window = store.queuedWindow(capability, settings.ageingSeconds(), WINDOW);
            if (window.isEmpty()) {
                continue;
            }
            var served = store.recentlyServed(capability, settings.ageingSeconds());
            List<TaskStore.QueuedTask> fair = FairQueue.order(window, TaskStore.QueuedTask::createdBy,
                    TaskStore.QueuedTask::priority, TaskStore.QueuedTask::createdAt, now, step,
                    served);
            Map<UUID, OffsetDateTime> queuedSince = new HashMap<>();
            window.forEach(q -> queuedSince.put(q.taskId(), q.queuedSince()));
            Router.PassLoads loads = new Router.PassLoads();
            int[] misses = {0};
            OffsetDateTime oldest = null;
            for (int from = 0; from < fair.size() && misses[0] < MAX_MISSES; from += CHUNK) {
                List<TaskStore.QueuedTask> chunk = fair.subList(from, Math.min(fair.size(), from + CHUNK));
                List<TaskRecord> assigned = database.inTransaction(tx -> routeChunk(tx, chunk, loads, misses));
                for (TaskRecord t : assigned) {
                    signals.signal(t.assignedAgentId()); // committed: the agent can have it now
                    OffsetDateTime since = queuedSince.get(t.taskId());
                    oldest = oldest == null || since.isBefore(oldest) ? since : oldest;
                }
                routed += assigned.size();
            }
            boolean agentsFull = misses[0] >= MAX_MISSES;
            // a window routed to its end leaves nothing of the capability waiting here
            router.backlog(capability, window.size() >= WINDOW || agentsFull);
            admission.routingDelay(capability, agentsFull || oldest == null ? 0
                    : Duration.between(oldest, now).toMillis());
        }
        return routed;
    }

    /**
     * Routes a chunk of the queue in one transaction: one commit, one write and one slot count per agent
     * for up to {@link #CHUNK} tasks, where a transaction per task spent most of its time committing. Tasks
     * taken meanwhile are skipped; routing stops after {@link #MAX_MISSES} tasks in a row found no agent.
     */
    private List<TaskRecord> routeChunk(DbExecute tx, List<TaskStore.QueuedTask> chunk, Router.PassLoads loads,
                                        int[] misses) {
        Map<UUID, TaskStore.QueuedTask> locked = store.lockQueued(tx,
                chunk.stream().map(TaskStore.QueuedTask::taskId).toList());
        // in the fair order; those missing were routed, cancelled or are being routed elsewhere
        List<TaskStore.QueuedTask> tasks = chunk.stream().map(q -> locked.get(q.taskId())).filter(Objects::nonNull)
                .toList();
        return router.routeAll(tx, tasks, loads, misses, MAX_MISSES);
    }
}
