package dev.ains.registry.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.security.Caller;
import dev.ains.registry.store.AgentRecord;
import dev.ains.registry.store.RegistryStore;
import dev.ains.registry.trust.Badges;
import dev.ains.registry.trust.TrustModel;
import io.helidon.dbclient.DbExecute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Moves trust with task outcomes (idempotently by event id, weighted against gaming) and with client
 * ratings, refreshes it as uptime changes, and explains it: breakdown, reputation (grade, badges,
 * statistics) and the leaderboard. Every change locks the agent's row, so concurrent intakes serialise
 * per agent.
 */
@ApplicationScoped
public class TrustService {
    private static final Logger LOG = Logger.getLogger(TrustService.class.getName());
    /** Uptime is measured over the last week. */
    static final int UPTIME_WINDOW_HOURS = 168;

    @Inject
    RegistryStore store;
    @Inject
    Database database;
    @Inject
    RegistrySettings settings;
    @Inject
    RegistryMetrics metrics;
    @Inject
    BackgroundJobs jobs;
    @Inject
    @ConfigProperty(name = "ains.trust.refresh-ms", defaultValue = "60000")
    long refreshMs;

    public record Outcome(UUID eventId, UUID taskId, UUID agentId, TrustModel.Outcome kind, Long executionMs,
                          Long promisedMs, OffsetDateTime occurredAt, String clientId) {
    }

    public record Intake(int accepted, int duplicates) {
    }

    public record Earning(UUID eventId, String agentId, Long amount, String currency, String escrowId) {
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        jobs.every("trust-refresh", refreshMs, this::refreshAll);
    }

