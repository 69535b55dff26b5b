package dev.ains.tasks.service;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.ains.kit.db.Database;
import dev.ains.kit.json.Json;
import dev.ains.tasks.client.RegistryGateway;
import dev.ains.tasks.client.registry.model.Candidate;
import dev.ains.tasks.lifecycle.RoutingScore;
import dev.ains.tasks.lifecycle.TaskState;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;
import dev.ains.tasks.store.TaskStore.QueuedTask;
import io.helidon.dbclient.DbExecute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Routes a queued task to the best eligible agent (docs/routing.md) inside the caller's transaction,
 * which holds the task's row lock: the registry names the candidates (online, capable, trusted enough),
 * the tasks each holds say how busy it is, {@link RoutingScore} ranks them, and the slot is taken under the
 * agent's lock ({@link TaskStore#freeSlots}) — so no agent is ever pushed past its capacity, whatever the
 * number of replicas. Each decision is stored with every candidate and its score.
 */
@ApplicationScoped
public class Router {
    private static final Logger LOG = Logger.getLogger(Router.class.getName());

    @Inject
    TaskStore store;
    @Inject
    RegistryGateway registry;
    @Inject
    TaskSettings settings;
    @Inject
    TaskMetrics metrics;
    @Inject
    Dispatcher dispatcher;

    private final Map<String, CachedCandidates> cache = new ConcurrentHashMap<>();
    /** Capabilities with tasks waiting for the dispatcher though agents hold them (this replica's view). */
    private final Set<String> backlogged = ConcurrentHashMap.newKeySet();

    private record CachedCandidates(List<Candidate> candidates, Instant until) {
    }

    /**
     * Routes a task as it arrives (submission, schedule tick) — unless tasks of its capability are already
     * waiting for the dispatcher: then it waits its turn behind them (fairness), and the submission costs no
     * routing (under more load than the agents take, routing every arrival counted every candidate's held
     * tasks for nothing, #11). The dispatcher is woken once this transaction has committed.
     */
    public Optional<TaskRecord> routeOnArrival(DbExecute tx, QueuedTask task) {
        if (task.pinnedAgent() == null && backlogged.contains(task.capability())) {
            metrics.routed("queued_behind");
            Database.afterCommit(tx, dispatcher::wake);
            return Optional.empty();
        }
        return route(tx, task, null);
    }

    /**
     * Tells whether the dispatcher left tasks of the capability queued while it had candidates (its pass
     * ended with work left): arrivals then queue behind them instead of being routed on their own.
     */
    void backlog(String capability, boolean left) {
        if (left) {
            backlogged.add(capability);
        } else {
            backlogged.remove(capability);
        }
    }

    /** Forgets the backlog of capabilities that have no task queued any more. */
    void backlogOnly(Collection<String> queuedCapabilities) {
        backlogged.retainAll(queuedCapabilities);
    }

    /** @return the task as assigned, empty when it stays queued */
    public Optional<TaskRecord> route(DbExecute tx, QueuedTask task) {
        return route(tx, task, null);
    }

    /**
     * What agents hold, as counted once for a dispatch pass and kept up as the pass assigns. Counting is
     * proportional to what the candidates hold, and a pass routes up to a window of tasks to the same
     * candidates: one count per pass, not per task. Completions during the pass make it high, never low;
     * the slot itself is always taken on an exact count ({@link TaskStore#freeSlots}).
     */
    public static final class PassLoads {
        private final Map<UUID, Integer> held = new HashMap<>();
        private final Set<UUID> counted = new HashSet<>();

        Map<UUID, Integer> of(DbExecute tx, TaskStore store, List<UUID> agents) {
            List<UUID> missing = agents.stream().filter(a -> !counted.contains(a)).toList();
            if (!missing.isEmpty()) {
                held.putAll(store.loads(tx, missing));
                counted.addAll(missing);
            }
            return held;
        }

        void assigned(UUID agent) {
            held.merge(agent, 1, Integer::sum);
        }
    }

    /**
     * The agents whose slots this transaction has locked, with how many each has left (exact: nobody else
     * can take them until the commit), and those found locked by another transaction.
     */
    private static final class TxSlots {
        private final Map<UUID, Integer> left = new HashMap<>();
        private final Set<UUID> busy = new HashSet<>();
    }

    /** Where a task goes: {@code chosen} is null when it stays queued; {@code busy} when a candidate was locked. */
    private record Decision(QueuedTask task, UUID chosen, boolean busy, List<RoutingScore.Scored> ranked) {
        String reason() {
            return task.pinnedAgent() != null ? "won the task's auction"
                    : "highest score among " + ranked.stream().filter(RoutingScore.Scored::eligible).count()
                    + " eligible agents";
        }
    }

