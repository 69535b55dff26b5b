package dev.ains.registry.rest;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Roles;
import dev.ains.registry.api.RegistryInternalApi;
import dev.ains.registry.api.model.AgentStatus;
import dev.ains.registry.api.model.AgentStatusEntry;
import dev.ains.registry.api.model.AgentStatusList;
import dev.ains.registry.api.model.AgentStatusQuery;
import dev.ains.registry.api.model.ApiKeyCheck;
import dev.ains.registry.api.model.ApiKeyOwner;
import dev.ains.registry.api.model.Candidate;
import dev.ains.registry.api.model.CandidateList;
import dev.ains.registry.api.model.CandidateQuery;
import dev.ains.registry.api.model.EarningBatch;
import dev.ains.registry.api.model.IntakeAck;
import dev.ains.registry.api.model.OutcomeBatch;
import dev.ains.registry.api.model.Revocation;
import dev.ains.registry.api.model.RevocationList;
import dev.ains.registry.service.AgentService;
import dev.ains.registry.service.RevocationService;
import dev.ains.registry.service.TrustService;
import dev.ains.registry.store.RegistryStore;
import dev.ains.registry.trust.TrustModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** Service-to-service operations; service tokens (and admins) only. */
@ApplicationScoped
@Allow({Roles.SERVICE})
public class RegistryInternalResource implements RegistryInternalApi {
    @Inject
    AgentService agents;
    @Inject
    TrustService trust;
    @Inject
    RevocationService revocations;

    @Override
    public Response findCandidates(CandidateQuery body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        var list = agents.candidates(body.getCapability(), body.getMinTrust()).stream()
                .map(c -> new Candidate().agentId(c.agentId()).name(c.name()).trustScore(c.trustScore())
                        .maxConcurrency(c.maxConcurrency()).lastHeartbeatAt(c.lastHeartbeatAt()))
                .toList();
        return Response.ok(new CandidateList().candidates(list)).build();
    }

    @Override
    public Response agentStatuses(AgentStatusQuery body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        return Response.ok(statusList(agents.statuses(body.getAgentIds()))).build();
    }

    @Override
    public Response agentActivity(AgentStatusQuery body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        return Response.ok(statusList(agents.activity(body.getAgentIds()))).build();
    }

    private static AgentStatusList statusList(Map<UUID, RegistryStore.AgentState> states) {
        return new AgentStatusList().agents(states.entrySet().stream()
                .map(e -> new AgentStatusEntry().agentId(e.getKey()).status(AgentStatus.fromValue(e.getValue().status()))
                        .trustScore(ApiMapper.round(e.getValue().trustScore())))
                .toList());
    }

    @Override
    public Response listRevocations(OffsetDateTime since) {
        var page = revocations.since(since == null ? null : since.toInstant());
        return Response.ok(new RevocationList().asOf(utc(page.asOf())).items(page.items().stream()
                .map(e -> new Revocation().kind(Revocation.KindEnum.fromValue(e.kind())).subject(e.subject())
                        .jti(e.jti()).issuedBefore(utc(e.issuedBefore())).recordedAt(utc(e.recordedAt()))
                        .expiresAt(utc(e.expiresAt())))
                .toList())).build();
    }

    private static OffsetDateTime utc(java.time.Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    @Override
    public Response verifyApiKey(ApiKeyCheck body) {
        if (body == null || body.getApiKey() == null) {
            throw ApiProblem.invalid("api_key", "is required");
        }
        var owner = agents.byApiKey(body.getApiKey())
                .orElseThrow(() -> ApiProblem.notFound("API key", "(hidden)"));
        return Response.ok(new ApiKeyOwner().agentId(owner.getKey()).status(AgentStatus.fromValue(owner.getValue())))
                .build();
    }

    @Override
    public Response recordOutcomes(OutcomeBatch body) {
        if (body == null || body.getEvents() == null) {
            throw ApiProblem.invalid("events", "is required");
        }
        List<TrustService.Outcome> outcomes = body.getEvents().stream().map(e -> new TrustService.Outcome(
                e.getEventId(), e.getTaskId(), e.getAgentId(),
                e.getOutcome() == null ? null : TrustModel.Outcome.valueOf(e.getOutcome().toString()),
                e.getExecutionMs(), e.getPromisedMs(), e.getOccurredAt(), e.getClientId())).toList();
        var r = trust.record(outcomes);
        return Response.ok(new IntakeAck().accepted(r.accepted()).duplicates(r.duplicates())).build();
    }

    @Override
    public Response recordEarnings(EarningBatch body) {
        if (body == null || body.getEvents() == null) {
            throw ApiProblem.invalid("events", "is required");
        }
        trust.earnings(body.getEvents().stream().map(e -> new TrustService.Earning(e.getEventId(), e.getAgentId(),
                e.getAmount(), e.getCurrency(), e.getEscrowId())).toList());
        return Response.noContent().build();
    }
}
