package dev.ains.kit.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.web.MatchedResource;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

/**
 * Appends every state-changing request (any method but GET, HEAD and OPTIONS that reached an operation) to the
 * audit log once it is answered, refused ones included: who, for whom, which operation and ids, from where, and
 * the status. Operations marked {@link NotAudited} are left out.
 */
@Provider
public class AuditFilter implements ContainerResponseFilter {
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    /** Set by Helidon on the JAX-RS request: the peer's address. */
    private static final String REMOTE_HOST = "io.helidon.jaxrs.remote-host";
    /** A service acting for a client names it here. */
    public static final String ON_BEHALF_OF = "X-On-Behalf-Of";

    @Context
    ResourceInfo resourceInfo;

    @Inject
    AuditLog log;

    @Inject
    AuditContext context;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (READS.contains(request.getMethod())) {
            return;
        }
        MatchedResource matched = MatchedResource.of(request, resourceInfo);
        if (matched == null || matched.annotation(NotAudited.class) != null) {
            return;
        }
        Caller caller = request.getSecurityContext() != null
                && request.getSecurityContext().getUserPrincipal() instanceof Caller c ? c : null;
        Map<String, String> ids = new LinkedHashMap<>();
        request.getUriInfo().getPathParameters().forEach((k, v) -> ids.put(k, v.isEmpty() ? "" : v.getFirst()));
        String forwarded = request.getHeaderString("X-Forwarded-For");
        String source = forwarded != null && !forwarded.isBlank() ? forwarded.split(",")[0].trim()
                : request.getProperty(REMOTE_HOST) instanceof String host ? host : null;
        String onBehalf = caller != null && caller.has(Roles.SERVICE) ? request.getHeaderString(ON_BEHALF_OF) : null;
        String actor = caller != null ? caller.id() : context.claimedActor().orElse("anonymous");
        log.append(new AuditLog.Entry(AuditLog.now(), actor,
                caller == null ? List.of() : List.copyOf(caller.roles()), onBehalf, matched.method().getName(),
                request.getMethod(), "/" + request.getUriInfo().getPath(), ids, source, response.getStatus()));
    }
}
