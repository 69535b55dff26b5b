package dev.ains.tasks.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.tasks.api.QueueApi;
import dev.ains.tasks.api.model.QueueStats;
import dev.ains.tasks.service.TaskService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.CLIENT})
public class QueueResource implements QueueApi {
    @Inject
    TaskService tasks;
    @Context
    SecurityContext security;

    @Override
    public Response getQueueStats() {
        var s = tasks.queueStats(Caller.of(security));
        Map<String, Long> byPriority = new LinkedHashMap<>();
        new TreeMap<>(s.byPriority()).descendingMap().forEach((p, n) -> byPriority.put(String.valueOf(p), n));
        QueueStats out = new QueueStats().queued(s.queued()).retryWaiting(s.retryWaiting())
                .oldestWaitSeconds(s.oldestWaitSeconds() == null ? null : Math.round(s.oldestWaitSeconds() * 10) / 10.0)
                .byPriority(byPriority).byCapability(new TreeMap<>(s.byCapability()));
        out.setClientShare(null); // the generated model starts with an empty map; absent means "not yours to see"
        if (s.byClient() != null && s.queued() > 0) {
            Map<String, Double> share = new TreeMap<>();
            s.byClient().forEach((c, n) -> share.put(c, Math.round(n * 10000.0 / s.queued()) / 10000.0));
            out.clientShare(share);
        }
        return Response.ok(out).build();
    }
}
