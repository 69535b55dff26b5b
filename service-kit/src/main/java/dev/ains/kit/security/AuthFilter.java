package dev.ains.kit.security;

import java.security.Principal;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.web.MatchedResource;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Authenticates every JAX-RS request (Bearer JWT or X-API-Key) and enforces {@link Allow}. Health,
 * metrics and the OpenAPI documents are not JAX-RS resources and stay open. Wrong credentials are
 * always a 401, even on public resources, so that a client notices a broken token at once.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class AuthFilter implements ContainerRequestFilter {
    public static final String API_KEY_HEADER = "X-API-Key";
    private static final String[] SERVICES_ONLY = {Roles.SERVICE};

    @Context
    ResourceInfo resourceInfo;

    @Inject
    JwtService jwt;

    @Inject
    Instance<ApiKeyVerifier> apiKeys;

    /** The services whose own identity this service accepts ({@code ains.auth.service-callers}). */
    @Inject
    @ConfigProperty(name = "ains.auth.service-callers")
    Set<String> serviceCallers;

    @Override
    public void filter(ContainerRequestContext request) {
        MatchedResource matched = MatchedResource.of(request, resourceInfo);
        boolean readsClientCredentials = matched != null
                && matched.method().isAnnotationPresent(BasicClientAuth.class);
        Optional<Caller> caller = authenticate(request, readsClientCredentials);
        caller.ifPresent(c -> request.setSecurityContext(new CallerContext(c, request.getSecurityContext())));
        String[] allowed = allowedRoles(matched);
        if (allowed != null && Arrays.asList(allowed).contains(Allow.PUBLIC)) {
            return;
        }
        Caller c = caller.orElseThrow(() -> ApiProblem.unauthorized(
                "send a Bearer token (Authorization header) or an agent API key (X-API-Key)"));
        // a service identity reaches only the services that expect its calls (#12: not a shared platform power)
        if (c.has(Roles.SERVICE)) {
            if (!serviceCallers.contains(c.id())) {
                throw ApiProblem.forbidden("service " + c.id() + " does not call this service");
            }
            // ...and only the operations written for services: a service identity is no operator, and no client
            if (allowed == null || !Arrays.asList(allowed).contains(Roles.SERVICE)) {
                throw ApiProblem.forbidden("a service identity calls only the internal operations");
            }
            return;
        }
        if (allowed != null && Arrays.stream(allowed).noneMatch(c::has)) {
            // an admin may do what clients and agents may, but the services' own operations take a service
            // identity: an operator's token is not one
            if (!c.has(Roles.ADMIN) || Arrays.equals(allowed, SERVICES_ONLY)) {
                throw ApiProblem.forbidden("this operation needs one of the roles " + Arrays.toString(allowed));
            }
        }
    }

    private Optional<Caller> authenticate(ContainerRequestContext request, boolean readsClientCredentials) {
        String auth = request.getHeaderString("Authorization");
        if (auth != null && !auth.isBlank()) {
            if (readsClientCredentials && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
                return Optional.empty(); // the operation checks them
            }
            if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw ApiProblem.unauthorized("the Authorization header must be 'Bearer <token>'");
            }
            return Optional.of(jwt.verify(auth.substring(7).trim())
                    .orElseThrow(() -> ApiProblem.unauthorized("the token is invalid or expired")));
        }
        String key = request.getHeaderString(API_KEY_HEADER);
        if (key != null && !key.isBlank()) {
            if (!apiKeys.isResolvable()) {
                throw ApiProblem.unauthorized("this service does not accept API keys");
            }
            return Optional.of(apiKeys.get().verify(key.trim())
                    .orElseThrow(() -> ApiProblem.unauthorized("the API key is unknown or revoked")));
        }
        return Optional.empty();
    }

    /** The roles of the method's {@link Allow}, else its class's (or a superclass's); null when none. */
    private static String[] allowedRoles(MatchedResource matched) {
        Allow allow = matched == null ? null : matched.annotation(Allow.class);
        return allow == null ? null : allow.value();
    }

    private record CallerContext(Caller caller, SecurityContext delegate) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.has(role);
        }

        @Override
        public boolean isSecure() {
            return delegate != null && delegate.isSecure();
        }

        @Override
        public String getAuthenticationScheme() {
            return caller.isAgent() ? "ApiKey" : "Bearer";
        }
    }
}
