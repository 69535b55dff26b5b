package dev.ains.tasks.rest;

import java.util.List;
import java.util.UUID;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Problems;
import dev.ains.kit.json.Json;
import dev.ains.kit.audit.NotAudited;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.tasks.api.AgentWorkApi;
import dev.ains.tasks.api.model.AttemptResult;
import dev.ains.tasks.api.model.AttemptResultOutcome;
import dev.ains.tasks.api.model.ClaimBatch;
import dev.ains.tasks.api.model.Lease;
import dev.ains.tasks.api.model.LeaseExtension;
import dev.ains.tasks.api.model.ClaimedTask;
import dev.ains.tasks.api.model.Problem;
import dev.ains.tasks.api.model.ResultBatch;
import dev.ains.tasks.api.model.ResultBatchOutcome;
import dev.ains.tasks.api.model.TaskCompletion;
import dev.ains.tasks.api.model.TaskFailure;
import dev.ains.tasks.api.model.TaskStatus;
import dev.ains.tasks.service.AgentWorkService;
import dev.ains.tasks.store.TaskRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.AGENT})
@NotAudited("each attempt row: the agent, when it was assigned, claimed, started and ended, its outcome and error")
public class AgentWorkResource implements AgentWorkApi {
    @Inject
    AgentWorkService work;
    @Context
    SecurityContext security;

    @Override
    public Response claimTask(UUID agentId, Integer waitSeconds) {
        var claim = work.claim(Caller.of(security), agentId, waitSeconds, 1);
        if (claim.tasks().isEmpty()) {
            return Response.noContent().header("AITP-Cancelled-Tasks", claim.cancelled().isEmpty()
                    ? null : String.join(",", claim.cancelled().stream().map(UUID::toString).toList())).build();
        }
        return Response.ok(claimed(claim.tasks().get(0)).cancelledTaskIds(claim.cancelled())).build();
    }

    @Override
    public Response claimTasks(UUID agentId, Integer maxTasks, Integer waitSeconds) {
        var claim = work.claim(Caller.of(security), agentId, waitSeconds, maxTasks);
        return Response.ok(new ClaimBatch().items(claim.tasks().stream().map(AgentWorkResource::claimed).toList())
                .cancelledTaskIds(claim.cancelled())).build();
    }

    /** A claimed task as the claim calls and the pushing stream send it. */
    static ClaimedTask claimed(TaskRecord t) {
        return new ClaimedTask().task(ApiMapper.task(t)).attemptNo(t.attemptCount()).leaseExpiresAt(t.leaseExpiresAt())
                .cancelledTaskIds(null);
    }

    @Override
    public Response startTask(UUID taskId) {
        return Response.ok(ApiMapper.task(work.start(Caller.of(security), taskId))).build();
    }

    @Override
    public Response completeTask(UUID taskId, TaskCompletion body) {
        TaskCompletion c = body == null ? new TaskCompletion() : body;
        return Response.ok(ApiMapper.task(work.complete(Caller.of(security), taskId, c.getAttemptNo(),
                ApiMapper.node(c.getResult()), c.getExecutionMs()))).build();
    }

    @Override
    public Response failTask(UUID taskId, TaskFailure body) {
        if (body == null) {
            throw ApiProblem.invalid("error", "is required");
        }
        return Response.ok(ApiMapper.task(work.fail(Caller.of(security), taskId, body.getAttemptNo(), body.getError(),
                body.getRetryable()))).build();
    }

    @Override
    public Response extendLease(UUID taskId, LeaseExtension body) {
        LeaseExtension b = body == null ? new LeaseExtension() : body;
        return Response.ok(new Lease().taskId(taskId).attemptNo(b.getAttemptNo())
                .leaseExpiresAt(work.extendLease(Caller.of(security), taskId, b.getAttemptNo(), b.getExtendSeconds())))
                .build();
    }

    @Override
    public Response reportResults(UUID agentId, ResultBatch body) {
        List<AgentWorkService.Report> reports = body == null || body.getItems() == null ? null
                : body.getItems().stream().map(AgentWorkResource::report).toList();
        List<AttemptResultOutcome> answers = work.report(Caller.of(security), agentId, reports).stream()
                .map(AgentWorkResource::answer).toList();
        return Response.ok(new ResultBatchOutcome().items(answers)).build();
    }

    private static AgentWorkService.Report report(AttemptResult r) {
        if (r == null) {
            throw ApiProblem.invalid("items", "must not hold null");
        }
        if (r.getOutcome() == null) {
            throw ApiProblem.invalid("items[].outcome", "is required (COMPLETED or FAILED)");
        }
        return r.getOutcome() == AttemptResult.OutcomeEnum.COMPLETED
                ? AgentWorkService.Report.completion(r.getTaskId(), r.getAttemptNo(), ApiMapper.node(r.getResult()),
                        r.getExecutionMs())
                : AgentWorkService.Report.failure(r.getTaskId(), r.getAttemptNo(), r.getError(), r.getRetryable());
    }

    private static AttemptResultOutcome answer(AgentWorkService.Reported r) {
        var out = new AttemptResultOutcome().taskId(r.taskId());
        if (r.problem() != null) {
            return out.status(r.problem().status())
                    .problem(Json.MAPPER.convertValue(Problems.body(r.problem()), Problem.class));
        }
        return out.status(200).taskStatus(TaskStatus.fromValue(r.taskStatus().name()));
    }
}
