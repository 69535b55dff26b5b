package dev.ains.registry.rest;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.json.Json;
import dev.ains.registry.api.model.Agent;
import dev.ains.registry.api.model.AgentStatus;
import dev.ains.registry.api.model.Capability;
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
                        .successes(round(a.trustSuccesses()))
                        .failures(round(a.trustFailures()))
                        .onTime(round(a.trustOnTime()))
                        .priorWeight(e.model().priorSuccesses() + e.model().priorFailures())
                        .halfLifeHours(e.model().halfLifeHours())
                        .weights(Map.of("reliability", e.model().reliabilityWeight(),
                                "latency", e.model().latencyWeight())));
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
