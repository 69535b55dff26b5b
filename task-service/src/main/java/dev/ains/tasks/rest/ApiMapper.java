package dev.ains.tasks.rest;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.json.Json;
import dev.ains.tasks.api.model.Attempt;
import dev.ains.tasks.api.model.RoutingCandidate;
import dev.ains.tasks.api.model.RetryPolicy;
import dev.ains.tasks.api.model.RoutingDecision;
import dev.ains.tasks.api.model.Task;
import dev.ains.tasks.api.model.TaskStatus;
import dev.ains.tasks.store.AttemptRecord;
import dev.ains.tasks.store.TaskRecord;
import dev.ains.tasks.store.TaskStore;

/** Between stored records and the generated API models. */
final class ApiMapper {
    private ApiMapper() {
    }

    static Task task(TaskRecord t) {
        Task out = new Task()
                .taskId(t.taskId()).taskType(t.taskType()).capabilityRequired(t.capability())
                .priority(t.priority()).timeoutSeconds(t.timeoutSeconds()).maxRetries(t.maxRetries())
                .minTrust(t.minTrust()).status(TaskStatus.fromValue(t.status().name()))
                .assignedAgentId(t.assignedAgentId()).error(t.error()).attemptCount(t.attemptCount())
                .nextAttemptAt(t.nextAttemptAt()).leaseExpiresAt(t.leaseExpiresAt())
                .cancelReason(t.cancelReason()).cancelledBy(t.cancelledBy()).createdBy(t.createdBy())
                .createdAt(t.createdAt()).updatedAt(t.updatedAt()).startedAt(t.startedAt())
                .completedAt(t.completedAt()).executionMs(t.executionMs()).budget(t.budget()).currency(t.currency())
                .auctionWinnerId(t.auctionWinnerId());
        out.setRetryPolicy(new RetryPolicy().strategy(RetryPolicy.StrategyEnum.fromValue(t.retryPolicy().strategy().wire()))
                .baseDelayMs(t.retryPolicy().baseMs()).maxDelayMs(t.retryPolicy().capMs())
                .jitter(t.retryPolicy().jitter()));
        out.setInputData(map(t.inputData()));
        out.setResult(map(t.result()));
        out.setAttempts(null);
        out.setDependsOn(null);
        return out;
    }

    static Task task(TaskRecord t, List<AttemptRecord> attempts) {
        return task(t).attempts(attempts.stream().map(ApiMapper::attempt).toList());
    }

    static Attempt attempt(AttemptRecord a) {
        return new Attempt().attemptNo(a.attemptNo()).agentId(a.agentId())
                .outcome(Attempt.OutcomeEnum.fromValue(a.outcome())).assignedAt(a.assignedAt())
                .claimedAt(a.claimedAt()).startedAt(a.startedAt()).endedAt(a.endedAt()).error(a.error())
                .retryable(a.retryable()).retryDelayMs(a.retryDelayMs());
    }

    static RoutingDecision routing(TaskStore.RoutingRow r) {
        List<RoutingCandidate> candidates = Json.MAPPER.convertValue(r.candidates(),
                new TypeReference<List<RoutingCandidate>>() { });
        return new RoutingDecision().decidedAt(r.decidedAt()).chosenAgentId(r.chosen()).reason(r.reason())
                .candidates(candidates).current(r.current() ? Boolean.TRUE : null);
    }

    static JsonNode node(Map<String, Object> m) {
        return m == null ? null : Json.MAPPER.valueToTree(m);
    }

    static Map<String, Object> map(JsonNode n) {
        return n == null || n.isNull() ? null : Json.MAPPER.convertValue(n, new TypeReference<Map<String, Object>>() { });
    }
}
