package dev.ains.tasks.rest;

import java.util.List;
import java.util.UUID;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.tasks.api.BatchesApi;
import dev.ains.tasks.api.model.BatchAccepted;
import dev.ains.tasks.api.model.BatchCreated;
import dev.ains.tasks.api.model.BatchItem;
import dev.ains.tasks.api.model.BatchRejected;
import dev.ains.tasks.api.model.BatchRequest;
import dev.ains.tasks.api.model.BatchResult;
import dev.ains.tasks.api.model.BatchResults;
import dev.ains.tasks.api.model.BatchStatus;
import dev.ains.tasks.api.model.FieldError;
import dev.ains.tasks.api.model.TaskRequest;
import dev.ains.tasks.api.model.TaskStatus;
import dev.ains.tasks.api.model.TaskStatusEntry;
import dev.ains.tasks.api.model.TaskStatusList;
import dev.ains.tasks.service.Admission;
import dev.ains.tasks.service.BatchService;
import dev.ains.tasks.service.TaskRequests;
import dev.ains.tasks.service.TaskService;
import dev.ains.tasks.service.TemplateService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.CLIENT})
public class BatchesResource implements BatchesApi {
    @Inject
    BatchService batches;
    @Inject
    Admission admission;
    @Inject
    TemplateService templates;
    @Context
    SecurityContext security;

    @Override
    public Response createBatch(BatchRequest body) {
        if (body == null || body.getTasks() == null) {
            throw ApiProblem.invalid("tasks", "is required");
        }
        Caller caller = Caller.of(security);
        var created = admission.submit("batch", () -> {
            List<BatchService.Item> items = new java.util.ArrayList<>();
            for (int i = 0; i < body.getTasks().size(); i++) {
                items.add(item(caller, body.getTasks().get(i), "tasks[" + i + "].task.template_id"));
            }
            return batches.create(caller, items, !Boolean.FALSE.equals(body.getAtomic()),
                    Boolean.TRUE.equals(body.getFailFast()));
        });
        return Response.status(201).entity(new BatchCreated().batchId(created.batchId())
                .accepted(created.accepted().stream().map(a -> new BatchAccepted().index(a.index()).key(a.key())
                        .taskId(a.taskId()).status(TaskStatus.fromValue(a.status().name()))).toList())
                .rejected(created.rejected().stream().map(r -> new BatchRejected().index(r.index()).key(r.key())
                        .errors(r.errors().stream().map(e -> new FieldError().field(e.field()).message(e.message()))
                                .toList())).toList()))
                .build();
    }

    private BatchService.Item item(Caller caller, BatchItem i, String templateField) {
        if (i == null) {
            return new BatchService.Item(null, null, null);
        }
        TaskRequest t = i.getTask();
        TaskService.NewTask task = t == null ? null : TaskRequests.fromJson(
                templates.resolve(caller, dev.ains.kit.json.Json.MAPPER.valueToTree(t), templateField));
        return new BatchService.Item(i.getKey(), i.getDependsOnKeys(), task);
    }

    @Override
    public Response getBatch(UUID batchId) {
        return Response.ok(status(batches.status(Caller.of(security), batchId))).build();
    }

    @Override
    public Response cancelBatch(UUID batchId) {
        return Response.ok(status(batches.cancel(Caller.of(security), batchId))).build();
    }

    @Override
    public Response getBatchResults(UUID batchId) {
        var rows = batches.results(Caller.of(security), batchId);
        return Response.ok(new BatchResults().batchId(batchId).items(rows.stream().map(r -> {
            BatchResult out = new BatchResult().taskId(r.taskId()).key(r.key())
                    .status(TaskStatus.fromValue(r.status())).error(r.error());
            out.setResult(ApiMapper.map(r.result()));
            return out;
        }).toList())).build();
    }

    @Override
    @Allow({Roles.CLIENT, Roles.AGENT})
    public Response getTasksStatus(String taskids) {
        var s = batches.statuses(Caller.of(security), taskids);
        return Response.ok(new TaskStatusList().items(s.found().stream().map(r -> new TaskStatusEntry()
                .taskId(r.taskId()).status(TaskStatus.fromValue(r.status()))).toList()).missing(s.missing())).build();
    }

    private static BatchStatus status(BatchService.Status s) {
        return new BatchStatus().batchId(s.batchId()).total(s.total()).byStatus(s.byStatus()).done(s.done())
                .createdAt(s.createdAt());
    }
}