    /** As {@link #route(DbExecute, QueuedTask)}, ranking by the pass's loads when given. */
    private Optional<TaskRecord> route(DbExecute tx, QueuedTask task, PassLoads passLoads) {
        Decision d = decide(tx, task, passLoads, new TxSlots());
        if (d == null) {
            return Optional.empty();
        }
        if (d.chosen() == null) {
            missed(tx, d);
            return Optional.empty();
        }
        return Optional.of(assign(tx, List.of(d)).getFirst());
    }

    /**
     * Routes the dispatcher's locked tasks in order, in the caller's transaction, and writes every
     * assignment with one statement: an agent's slots are locked and counted once for the whole list, not
     * once per task. Stops after {@code maxMisses} tasks in a row stay queued ({@code misses} carries the
     * count across calls). Returns the tasks as assigned.
     */
    public List<TaskRecord> routeAll(DbExecute tx, List<QueuedTask> tasks, PassLoads passLoads, int[] misses,
                                     int maxMisses) {
        TxSlots slots = new TxSlots();
        List<Decision> chosen = new ArrayList<>();
        for (QueuedTask task : tasks) {
            Decision d = decide(tx, task, passLoads, slots);
            if (d == null) {
                break; // the registry is down: nothing can be routed now
            }
            if (d.chosen() != null) {
                chosen.add(d);
                misses[0] = 0;
            } else {
                missed(tx, d);
                if (++misses[0] >= maxMisses) {
                    break;
                }
            }
        }
        return chosen.isEmpty() ? List.of() : assign(tx, chosen);
    }

