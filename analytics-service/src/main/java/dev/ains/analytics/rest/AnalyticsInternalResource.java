package dev.ains.analytics.rest;

import java.util.List;

import dev.ains.analytics.api.AnalyticsInternalApi;
import dev.ains.analytics.api.model.EventBatch;
import dev.ains.analytics.api.model.IngestAck;
import dev.ains.analytics.service.AnalyticsService;
import dev.ains.analytics.store.AnalyticsStore;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** Event intake from task-service's outbox; service tokens only. */
@ApplicationScoped
@Allow({Roles.SERVICE})
public class AnalyticsInternalResource implements AnalyticsInternalApi {
    @Inject
    AnalyticsService analytics;

    @Override
    public Response ingestEvents(EventBatch body) {
        if (body == null || body.getEvents() == null) {
            throw ApiProblem.invalid("events", "is required");
        }
        List<AnalyticsStore.Event> events = body.getEvents().stream().map(e -> new AnalyticsStore.Event(
                e.getEventId(), e.getEventType(), e.getTaskId(), e.getTaskType(), e.getCapability(), e.getPriority(),
                e.getStatus(), e.getAgentId(), e.getAttempt(), e.getExecutionMs(), e.getError(), e.getCreatedBy(),
                e.getTaskCreatedAt(), e.getOccurredAt(), e.getCost(), e.getCurrency())).toList();
        var r = analytics.ingest(events);
        return Response.ok(new IngestAck().accepted(r.accepted()).duplicates(r.duplicates())).build();
    }
}
