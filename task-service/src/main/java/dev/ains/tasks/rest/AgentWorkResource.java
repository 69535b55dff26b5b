package dev.ains.tasks.rest;

import java.util.UUID;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.tasks.api.AgentWorkApi;
import dev.ains.tasks.api.model.ClaimedTask;
import dev.ains.tasks.api.model.TaskCompletion;
import dev.ains.tasks.api.model.TaskFailure;
import dev.ains.tasks.service.AgentWorkService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.AGENT})
public class AgentWorkResource implements AgentWorkApi {
    @Inject
    AgentWorkService work;
    @Context
    SecurityContext security;

    @Override
    public Response claimTask(UUID agentId, Integer waitSeconds) {
        var claim = work.claim(Caller.of(security), agentId, waitSeconds);
        return claim.task()
                .map(t -> Response.ok(new ClaimedTask().task(ApiMapper.task(t)).attemptNo(t.attemptCount())
                        .leaseExpiresAt(t.leaseExpiresAt()).cancelledTaskIds(claim.cancelled())).build())
                .orElseGet(() -> Response.noContent().header("AITP-Cancelled-Tasks", claim.cancelled().isEmpty()
                        ? null : String.join(",", claim.cancelled().stream().map(UUID::toString).toList())).build());
    }

    @Override
    public Response startTask(UUID taskId) {
        return Response.ok(ApiMapper.task(work.start(Caller.of(security), taskId))).build();
    }

    @Override
    public Response completeTask(UUID taskId, TaskCompletion body) {
        TaskCompletion c = body == null ? new TaskCompletion() : body;
        return Response.ok(ApiMapper.task(work.complete(Caller.of(security), taskId, ApiMapper.node(c.getResult()),
                c.getExecutionMs()))).build();
    }

    @Override
    public Response failTask(UUID taskId, TaskFailure body) {
        if (body == null) {
            throw ApiProblem.invalid("error", "is required");
        }
        return Response.ok(ApiMapper.task(work.fail(Caller.of(security), taskId, body.getError(),
                body.getRetryable()))).build();
    }
}
