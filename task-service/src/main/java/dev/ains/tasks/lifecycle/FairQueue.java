package dev.ains.tasks.lifecycle;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The order in which waiting tasks get a free agent (docs/routing.md):
 *
 * <ol>
 *   <li><b>Ageing</b>: a task's effective priority is its priority plus one level per
 *   {@code ageingStep} waited, capped at 10, so a priority-1 task outranks fresh priority-10 work
 *   after at most {@code 9 × ageingStep} and is never starved.</li>
 *   <li><b>Fair sharing</b>: within one effective priority, clients take turns (round robin, one task
 *   per turn, each client's tasks oldest first; the client waiting longest goes first), so a client
 *   that floods the queue gets one slot in N, not all of them.</li>
 * </ol>
 */
public final class FairQueue {
    public static final int MAX_PRIORITY = 10;

    private FairQueue() {
    }

    public static int effectivePriority(int priority, OffsetDateTime createdAt, OffsetDateTime now, Duration step) {
        long waited = Math.max(0, Duration.between(createdAt, now).toMillis());
        long levels = step.isZero() ? 0 : waited / step.toMillis();
        return (int) Math.min(MAX_PRIORITY, priority + levels);
    }

    /**
     * @param client    who submitted a task
     * @param priority  its priority
     * @param createdAt when it started waiting
     */
    public static <T> List<T> order(List<T> waiting, Function<T, String> client, Function<T, Integer> priority,
                                    Function<T, OffsetDateTime> createdAt, OffsetDateTime now, Duration step) {
        return order(waiting, client, priority, createdAt, now, step, Map.of());
    }

    /** @param served tasks routed per client in the recent window (missing: none) */
    public static <T> List<T> order(List<T> waiting, Function<T, String> client, Function<T, Integer> priority,
                                    Function<T, OffsetDateTime> createdAt, OffsetDateTime now, Duration step,
                                    Map<String, Long> served) {
        // effective priority (highest first) -> client -> that client's tasks, oldest first
        TreeMap<Integer, Map<String, Deque<T>>> levels = new TreeMap<>(Comparator.reverseOrder());
        List<T> byAge = new ArrayList<>(waiting);
        byAge.sort(Comparator.comparing(createdAt));
        for (T t : byAge) {
            int p = effectivePriority(priority.apply(t), createdAt.apply(t), now, step);
            levels.computeIfAbsent(p, k -> new LinkedHashMap<>())
                    .computeIfAbsent(client.apply(t), k -> new ArrayDeque<>()).add(t);
        }
        List<T> out = new ArrayList<>(waiting.size());
        for (Map<String, Deque<T>> clients : levels.values()) {
            List<Map.Entry<String, Deque<T>>> entries = new ArrayList<>(clients.entrySet());
            // stable sort: equal service keeps the oldest-task-first order of insertion
            entries.sort(Comparator.comparingLong(e -> served.getOrDefault(e.getKey(), 0L)));
            List<Deque<T>> turns = entries.stream().map(Map.Entry::getValue).toList();
            boolean any = true;
            while (any) {
                any = false;
                for (Deque<T> q : turns) {
                    T t = q.pollFirst();
                    if (t != null) {
                        out.add(t);
                        any = true;
                    }
                }
            }
        }
        return out;
    }
}