    /** Ranks the task's candidates and takes a slot of the best one that has room; null when the registry is down. */
    private Decision decide(DbExecute tx, QueuedTask task, PassLoads passLoads, TxSlots slots) {
        List<Candidate> candidates;
        try {
            candidates = candidates(task.capability(), task.minTrust());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "registry unavailable; task " + task.taskId() + " stays queued: " + e.getMessage());
            metrics.routed("registry_unavailable");
            return null;
        }
        Map<UUID, Candidate> byId = new LinkedHashMap<>();
        candidates.stream().filter(c -> task.pinnedAgent() == null || task.pinnedAgent().equals(c.getAgentId()))
                .forEach(c -> byId.put(c.getAgentId(), c)); // an auction's task goes to its winner only
        Map<UUID, Integer> loads = passLoads == null ? store.loads(tx, new ArrayList<>(byId.keySet()))
                : passLoads.of(tx, store, new ArrayList<>(byId.keySet()));
        List<RoutingScore.Candidate> input = byId.values().stream()
                .map(c -> new RoutingScore.Candidate(c.getAgentId(), c.getTrustScore(),
                        loads.getOrDefault(c.getAgentId(), 0), c.getMaxConcurrency()))
                .toList();
        List<RoutingScore.Scored> ranked = RoutingScore.rank(input);
        boolean busy = false;
        for (RoutingScore.Scored s : ranked) {
            UUID agent = s.candidate().agentId();
            if (!s.eligible()) {
                continue;
            }
            if (slots.busy.contains(agent)) {
                busy = true;
                continue;
            }
            Integer left = slots.left.get(agent);
            if (left == null) {
                OptionalInt free = store.freeSlots(tx, agent, s.candidate().maxConcurrency());
                if (free.isEmpty()) {
                    slots.busy.add(agent);
                    busy = true;
                    continue;
                }
                left = free.getAsInt();
            }
            if (left > 0) {
                slots.left.put(agent, left - 1);
                if (passLoads != null) {
                    passLoads.assigned(agent);
                }
                return new Decision(task, agent, busy, ranked);
            }
            slots.left.put(agent, 0);
        }
        return new Decision(task, null, busy, ranked);
    }

    /**
     * A task that stays queued: left to the dispatcher when a candidate was busy. Nothing is written: why a
     * task waits is worked out when somebody asks ({@link #explainWait}), which also keeps it current. A row
     * per task no agent could take cost 12 % of the database's time under submissions (#11).
     */
    private void missed(DbExecute tx, Decision d) {
        QueuedTask task = d.task();
        if (!d.ranked().isEmpty()) {
            backlogged.add(task.capability()); // later arrivals queue behind this one
        }
        if (d.busy()) {
            // Other transactions are routing to the agents that might have room. Waiting for them would hold
            // a pooled connection; the dispatcher routes the task as soon as this transaction has committed.
            metrics.routed("deferred");
            Database.afterCommit(tx, dispatcher::wake);
            LOG.fine(() -> "task " + task.taskId() + " left to the dispatcher: its candidates are being routed to");
            return;
        }
        metrics.routed("no_eligible_agent");
    }

    /**
     * Why a queued task is waiting, as of now: its candidates ranked as routing would rank them, with the
     * reason none takes it. Reads only (no slot is taken); the registry's answer may come from the cache.
     */
    public TaskStore.RoutingRow explainWait(QueuedTask task) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Candidate> candidates;
        try {
            candidates = candidates(task.capability(), task.minTrust());
        } catch (RuntimeException e) {
            return new TaskStore.RoutingRow(now, null, "the agent registry cannot be reached to find candidates",
                    Json.tree("[]"), true);
        }
        List<UUID> ids = candidates.stream().map(Candidate::getAgentId)
                .filter(a -> task.pinnedAgent() == null || task.pinnedAgent().equals(a)).toList();
        Map<UUID, Integer> loads = store.loads(store.db(), ids);
        List<RoutingScore.Scored> ranked = RoutingScore.rank(candidates.stream()
                .filter(c -> ids.contains(c.getAgentId()))
                .map(c -> new RoutingScore.Candidate(c.getAgentId(), c.getTrustScore(),
                        loads.getOrDefault(c.getAgentId(), 0), c.getMaxConcurrency()))
                .toList());
        String reason = task.pinnedAgent() != null && ranked.isEmpty()
                ? "the auction's winner " + task.pinnedAgent() + " is not online"
                : ranked.isEmpty()
                ? "no online agent holds " + task.capability() + " with trust >= " + task.minTrust()
                : ranked.stream().noneMatch(RoutingScore.Scored::eligible)
                ? "every candidate is at capacity"
                : "an agent has room: the dispatcher routes the capability's waiting tasks oldest first";
        return new TaskStore.RoutingRow(now, null, reason, Json.tree(Json.write(describe(ranked))), true);
    }

    /**
     * Writes the decisions with one statement (each task assigned, its attempt and its routing decision,
     * returning the rows: no read after the write) and their task.assigned events.
     */
    private List<TaskRecord> assign(DbExecute tx, List<Decision> decisions) {
        List<TaskStore.Assignment> rows = decisions.stream().map(d -> new TaskStore.Assignment(d.task().taskId(),
                d.chosen(), d.reason(), describe(d.ranked()))).toList();
        List<TaskRecord> assigned = store.assign(tx, rows, settings.claimTimeoutSeconds());
        if (assigned.size() != decisions.size()) {
            throw new IllegalStateException(decisions.size() - assigned.size() + " of " + decisions.size()
                    + " locked tasks left the queue while locked");
        }
        for (TaskRecord t : assigned) {
            TaskEvents.publish(tx, TaskEventType.ASSIGNED, t, TaskState.ASSIGNED, t.assignedAgentId(), t.attemptCount(),
                    null, null);
            metrics.routed("assigned");
            LOG.fine(() -> "task " + t.taskId() + " routed to agent " + t.assignedAgentId() + " (attempt "
                    + t.attemptCount() + ")");
        }
        return assigned;
    }

    /** Whether any agent could take a task of this capability now (cached; false when the registry is down). */
    public boolean anyCandidate(String capability) {
        try {
            return !candidates(capability, 0).isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private List<Candidate> candidates(String capability, double minTrust) {
        String key = capability + "|" + minTrust;
        CachedCandidates c = cache.get(key);
        Instant now = Instant.now();
        if (c != null && now.isBefore(c.until())) {
            return c.candidates();
        }
        List<Candidate> fresh = registry.candidates(capability, minTrust);
        cache.put(key, new CachedCandidates(fresh, now.plusMillis(settings.candidateCacheMs())));
        return fresh;
    }

    /** Forget cached candidates, e.g. when an agent turned out to be gone. */
    public void forgetCandidates() {
        cache.clear();
    }

    private static List<Map<String, Object>> describe(List<RoutingScore.Scored> ranked) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RoutingScore.Scored s : ranked) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agent_id", s.candidate().agentId());
            m.put("trust_score", s.candidate().trust());
            m.put("active_tasks", s.candidate().active());
            m.put("max_concurrency", s.candidate().maxConcurrency());
            m.put("eligible", s.eligible());
            if (s.eligible()) {
                m.put("score", Math.round(s.score() * 10000) / 10000.0);
            } else {
                m.put("reason", s.reason());
            }
            out.add(m);
        }
        return out;
    }
}
