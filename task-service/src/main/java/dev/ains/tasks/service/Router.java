package dev.ains.tasks.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

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
 * task-service's own {@code agent_load} knows how busy each is, {@link RoutingScore} ranks them, and a
 * conditional UPDATE takes the slot — so no agent is ever pushed past its capacity, whatever the number
 * of replicas. Each decision is stored with every candidate and its score.
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

    private final Map<String, CachedCandidates> cache = new ConcurrentHashMap<>();

    private record CachedCandidates(List<Candidate> candidates, Instant until) {
    }

    /**
     * @param recordMiss store a decision also when no agent could take the task (once, at submission,
     *                   so that the sweep does not write one every pass)
     * @return the task as assigned, empty when it stays queued
     */
    public Optional<TaskRecord> route(DbExecute tx, QueuedTask task, boolean recordMiss) {
        return route(tx, task, recordMiss, null);
    }

    /**
     * What agents hold, as counted once for a dispatch pass and kept up as the pass assigns. Counting is
     * proportional to what the candidates hold, and a pass routes up to a window of tasks to the same
     * candidates: one count per pass, not per task. Completions during the pass make it high, never low;
     * the slot itself is always taken on an exact count ({@link TaskStore#takeSlot}).
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

    /** As {@link #route(DbExecute, QueuedTask, boolean)}, ranking by the pass's loads when given. */
    public Optional<TaskRecord> route(DbExecute tx, QueuedTask task, boolean recordMiss, PassLoads passLoads) {
        List<Candidate> candidates;
        try {
            candidates = candidates(task.capability(), task.minTrust());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "registry unavailable; task " + task.taskId() + " stays queued: " + e.getMessage());
            metrics.routed("registry_unavailable");
            return Optional.empty();
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
        UUID chosen = null;
        for (RoutingScore.Scored s : ranked) {
            if (s.eligible() && store.takeSlot(tx, s.candidate().agentId(), s.candidate().maxConcurrency())) {
                chosen = s.candidate().agentId();
                break;
            }
        }
        if (chosen != null && passLoads != null) {
            passLoads.assigned(chosen);
        }
        if (chosen == null) {
            metrics.routed("no_eligible_agent");
            if (recordMiss) {
                store.insertRoutingDecision(tx, task.taskId(), null, task.pinnedAgent() != null && ranked.isEmpty()
                        ? "the auction's winner " + task.pinnedAgent() + " is not online"
                        : ranked.isEmpty()
                        ? "no online agent holds " + task.capability() + " with trust >= " + task.minTrust()
                        : "every eligible agent is at capacity", describe(ranked));
            }
            return Optional.empty();
        }
        // the statement returns the assigned row: no read after the write
        TaskRecord t = store.assign(tx, task.taskId(), chosen, settings.claimTimeoutSeconds())
                .orElseThrow(() -> new IllegalStateException("task " + task.taskId() + " left the queue while locked"));
        int attempt = t.attemptCount();
        store.insertAttempt(tx, task.taskId(), attempt, chosen);
        store.insertRoutingDecision(tx, task.taskId(), chosen, task.pinnedAgent() != null ? "won the task's auction"
                : "highest score among " + ranked.stream().filter(RoutingScore.Scored::eligible).count()
                + " eligible agents", describe(ranked));
        TaskEvents.publish(tx, "task.assigned", t, TaskState.ASSIGNED, chosen, attempt, null, null);
        metrics.routed("assigned");
        UUID agent = chosen;
        LOG.fine(() -> "task " + task.taskId() + " routed to agent " + agent + " (attempt " + attempt + ")");
        return Optional.of(t);
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
