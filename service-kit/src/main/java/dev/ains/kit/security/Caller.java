package dev.ains.kit.security;

import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.ains.kit.error.ApiProblem;
import jakarta.ws.rs.core.SecurityContext;

/**
 * Who is calling: a client or operator (JWT), another service (service JWT) or an agent (API key).
 * {@code id} is the client id, the service name or the agent id.
 */
public record Caller(String id, Set<String> roles) implements Principal {
    @Override
    public String getName() {
        return id;
    }

    public boolean has(String role) {
        return roles.contains(role);
    }

    /** An operator. A service identity is not one: it reaches only the internal operations (#12). */
    public boolean isAdmin() {
        return roles.contains(Roles.ADMIN);
    }

    public boolean isAgent() {
        return roles.contains(Roles.AGENT);
    }

    /** The agent's id when the caller is an agent (agent ids are UUIDs; anything else is no agent of ours). */
    public Optional<UUID> agentId() {
        if (!isAgent()) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The caller of the current request; the auth filter guarantees one on every non-public resource. */
    public static Caller of(SecurityContext sc) {
        if (sc != null && sc.getUserPrincipal() instanceof Caller c) {
            return c;
        }
        throw ApiProblem.unauthorized("credentials are required");
    }

    /** An agent may act only as itself; admins may act for any agent. */
    public void requireAgent(String agentId) {
        if (isAdmin()) {
            return;
        }
        if (!isAgent() || !id.equals(agentId)) {
            throw ApiProblem.forbidden("this API key belongs to another agent");
        }
    }
}