    /**
     * A batch of outcomes in one transaction and one commit, agent by agent in a fixed order (so that two
     * intakes sharing agents cannot deadlock): each agent's row is locked and read once, its outcomes are
     * applied in order in memory, each is recorded (a duplicate event id records nothing and moves
     * nothing), and the agent's row is written once. One commit per outcome had made the registry the
     * slowest step behind task completions (it fell thousands of outcomes behind at 220 completions/s).
     */
    public Intake record(List<Outcome> outcomes) {
        Check check = Check.of().that(outcomes.size() <= 1000, "events", "at most 1000 events");
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            String f = "events[" + i + "]";
            check.required(f + ".event_id", o.eventId()).required(f + ".agent_id", o.agentId())
                    .required(f + ".outcome", o.kind()).required(f + ".occurred_at", o.occurredAt());
        }
        check.orThrow();
        // PostgreSQL's uuid order (bytes, unsigned) is the order of the text form, not of UUID.compareTo:
        // the same order the registry's other multi-agent statements lock in
        Map<UUID, List<Outcome>> byAgent = new TreeMap<>(Comparator.comparing(UUID::toString));
        outcomes.forEach(o -> byAgent.computeIfAbsent(o.agentId(), a -> new ArrayList<>()).add(o));
        List<Outcome> accepted = database.inTransaction(tx -> {
            List<Outcome> fresh = new ArrayList<>();
            byAgent.forEach((agent, theirs) -> fresh.addAll(recordFor(tx, agent, theirs)));
            return fresh;
        });
        accepted.forEach(o -> metrics.outcome(o.kind().name()));
        return new Intake(accepted.size(), outcomes.size() - accepted.size());
    }

    /** One agent's outcomes, in order, inside the batch's transaction; answers those recorded. */
    private List<Outcome> recordFor(DbExecute tx, UUID agentId, List<Outcome> outcomes) {
        var row = store.lockTrust(tx, agentId).orElse(null);
        if (row == null) {
            LOG.warning(() -> outcomes.size() + " outcomes name unknown agent " + agentId + "; ignored");
            return List.of();
        }
        TrustModel model = settings.trust();
        var state = new TrustModel.State(row.successes(), row.failures(), row.onTime(), row.updatedAt());
        double score = row.score();
        double rank = 0;
        Map<String, Long> pairOutcomes = new HashMap<>();
        // newest first, as consistency reads them; this batch's executions join at the front
        List<Long> executions = new ArrayList<>(store.recentExecutions(tx, agentId));
        List<Outcome> recorded = new ArrayList<>();
        for (Outcome o : outcomes) {
            boolean onTime = o.executionMs() != null && o.promisedMs() != null && o.executionMs() <= o.promisedMs();
            double weight = o.clientId() == null ? 1 : TrustModel.weight(o.clientId().equals(row.owner()),
                    pairOutcomes.computeIfAbsent(o.clientId(), c -> store.pairOutcomes(tx, agentId, c)));
            var after = model.apply(state, o.kind(), onTime, o.occurredAt(), weight);
            Long execution = o.kind() == TrustModel.Outcome.SUCCEEDED ? o.executionMs() : null;
            List<Long> withThis = new ArrayList<>(executions);
            if (execution != null) {
                withThis.add(0, execution);
            }
            // rating and uptime as last stored (they move with ratings and time, not outcomes)
            TrustModel.Factors factors = new TrustModel.Factors(row.ratingFactor(), row.uptimeFactor(),
                    consistency(withThis));
            double newScore = model.score(after, factors);
            if (!store.insertTrustRecord(tx, o.eventId(), agentId, o.taskId(), o.kind().name(), o.executionMs(),
                    o.promisedMs(), score, newScore, o.occurredAt(), o.clientId(), weight)) {
                continue; // delivered before: it moved trust then
            }
            double before = score;
            LOG.fine(() -> "agent " + agentId + " trust " + before + " -> " + newScore + " after " + o.kind()
                    + " of task " + o.taskId() + " (weight " + weight + ")");
            state = after;
            score = newScore;
            rank = model.rankScore(after, factors);
            executions = withThis;
            if (o.clientId() != null) {
                pairOutcomes.merge(o.clientId(), 1L, Long::sum);
            }
            recorded.add(o);
        }
        if (!recorded.isEmpty()) {
            store.updateTrust(tx, agentId, score, rank, state.successes(), state.failures(), state.onTime(),
                    state.at(), recorded.size());
        }
        return recorded;
    }

    /** A client rates a task of its own that this agent completed, once. */
    public RegistryStore.RatingRow rate(Caller caller, UUID agentId, UUID taskId, Integer stars, String comment) {
        Check.of().required("task_id", taskId).required("stars", stars).range("stars", stars, 1, 5)
                .maxLength("comment", comment, 1000).orThrow();
        RegistryStore.RatingRow rating = database.inTransaction(tx -> {
            var row = store.lockTrust(tx, agentId).orElseThrow(() -> ApiProblem.notFound("agent", agentId));
            if (caller.id().equals(row.owner())) {
                throw ApiProblem.forbidden("an agent's owner cannot rate it");
            }
            String client = store.completedFor(tx, taskId, agentId).orElse(null);
            if (client == null || !client.equals(caller.id())) {
                throw ApiProblem.invalid("task_id", "is not a task of yours that agent " + agentId + " completed");
            }
            var inserted = store.insertRating(tx, taskId, agentId, caller.id(), stars, comment)
                    .orElseThrow(() -> ApiProblem.conflict("already-rated", "task " + taskId + " was rated already"));
            rescore(tx, row);
            return inserted;
        });
        metrics.rating(stars);
        LOG.info(() -> "agent " + agentId + " rated " + stars + " stars for task " + taskId + " by " + caller.id());
        return rating;
    }

    /** Uptime changes with time, not with outcomes: recomputes every agent's score (skipping busy rows). */
    public int refreshAll() {
        int n = 0;
        for (UUID id : store.scoredAgents()) {
            try {
                n += database.inTransaction(tx -> store.lockTrustIfFree(tx, id).map(row -> {
                    rescore(tx, row);
                    return 1;
                }).orElse(0));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "trust refresh of agent " + id + " failed", e);
            }
        }
        return n;
    }

    /** Counts settled payments to agents once each (economic-service's outbox). */
    public void earnings(List<Earning> events) {
        Check check = Check.of().required("events", events);
        if (events != null) {
            for (int i = 0; i < events.size(); i++) {
                Earning e = events.get(i);
                String f = "events[" + i + "].";
                check.required(f + "event_id", e.eventId()).required(f + "agent_id", e.agentId())
                        .required(f + "amount", e.amount()).range(f + "amount", e.amount(), 0, Long.MAX_VALUE)
                        .required(f + "currency", e.currency());
            }
        }
        check.orThrow();
        for (Earning e : events) {
            UUID agent;
            try {
                agent = UUID.fromString(e.agentId());
            } catch (IllegalArgumentException notAnAgent) {
                continue; // a payee that is not an agent (a client paid through an escrow) has no reputation
            }
            database.inTransactionRun(tx -> {
                if (store.lockTrust(tx, agent).isPresent()) {
                    store.addEarning(tx, e.eventId(), agent, e.amount(), e.currency(), e.escrowId());
                }
            });
        }
    }

    /** Recomputes every factor and stores the scores and the slow-moving factors. */
    private void rescore(DbExecute tx, RegistryStore.TrustRow row) {
        TrustModel model = settings.trust();
        var s = new TrustModel.State(row.successes(), row.failures(), row.onTime(), row.updatedAt());
        TrustModel.Factors f = factors(tx, row.agentId());
        store.setScores(tx, row.agentId(), model.score(s, f), model.rankScore(s, f), f.rating(), f.uptime());
    }

    /** The factors beside the outcome counters, computed from ratings, status history and executions. */
    TrustModel.Factors factors(DbExecute exec, UUID agentId) {
        long[] ratings = store.ratingStats(exec, agentId);
        double[] up = store.uptime(exec, agentId, UPTIME_WINDOW_HOURS);
        return new TrustModel.Factors(TrustModel.rating(ratings[0], ratings[1]), TrustModel.uptime(up[0], up[1]),
                consistency(store.recentExecutions(exec, agentId)));
    }

    /** Consistency of the most recent executions (newest first; the model looks at the last 50). */
    private static double consistency(List<Long> newestFirst) {
        return TrustModel.consistency(newestFirst.subList(0, Math.min(50, newestFirst.size())));
    }

    public record Explained(AgentRecord agent, double reliability, double latency, TrustModel model,
                            TrustModel.Factors factors) {
    }

    public Explained explain(AgentRecord a) {
        TrustModel m = settings.trust();
        var s = new TrustModel.State(a.trustSuccesses(), a.trustFailures(), a.trustOnTime(), a.trustUpdatedAt());
        return new Explained(a, m.reliability(s), m.latency(s), m, factors(store.db(), a.agentId()));
    }

    public record Reputation(Explained explained, double rankScore, String grade, List<String> badges,
                             RegistryStore.Stats stats, long ratings, Double averageStars, Map<String, Long> earnings) {
    }

    public Reputation reputation(AgentRecord a) {
        Explained e = explain(a);
        var s = new TrustModel.State(a.trustSuccesses(), a.trustFailures(), a.trustOnTime(), a.trustUpdatedAt());
        RegistryStore.Stats stats = store.stats(a.agentId());
        long[] ratings = store.ratingStats(store.db(), a.agentId());
        Map<String, Long> earned = store.earnings(a.agentId());
        long best = earned.values().stream().mapToLong(Long::longValue).max().orElse(0);
        List<String> badges = Badges.of(new Badges.Record(a.trustScore(), stats.tasks(), stats.successes(),
                stats.averageExecutionMs(), stats.averagePromisedMs(), best));
        return new Reputation(e, e.model().rankScore(s, e.factors()), TrustModel.grade(a.trustScore()), badges, stats,
                ratings[0], ratings[0] == 0 ? null : (double) ratings[1] / ratings[0], earned);
    }

    public List<RegistryStore.LeaderRow> leaderboard(String metric, String currency, Integer limit) {
        String m = metric == null ? "trust_score" : metric;
        Check.of().that(List.of("trust_score", "earnings", "tasks").contains(m), "metric",
                        "must be trust_score, earnings or tasks")
                .pattern("currency", currency, "^[A-Z]{3}$", "an ISO 4217 code such as USD")
                .range("limit", limit, 1, 100).orThrow();
        return store.leaderboard(m, currency == null ? "USD" : currency, limit == null ? 10 : limit);
    }

    public List<RegistryStore.TrustRecordRow> history(UUID agentId, Long beforeId, int limit) {
        if (store.findAgent(store.db(), agentId).isEmpty()) {
            throw ApiProblem.notFound("agent", agentId);
        }
        return store.trustHistory(agentId, beforeId, limit);
    }
}
