package dev.ains.registry.rest;

import java.util.List;
import java.util.UUID;

import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Page;
import dev.ains.registry.api.TrustApi;
import dev.ains.registry.api.model.TrustRecordPage;
import dev.ains.registry.service.AgentService;
import dev.ains.registry.service.TrustService;
import dev.ains.registry.store.RegistryStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

@ApplicationScoped
@Allow({Roles.CLIENT, Roles.AGENT})
public class TrustResource implements TrustApi {
    @Inject
    AgentService agents;
    @Inject
    TrustService trust;

    @Override
    public Response getTrust(UUID agentId) {
        return Response.ok(ApiMapper.trust(trust.explain(agents.get(agentId)))).build();
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
