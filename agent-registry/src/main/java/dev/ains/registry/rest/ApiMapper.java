package dev.ains.registry.rest;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.json.Json;
import dev.ains.registry.api.model.Agent;
import dev.ains.registry.api.model.AgentStatus;
import dev.ains.registry.api.model.Capability;
import dev.ains.registry.api.model.Reputation;
import dev.ains.registry.api.model.ReputationFactor;
import dev.ains.registry.api.model.ReputationStats;
import dev.ains.registry.api.model.TrustBreakdown;
import dev.ains.registry.api.model.TrustRecord;
import dev.ains.registry.api.model.TrustScore;
import dev.ains.registry.api.model.OutcomeKind;
import dev.ains.registry.service.TrustService;
import dev.ains.registry.store.AgentRecord;
import dev.ains.registry.store.RegistryStore;

/** Between stored records and the generated API models. */
final class ApiMapper {
    private ApiMapper() {
    }

    static Agent agent(AgentRecord a) {
        Agent out = new Agent()
                .agentId(a.agentId()).name(a.name()).owner(a.owner()).description(a.description())
                .capabilities(a.capabilities().stream().map(c -> new Capability().name(c.name()).version(c.version()))
                        .toList())
                .maxConcurrency(a.maxConcurrency()).heartbeatIntervalSeconds(a.heartbeatIntervalSeconds())
                .endpointUrl(a.endpointUrl())
                .status(AgentStatus.fromValue(a.status()))
                .trustScore(round(a.trustScore()))
                .lastHeartbeatAt(a.lastHeartbeatAt()).createdAt(a.createdAt()).updatedAt(a.updatedAt());
        out.setMetadata(map(a.metadata()));
        return out;
    }

    static List<AgentRecord.CapabilityRecord> capabilities(List<Capability> caps) {
        return caps == null ? null : caps.stream()
                .map(c -> c == null ? null : new AgentRecord.CapabilityRecord(c.getName(), c.getVersion())).toList();
    }

    static JsonNode node(Map<String, Object> m) {
        return m == null ? null : Json.MAPPER.valueToTree(m);
    }

    static Map<String, Object> map(JsonNode n) {
        return n == null ? null : Json.MAPPER.convertValue(n, new TypeReference<Map<String, Object>>() { });
    }

    static TrustScore trust(TrustService.Explained e) {
        AgentRecord a = e.agent();
        return new TrustScore()
                .agentId(a.agentId())
                .score(round(a.trustScore()))
                .outcomes(a.trustOutcomes())
                .updatedAt(a.trustUpdatedAt())
                .breakdown(new TrustBreakdown()
                        .reliability(round(e.reliability()))
                        .latency(round(e.latency()))
                        .rating(round(e.factors().rating()))
                        .uptime(round(e.factors().uptime()))
                        .consistency(round(e.factors().consistency()))
                        .successes(round(a.trustSuccesses()))
                        .failures(round(a.trustFailures()))
                        .onTime(round(a.trustOnTime()))
                        .priorWeight(e.model().priorSuccesses() + e.model().priorFailures())
                        .halfLifeHours(e.model().halfLifeHours())
                        .weights(Map.of("reliability", e.model().reliabilityWeight(),
                                "latency", e.model().latencyWeight(), "rating", e.model().ratingWeight(),
                                "uptime", e.model().uptimeWeight(), "consistency", e.model().consistencyWeight())));
    }

    static Reputation reputation(TrustService.Reputation r) {
        var e = r.explained();
        var m = e.model();
        var f = e.factors();
        var s = r.stats();
        return new Reputation().agentId(e.agent().agentId()).name(e.agent().name()).score(round(e.agent().trustScore()))
                .rankScore(round(r.rankScore())).grade(Reputation.GradeEnum.fromValue(r.grade()))
                .factors(List.of(
                        new ReputationFactor().name("reliability").value(round(e.reliability())).weight(m.reliabilityWeight()),
                        new ReputationFactor().name("latency").value(round(e.latency())).weight(m.latencyWeight()),
                        new ReputationFactor().name("rating").value(round(f.rating())).weight(m.ratingWeight()),
                        new ReputationFactor().name("uptime").value(round(f.uptime())).weight(m.uptimeWeight()),
                        new ReputationFactor().name("consistency").value(round(f.consistency()))
                                .weight(m.consistencyWeight())))
                .badges(r.badges())
                .stats(new ReputationStats().tasks(s.tasks()).successes(s.successes())
                        .successRate(s.tasks() == 0 ? null : round((double) s.successes() / s.tasks()))
                        .averageExecutionMs(s.averageExecutionMs()).ratings(r.ratings())
                        .averageStars(r.averageStars() == null ? null : round(r.averageStars()))
                        .earnings(r.earnings()));
    }

    static TrustRecord trustRecord(RegistryStore.TrustRecordRow r) {
        return new TrustRecord().eventId(r.eventId()).taskId(r.taskId()).outcome(OutcomeKind.fromValue(r.outcome()))
                .executionMs(r.executionMs()).promisedMs(r.promisedMs())
                .scoreBefore(round(r.before())).scoreAfter(round(r.after())).recordedAt(r.recordedAt());
    }

    static double round(double d) {
        return Math.round(d * 10000.0) / 10000.0;
    }
}
