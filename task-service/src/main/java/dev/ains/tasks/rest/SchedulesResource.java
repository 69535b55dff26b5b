package dev.ains.tasks.rest;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Page;
import dev.ains.tasks.api.SchedulesApi;
import dev.ains.tasks.api.model.Schedule;
import dev.ains.tasks.api.model.SchedulePage;
import dev.ains.tasks.api.model.ScheduleRequest;
import dev.ains.tasks.api.model.TaskRequest;
import dev.ains.tasks.service.ScheduleService;
import dev.ains.tasks.store.ScheduleRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.CLIENT})
public class SchedulesResource implements SchedulesApi {
    @Inject
    ScheduleService schedules;
    @Inject
    dev.ains.tasks.service.TemplateService templates;
    @Context
    SecurityContext security;

    @Override
    public Response createSchedule(ScheduleRequest body) {
        Caller caller = Caller.of(security);
        ScheduleRecord s = schedules.create(caller, definition(caller, body));
        return Response.created(URI.create("/aitp/tasks/schedule/" + s.scheduleId())).entity(schedule(s)).build();
    }

    @Override
    public Response listSchedules(Integer limit, String cursor) {
        int l = Cursor.limit(limit);
        List<ScheduleRecord> rows = schedules.list(Caller.of(security), Cursor.decode(cursor), l + 1);
        var page = Page.of(rows, l, this::schedule, s -> Cursor.after(s.createdAt(), s.scheduleId()));
        return Response.ok(new SchedulePage().items(page.items()).nextCursor(page.nextCursor())).build();
    }

    @Override
    public Response getSchedule(UUID scheduleId) {
        return Response.ok(schedule(schedules.get(Caller.of(security), scheduleId))).build();
    }

    @Override
    public Response updateSchedule(UUID scheduleId, ScheduleRequest body) {
        Caller caller = Caller.of(security);
        return Response.ok(schedule(schedules.update(caller, scheduleId, definition(caller, body)))).build();
    }

    @Override
    public Response deleteSchedule(UUID scheduleId) {
        schedules.delete(Caller.of(security), scheduleId);
        return Response.noContent().build();
    }

    /** The schedule keeps its own copy of the task: a template is applied now, not at every tick. */
    private ScheduleService.Definition definition(Caller caller, ScheduleRequest b) {
        if (b == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        return new ScheduleService.Definition(b.getName(), b.getCron(), b.getTimeZone(),
                b.getTask() == null ? null
                        : templates.resolve(caller, Json.MAPPER.valueToTree(b.getTask()), "task.template_id"),
                b.getEnabled(), b.getStartAt(),
                b.getEndAt(), b.getMisfirePolicy() == null ? null : b.getMisfirePolicy().toString());
    }

    private Schedule schedule(ScheduleRecord s) {
        return new Schedule().scheduleId(s.scheduleId()).name(s.name()).cron(s.cron()).timeZone(s.timeZone())
                .task(Json.MAPPER.convertValue(s.task(), TaskRequest.class)).enabled(s.enabled()).startAt(s.startAt())
                .endAt(s.endAt()).misfirePolicy(Schedule.MisfirePolicyEnum.fromValue(s.misfirePolicy()))
                .nextFireAt(s.nextFireAt()).nextFireTimes(schedules.upcoming(s, 5)).lastFiredAt(s.lastFiredAt())
                .lastTaskId(s.lastTaskId()).fireCount(s.fireCount()).createdBy(s.createdBy()).createdAt(s.createdAt());
    }
}
