package dev.ains.analytics.rest;


import dev.ains.analytics.api.AnalyticsApi;
import dev.ains.analytics.api.model.Summary;
import dev.ains.analytics.service.AnalyticsService;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.CLIENT})
public class AnalyticsResource implements AnalyticsApi {
    @Inject
    AnalyticsService analytics;
    @Context
    SecurityContext security;

    @Override
    public Response getSummary(java.time.OffsetDateTime from, java.time.OffsetDateTime to) {
        var s = analytics.summary(Caller.of(security), from, to);
        return Response.ok(new Summary().from(s.from()).to(s.to()).totalTasks(s.total()).byStatus(s.byStatus())
                .finished(s.finished()).succeeded(s.succeeded()).failed(s.failed()).successRate(s.successRate())
                .avgExecutionMs(s.avgExecutionMs()).attemptsFailed(s.failedAttempts()).retries(s.retries()))
                .build();
    }
}
