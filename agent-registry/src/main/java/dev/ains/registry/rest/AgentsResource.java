package dev.ains.registry.rest;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.audit.NotAudited;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Page;
import dev.ains.registry.api.AgentsApi;
import dev.ains.registry.api.model.AgentPage;
import dev.ains.registry.api.model.AgentRegistered;
import dev.ains.registry.api.model.AgentRegistration;
import dev.ains.registry.api.model.AgentStatus;
import dev.ains.registry.api.model.AgentUpdate;
import dev.ains.registry.api.model.Rotation;
import dev.ains.registry.api.model.RotatedSecret;
import dev.ains.registry.api.model.HeartbeatAck;
import dev.ains.registry.service.AgentService;
import dev.ains.registry.store.AgentRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
public class AgentsResource implements AgentsApi {
    @Inject
    AgentService agents;
    @Context
    SecurityContext security;

    @Override
    @Allow({Roles.CLIENT})
    public Response registerAgent(AgentRegistration body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        var r = agents.register(Caller.of(security), new AgentService.NewAgent(body.getName(), body.getOwner(),
                body.getDescription(), ApiMapper.capabilities(body.getCapabilities()), body.getMaxConcurrency(),
                body.getHeartbeatIntervalSeconds(), body.getEndpointUrl(), ApiMapper.node(body.getMetadata())));
        return Response.created(URI.create("/ains/agents/" + r.agent().agentId()))
                .entity(new AgentRegistered().agent(ApiMapper.agent(r.agent())).apiKey(r.apiKey())).build();
    }

    @Override
    @Allow({Roles.CLIENT, Roles.AGENT})
    public Response listAgents(String capability, AgentStatus status, Integer limit, String cursor) {
        int l = Cursor.limit(limit);
        List<AgentRecord> rows = agents.list(capability, status == null ? null : status.toString(),
                Cursor.decode(cursor), l + 1);
        var page = Page.of(rows, l, ApiMapper::agent, a -> Cursor.after(a.createdAt(), a.agentId()));
        return Response.ok(new AgentPage().items(page.items()).nextCursor(page.nextCursor())).build();
    }

    @Override
    @Allow({Roles.CLIENT, Roles.AGENT})
    public Response getAgent(UUID agentId) {
        return Response.ok(ApiMapper.agent(agents.get(agentId))).build();
    }

    @Override
    @Allow({Roles.CLIENT, Roles.AGENT})
    public Response updateAgent(UUID agentId, AgentUpdate body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        var updated = agents.update(Caller.of(security), agentId, new AgentService.Changes(body.getDescription(),
                ApiMapper.capabilities(body.getCapabilities()), body.getMaxConcurrency(), body.getEndpointUrl(),
                body.getMetadata() == null || body.getMetadata().isEmpty() ? null : ApiMapper.node(body.getMetadata())));
        return Response.ok(ApiMapper.agent(updated)).build();
    }

    @Override
    @Allow({Roles.CLIENT, Roles.AGENT})
    public Response rotateAgentApiKey(UUID agentId, Rotation body) {
        var r = agents.rotateKey(Caller.of(security), agentId, body == null ? null : body.getGraceSeconds());
        return Response.ok(new RotatedSecret().secret(r.secret()).previousValidUntil(r.previousValidUntil()))
                .header("Cache-Control", "no-store").build();
    }

    @Override
    @Allow({Roles.CLIENT, Roles.AGENT})
    public Response deactivateAgent(UUID agentId) {
        return Response.ok(ApiMapper.agent(agents.deactivate(Caller.of(security), agentId))).build();
    }

    @Override
    @Allow({Roles.AGENT})
    @NotAudited("the agent's last heartbeat time and its status history")
    public Response heartbeat(UUID agentId) {
        var hb = agents.heartbeat(Caller.of(security), agentId);
        return Response.ok(new HeartbeatAck().agentId(agentId).status(AgentStatus.fromValue(hb.status()))
                .heartbeatIntervalSeconds(hb.intervalSeconds())
                .nextHeartbeatDueAt(hb.at().plusSeconds(hb.intervalSeconds()))).build();
    }
}
