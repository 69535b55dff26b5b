package dev.ains.tasks.service;

import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.error.FieldError;
import dev.ains.kit.outbox.Outbox;
import dev.ains.kit.security.Caller;
import dev.ains.tasks.client.EventSinks;
import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.EventStore;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Batches (docs/task-lifecycle.md#batches): up to 100 tasks checked like single submissions, with
 * dependencies between them by client-side key, inserted with one statement in one transaction and
 * routed by the dispatcher right after the commit.
 */
@ApplicationScoped
public class BatchService {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(BatchService.class.getName());
    public static final int MAX_TASKS = 100;

    @Inject
    TaskService tasks;
    @Inject
    Admission admission;
    @Inject
    TaskStore store;
    @Inject
    Database database;
    @Inject
    TaskLifecycle lifecycle;
    @Inject
    TaskMetrics metrics;
    @Inject
    Dispatcher dispatcher;
    @Inject
    EventStore events;

    public record Item(String key, List<String> dependsOnKeys, TaskService.NewTask task) {
    }

    public record Accepted(int index, String key, UUID taskId, TaskState status) {
    }

    public record Rejected(int index, String key, List<FieldError> errors) {
    }

    public record Created(UUID batchId, List<Accepted> accepted, List<Rejected> rejected) {
    }

    public Created create(Caller caller, List<Item> items, boolean atomic, boolean failFast) {
        Check.of().that(items != null && !items.isEmpty(), "tasks", "at least one task")
                .that(items == null || items.size() <= MAX_TASKS, "tasks", "at most " + MAX_TASKS + " tasks")
                .orThrow();
        Map<String, Integer> keys = new HashMap<>();
        List<TaskService.Prepared> prepared = new ArrayList<>();
        Map<Integer, List<FieldError>> errors = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            String p = "tasks[" + i + "].";
            Check batchCheck = Check.of().maxLength("key", item.key(), 100);
            if (item.key() != null) {
                batchCheck.that(keys.putIfAbsent(item.key(), i) == null, "key", "duplicate key '" + item.key() + "'");
            }
            Check taskCheck = Check.of().required("task", item.task());
            // a batch is inserted and routed as one; an auction per item would undo that
            taskCheck.that(item.task() == null || item.task().budget() == null, "budget",
                    "tasks in a batch cannot be auctioned; submit them one by one");
            prepared.add(item.task() == null ? null : tasks.prepare(taskCheck, caller, item.task(), UUID.randomUUID()));
            List<FieldError> e = new ArrayList<>(batchCheck.errors(p));
            e.addAll(taskCheck.errors(item.task() == null ? p : p + "task."));
            if (!e.isEmpty()) {
                errors.put(i, e);
                if (failFast) {
                    break;
                }
            }
        }
        int checked = failFast && !errors.isEmpty() ? errors.keySet().iterator().next() + 1 : items.size();
        checkKeyDependencies(items, keys, errors, checked);
        if (!errors.isEmpty() && (atomic || failFast)) {
            throw ApiProblem.invalid(errors.values().stream().flatMap(List::stream).toList());
        }
        rejectDependentsOfRejected(items, keys, errors);
        if (errors.size() == items.size()) {
            throw ApiProblem.invalid(errors.values().stream().flatMap(List::stream).toList());
        }
        prepared.stream().filter(java.util.Objects::nonNull).map(p -> p.row().capability()).distinct()
                .forEach(admission::admitCapability);
        return insert(caller, items, prepared, errors);
    }

    /** Unknown keys and cycles among the tasks' key dependencies are errors of the tasks that name them. */
    private static void checkKeyDependencies(List<Item> items, Map<String, Integer> keys,
                                             Map<Integer, List<FieldError>> errors, int checked) {
        Map<Integer, List<Integer>> edges = new HashMap<>();
        for (int i = 0; i < checked; i++) {
            List<String> deps = items.get(i).dependsOnKeys() == null ? List.of() : items.get(i).dependsOnKeys();
            for (int j = 0; j < deps.size(); j++) {
                Integer target = keys.get(deps.get(j));
                if (target == null || target == i) {
                    errors.computeIfAbsent(i, k -> new ArrayList<>()).add(new FieldError(
                            "tasks[" + i + "].depends_on_keys[" + j + "]",
                            target == null ? "no task with key '" + deps.get(j) + "' in this batch"
                                    : "a task cannot depend on itself"));
                } else {
                    edges.computeIfAbsent(i, k -> new ArrayList<>()).add(target);
                }
            }
        }
        for (int i : cycleMembers(items.size(), edges)) {
            errors.computeIfAbsent(i, k -> new ArrayList<>()).add(new FieldError("tasks[" + i + "].depends_on_keys",
                    "dependencies form a cycle"));
        }
    }

    /** Tasks on a dependency cycle (Kahn's algorithm: whatever cannot be ordered). */
    static Set<Integer> cycleMembers(int n, Map<Integer, List<Integer>> edges) {
        int[] indegree = new int[n];
        Map<Integer, List<Integer>> reverse = new HashMap<>();
        edges.forEach((from, tos) -> tos.forEach(to -> {
            indegree[from]++;
            reverse.computeIfAbsent(to, k -> new ArrayList<>()).add(from);
        }));
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            if (indegree[i] == 0) {
                ready.add(i);
            }
        }
        boolean[] ordered = new boolean[n];
        while (!ready.isEmpty()) {
            int i = ready.poll();
            ordered[i] = true;
            for (int dependent : reverse.getOrDefault(i, List.of())) {
                if (--indegree[dependent] == 0) {
                    ready.add(dependent);
                }
            }
        }
        Set<Integer> cyclic = new java.util.TreeSet<>();
        for (int i = 0; i < n; i++) {
            if (!ordered[i] && edges.containsKey(i)) {
                cyclic.add(i);
            }
        }
        return cyclic;
    }

    /** Without atomicity a task that depends on a rejected one is rejected too (it could never run). */
    private static void rejectDependentsOfRejected(List<Item> items, Map<String, Integer> keys,
                                                   Map<Integer, List<FieldError>> errors) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 0; i < items.size(); i++) {
                if (errors.containsKey(i) || items.get(i).dependsOnKeys() == null) {
                    continue;
                }
                for (String k : items.get(i).dependsOnKeys()) {
                    Integer t = keys.get(k);
                    if (t != null && errors.containsKey(t)) {
                        errors.put(i, List.of(new FieldError("tasks[" + i + "].depends_on_keys",
                                "depends on rejected task '" + k + "'")));
                        changed = true;
                        break;
                    }
                }
            }
        }
    }

    private Created insert(Caller caller, List<Item> items, List<TaskService.Prepared> prepared,
                           Map<Integer, List<FieldError>> errors) {
        UUID batchId = UUID.randomUUID();
        Map<String, UUID> idOfKey = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            if (!errors.containsKey(i) && items.get(i).key() != null) {
                idOfKey.put(items.get(i).key(), prepared.get(i).row().taskId());
            }
        }
        List<Accepted> accepted = new ArrayList<>();
        List<TaskStore.BatchRow> rows = new ArrayList<>();
        List<Map<String, UUID>> dependencies = new ArrayList<>();
        OffsetDateTime now = OffsetDateTime.now();
        for (int i = 0; i < items.size(); i++) {
            if (errors.containsKey(i)) {
                continue;
            }
            Item item = items.get(i);
            var r = prepared.get(i).row();
            List<UUID> deps = new ArrayList<>(prepared.get(i).deps());
            if (item.dependsOnKeys() != null) {
                item.dependsOnKeys().forEach(k -> deps.add(idOfKey.get(k)));
            }
            boolean blocked = !deps.isEmpty();
            deps.stream().distinct().forEach(d -> dependencies.add(Map.of("task_id", r.taskId(), "depends_on", d)));
            TaskState status = blocked ? TaskState.BLOCKED : TaskState.QUEUED;
            rows.add(new TaskStore.BatchRow(r.taskId(), r.taskType(), r.capability(), r.inputData(), r.priority(),
                    r.timeoutSeconds(), r.maxRetries(), r.minTrust(), status.name(), r.createdBy(),
                    r.retry().strategy().wire(), r.retry().baseMs(), r.retry().capMs(), r.retry().jitter(), batchId, i,
                    item.key()));
            accepted.add(new Accepted(i, item.key(), r.taskId(), status));
        }
        database.inTransactionRun(tx -> {
            store.insertBatch(tx, batchId, caller.id(), rows, dependencies);
            TaskEvents.createdInBatch(tx, rows, now);
            // a dependency on an earlier task that has already completed does not block
            store.unblockReady(tx, null);
        });
        rows.forEach(r -> metrics.created(r.taskType()));
        dispatcher.wake();
        List<Rejected> rejected = errors.entrySet().stream()
                .map(e -> new Rejected(e.getKey(), items.get(e.getKey()).key(), e.getValue())).toList();
        return new Created(batchId, accepted, rejected);
    }

    public record Status(UUID batchId, int total, Map<String, Integer> byStatus, boolean done,
                         OffsetDateTime createdAt) {
    }

    /**
     * Records batch.completed for each batch whose tasks have all reached a final state. A sweep rather
     * than a check at each task's end: two tasks finishing at once could each see the other unfinished.
     * Each batch is announced once, by whichever replica marks it first.
     */
    public int announceCompleted() {
        int n = database.inTransaction(tx -> {
            List<EventStore.FinishedBatch> finished = events.completeBatches(tx);
            for (EventStore.FinishedBatch b : finished) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("batch_id", b.batchId());
                data.put("status", "COMPLETED");
                data.put("created_by", b.createdBy());
                data.put("counts", store.batchCounts(tx, b.batchId()));
                Outbox.add(tx, List.of(EventSinks.EVENTS), "batch.completed", data);
                LOG.fine(() -> "batch " + b.batchId() + " of " + b.createdBy() + " completed");
            }
            return finished.size();
        });
        return n;
    }

    public Status status(Caller caller, UUID batchId) {
        var b = visible(caller, batchId);
        return status(b, store.batchCounts(store.db(), batchId));
    }

    private static Status status(TaskStore.BatchInfo b, Map<String, Integer> counts) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        int finished = counts.entrySet().stream().filter(e -> TaskState.valueOf(e.getKey()).terminal())
                .mapToInt(Map.Entry::getValue).sum();
        return new Status(b.batchId(), total, counts, finished == total, b.createdAt());
    }

    public List<TaskStore.BatchResultRow> results(Caller caller, UUID batchId) {
        visible(caller, batchId);
        return store.batchResults(batchId);
    }

    /** Cancels every unfinished task of the batch, in one transaction. */
    public Status cancel(Caller caller, UUID batchId) {
        var b = visible(caller, batchId);
        Map<String, Integer> counts = database.inTransaction(tx -> {
            for (UUID id : store.batchUnfinished(tx, batchId)) {
                store.lock(tx, id).filter(t -> !t.status().terminal())
                        .ifPresent(t -> lifecycle.cancel(tx, t, "batch " + batchId + " cancelled", caller.id()));
            }
            return store.batchCounts(tx, batchId);
        });
        return status(b, counts);
    }

    /** Statuses of an ad-hoc set; ids the caller cannot see are reported missing, like unknown ones. */
    public record Statuses(List<TaskStore.StatusRow> found, List<String> missing) {
    }

    public Statuses statuses(Caller caller, String taskIds) {
        Check.of().required("taskids", taskIds).orThrow();
        List<UUID> ids = new ArrayList<>();
        String[] parts = taskIds.split(",");
        Check check = Check.of().that(parts.length <= 1000, "taskids", "at most 1000 ids");
        for (String p : parts) {
            try {
                ids.add(UUID.fromString(p.trim()));
            } catch (IllegalArgumentException e) {
                check.that(false, "taskids", "'" + p.trim() + "' is not a task id");
            }
        }
        check.orThrow();
        List<TaskStore.StatusRow> found = store.statuses(ids).stream().filter(r -> caller.isAdmin()
                || caller.id().equals(r.createdBy())
                || (caller.isAgent() && r.assignedAgentId() != null
                && caller.id().equals(r.assignedAgentId().toString()))).toList();
        Set<UUID> seen = new java.util.HashSet<>();
        found.forEach(r -> seen.add(r.taskId()));
        return new Statuses(found, ids.stream().filter(i -> !seen.contains(i)).map(UUID::toString).distinct().toList());
    }

    private TaskStore.BatchInfo visible(Caller caller, UUID batchId) {
        return store.batch(batchId).filter(b -> caller.isAdmin() || caller.id().equals(b.createdBy()))
                .orElseThrow(() -> ApiProblem.notFound("batch", batchId));
    }

}
