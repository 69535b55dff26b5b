package dev.ains.registry.rest;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Page;
import dev.ains.registry.api.TrustApi;
import dev.ains.registry.api.model.Leaderboard;
import dev.ains.registry.api.model.LeaderboardEntry;
import dev.ains.registry.api.model.Rating;
import dev.ains.registry.api.model.RatingRequest;
import dev.ains.registry.api.model.TrustRecordPage;
import dev.ains.registry.service.AgentService;
import dev.ains.registry.service.TrustService;
import dev.ains.registry.store.RegistryStore;
import dev.ains.registry.trust.TrustModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.CLIENT, Roles.AGENT})
public class TrustResource implements TrustApi {
    @Context
    SecurityContext security;
    @Inject
    AgentService agents;
    @Inject
    TrustService trust;

    @Override
    public Response getTrust(UUID agentId) {
        return Response.ok(ApiMapper.trust(trust.explain(agents.get(agentId)))).build();
    }

    @Override
    public Response getReputation(UUID agentId) {
        return Response.ok(ApiMapper.reputation(trust.reputation(agents.get(agentId)))).build();
    }

    @Override
    @Allow({Roles.CLIENT})
    public Response rateAgent(UUID agentId, RatingRequest body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        var r = trust.rate(Caller.of(security), agentId, body.getTaskId(), body.getStars(), body.getComment());
        return Response.created(URI.create("/ains/agents/" + agentId + "/reputation")).entity(new Rating()
                .taskId(r.taskId()).agentId(r.agentId()).clientId(r.clientId()).stars(r.stars()).comment(r.comment())
                .createdAt(r.createdAt())).build();
    }

    @Override
    public Response getLeaderboard(String metric, String currency, Integer limit) {
        var rows = trust.leaderboard(metric, currency, limit);
        List<LeaderboardEntry> items = new java.util.ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            var r = rows.get(i);
            items.add(new LeaderboardEntry().rank(i + 1).agentId(r.agentId()).name(r.name()).value(r.value())
                    .trustScore(r.trustScore()).grade(TrustModel.grade(r.trustScore())));
        }
        String m = metric == null ? "trust_score" : metric;
        return Response.ok(new Leaderboard().metric(m).currency("earnings".equals(m) ? (currency == null ? "USD"
                : currency) : null).items(items)).build();
    }

    @Override
    public Response getTrustHistory(UUID agentId, Integer limit, String cursor) {
        int l = Cursor.limit(limit);
        Cursor c = Cursor.decode(cursor);
        List<RegistryStore.TrustRecordRow> rows = trust.history(agentId, c == null ? null : c.number(), l + 1);
        var page = Page.of(rows, l, ApiMapper::trustRecord, r -> Cursor.after(r.recordedAt(), r.id()));
        return Response.ok(new TrustRecordPage().items(page.items()).nextCursor(page.nextCursor())).build();
    }
}
