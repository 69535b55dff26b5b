package dev.ains.tasks.rest;

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
import dev.ains.tasks.api.TasksApi;
import dev.ains.tasks.api.model.AttemptList;
import dev.ains.tasks.api.model.PriorityChange;
import dev.ains.tasks.api.model.TimeoutChange;
import dev.ains.tasks.api.model.RoutingDecisionList;
import dev.ains.tasks.api.model.TaskPage;
import dev.ains.tasks.api.model.TaskRequest;
import dev.ains.tasks.api.model.TaskStatus;
import dev.ains.tasks.service.Admission;
import dev.ains.tasks.service.TaskRequests;
import dev.ains.tasks.service.TaskService;
import dev.ains.tasks.service.TemplateService;
import dev.ains.tasks.store.TaskRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.CLIENT})
public class TasksResource implements TasksApi {
    @Inject
    TaskService tasks;
    @Inject
    Admission admission;
    @Inject
    TemplateService templates;
    @Context
    SecurityContext security;

    @Override
    @NotAudited("the task row: its creator and creation time (and the task.created event)")
    public Response createTask(TaskRequest body, String idempotencyKey) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        Caller caller = Caller.of(security);
        var created = admission.submit("task", () -> tasks.create(caller, TaskRequests.fromJson(
                templates.resolve(caller, dev.ains.kit.json.Json.MAPPER.valueToTree(body), "template_id")),
                idempotencyKey));
        return Response.created(URI.create("/aitp/tasks/" + created.task().taskId()))
                .header("Idempotent-Replayed", created.replayed() ? "true" : null)
                .entity(ApiMapper.task(created.task())).build();
    }

    @Override
    public Response listTasks(TaskStatus status, String taskType, UUID agentId, Integer limit, String cursor) {
        int l = Cursor.limit(limit);
        List<TaskRecord> rows = tasks.list(Caller.of(security), status == null ? null : status.toString(), taskType,
                agentId, Cursor.decode(cursor), l + 1);
        var page = Page.of(rows, l, ApiMapper::task, t -> Cursor.after(t.createdAt(), t.taskId()));
        return Response.ok(new TaskPage().items(page.items()).nextCursor(page.nextCursor())).build();
    }

    @Override
    @Allow({Roles.CLIENT, Roles.AGENT})
    public Response getTask(UUID taskId) {
        Caller caller = Caller.of(security);
        TaskRecord t = tasks.get(caller, taskId);
        return Response.ok(ApiMapper.task(t, tasks.attempts(caller, taskId))
                .dependsOn(tasks.dependencies(caller, taskId))).build();
    }

    @Override
    public Response cancelTask(UUID taskId, String reason) {
        return Response.ok(ApiMapper.task(tasks.cancel(Caller.of(security), taskId, reason))).build();
    }

    @Override
    public Response getTaskRouting(UUID taskId) {
        return Response.ok(new RoutingDecisionList().items(tasks.routing(Caller.of(security), taskId).stream()
                .map(ApiMapper::routing).toList())).build();
    }

    @Override
    public Response retryTask(UUID taskId) {
        return Response.ok(ApiMapper.task(tasks.retry(Caller.of(security), taskId))).build();
    }

    @Override
    public Response setTaskPriority(UUID taskId, PriorityChange body) {
        Integer p = body == null ? null : body.getPriority();
        return Response.ok(ApiMapper.task(tasks.setPriority(Caller.of(security), taskId, p))).build();
    }

    @Override
    public Response setTaskTimeout(UUID taskId, TimeoutChange body) {
        Integer t = body == null ? null : body.getTimeoutSeconds();
        return Response.ok(ApiMapper.task(tasks.setTimeout(Caller.of(security), taskId, t))).build();
    }

    @Override
    @Allow({Roles.CLIENT, Roles.AGENT})
    public Response getTaskAttempts(UUID taskId) {
        return Response.ok(new AttemptList().items(tasks.attempts(Caller.of(security), taskId).stream()
                .map(ApiMapper::attempt).toList())).build();
    }
}
