package dev.ains.tasks.rest;

import java.util.List;

import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Page;
import dev.ains.tasks.api.DeadLettersApi;
import dev.ains.tasks.api.model.RedriveRequest;
import dev.ains.tasks.api.model.RedriveResult;
import dev.ains.tasks.api.model.TaskPage;
import dev.ains.tasks.service.TaskService;
import dev.ains.tasks.store.TaskRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.CLIENT})
public class DeadLettersResource implements DeadLettersApi {
    @Inject
    TaskService tasks;
    @Context
    SecurityContext security;

    @Override
    public Response listDeadLetters(String taskType, String capability, Integer limit, String cursor) {
        int l = Cursor.limit(limit);
        List<TaskRecord> rows = tasks.deadLetters(Caller.of(security), taskType, capability, Cursor.decode(cursor),
                l + 1);
        var page = Page.of(rows, l, ApiMapper::task, t -> Cursor.after(t.completedAt(), t.taskId()));
        return Response.ok(new TaskPage().items(page.items()).nextCursor(page.nextCursor())).build();
    }

    @Override
    public Response redriveDeadLetters(RedriveRequest body) {
        RedriveRequest r = body == null ? new RedriveRequest() : body;
        var done = tasks.redrive(Caller.of(security), r.getTaskIds(), r.getTaskType(), r.getLimit());
        return Response.ok(new RedriveResult().redriven(done.taskIds().size()).taskIds(done.taskIds())).build();
    }
}
