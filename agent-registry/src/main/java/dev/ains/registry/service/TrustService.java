package dev.ains.registry.service;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.registry.store.AgentRecord;
import dev.ains.registry.store.RegistryStore;
import dev.ains.registry.trust.TrustModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Moves trust with task outcomes (idempotently by event id) and explains the score. */
@ApplicationScoped
public class TrustService {
    private static final Logger LOG = Logger.getLogger(TrustService.class.getName());

    @Inject
    RegistryStore store;
    @Inject
    Database database;
    @Inject
    RegistrySettings settings;
    @Inject
    RegistryMetrics metrics;

    public record Outcome(UUID eventId, UUID taskId, UUID agentId, TrustModel.Outcome kind, Long executionMs,
                          Long promisedMs, OffsetDateTime occurredAt) {
    }

    public record Intake(int accepted, int duplicates) {
    }

    /** Each outcome in its own transaction, agent row locked, so concurrent intakes serialise per agent. */
    public Intake record(List<Outcome> outcomes) {
        Check check = Check.of().that(outcomes.size() <= 1000, "events", "at most 1000 events");
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            String f = "events[" + i + "]";
            check.required(f + ".event_id", o.eventId()).required(f + ".agent_id", o.agentId())
                    .required(f + ".outcome", o.kind()).required(f + ".occurred_at", o.occurredAt());
        }
        check.orThrow();
        int accepted = 0;
        int duplicates = 0;
        TrustModel model = settings.trust();
        for (Outcome o : outcomes) {
            Boolean fresh = database.inTransaction(tx -> {
                var row = store.lockTrust(tx, o.agentId()).orElse(null);
                if (row == null) {
                    return null;
                }
                var before = new TrustModel.State(row.successes(), row.failures(), row.onTime(), row.updatedAt());
                boolean onTime = o.executionMs() != null && o.promisedMs() != null && o.executionMs() <= o.promisedMs();
                var after = model.apply(before, o.kind(), onTime, o.occurredAt());
                double newScore = model.score(after);
                if (!store.insertTrustRecord(tx, o.eventId(), o.agentId(), o.taskId(), o.kind().name(),
                        o.executionMs(), o.promisedMs(), row.score(), newScore, o.occurredAt())) {
                    return false;
                }
                store.updateTrust(tx, o.agentId(), newScore, after.successes(), after.failures(), after.onTime(),
                        after.at());
                LOG.fine(() -> "agent " + o.agentId() + " trust " + row.score() + " -> " + newScore + " after "
                        + o.kind() + " of task " + o.taskId());
                return true;
            });
            if (fresh == null) {
                LOG.warning(() -> "outcome " + o.eventId() + " names unknown agent " + o.agentId() + "; ignored");
                duplicates++;
            } else if (fresh) {
                accepted++;
                metrics.outcome(o.kind().name());
            } else {
                duplicates++;
            }
        }
        return new Intake(accepted, duplicates);
    }

    public record Explained(AgentRecord agent, double reliability, double latency, TrustModel model) {
    }

    public Explained explain(AgentRecord a) {
        TrustModel m = settings.trust();
        var s = new TrustModel.State(a.trustSuccesses(), a.trustFailures(), a.trustOnTime(), a.trustUpdatedAt());
        return new Explained(a, m.reliability(s), m.latency(s), m);
    }

    public List<RegistryStore.TrustRecordRow> history(UUID agentId, Long beforeId, int limit) {
        if (store.findAgent(store.db(), agentId).isEmpty()) {
            throw ApiProblem.notFound("agent", agentId);
        }
        return store.trustHistory(agentId, beforeId, limit);
    }
}
