package dev.ains.registry.rest;

import java.time.OffsetDateTime;

import dev.ains.kit.audit.AuditLog;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Cursor;
import dev.ains.registry.api.AuditApi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** This service's audit log, for admins (the log itself is the service kit's). */
@ApplicationScoped
@Allow({Roles.ADMIN})
public class AuditResource implements AuditApi {
    @Inject
    AuditLog audit;

    @Override
    public Response listAudit(String actor, String operation, String id, OffsetDateTime from, OffsetDateTime to,
                              Integer limit, String cursor) {
        return Response.ok(audit.page(actor, operation, id, from, to, Cursor.decode(cursor), Cursor.limit(limit)))
                .build();
    }
}
