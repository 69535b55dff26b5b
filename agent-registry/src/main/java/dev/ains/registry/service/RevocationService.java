package dev.ains.registry.service;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.logging.Logger;

import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.JwtService;
import dev.ains.kit.security.RevocationFeed;
import dev.ains.kit.security.Roles;
import dev.ains.registry.store.RegistryStore;
import io.helidon.dbclient.DbExecute;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

/**
 * What the registry revokes (#12), and the feed every service reads it from: a token by its id, a client's tokens
 * issued before a moment (its secret revoked at once), an agent's key checks (deactivated, or its key revoked at
 * once). The registry's own replicas read the table directly; the others over {@code GET /ains/internal/revocations}.
 */
@ApplicationScoped
@Alternative
@Priority(10)
public class RevocationService implements RevocationFeed {
    private static final Logger LOG = Logger.getLogger(RevocationService.class.getName());
    /** Services remember an agent's key check for a minute by default; a day covers any sane setting. */
    private static final long AGENT_ENTRY_SECONDS = 86_400;

    @Inject
    RegistryStore store;
    @Inject
    Database database;
    @Inject
    JwtService jwt;
    @Inject
    BackgroundJobs jobs;
    @Inject
    RegistryMetrics metrics;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        jobs.every("revocations-cleanup", 3_600_000, store::forgetExpiredRevocations);
    }

    @Override
    public Page since(Instant since) {
        return store.revocationsSince(since);
    }

    /**
     * RFC 7009: the token's own client, or an admin, revokes it. A token that is not valid (expired, not ours)
     * has nothing to revoke and is answered the same way.
     */
    public void revokeToken(Caller caller, String token) {
        if (token == null || token.isBlank()) {
            throw ApiProblem.invalid("token", "is required");
        }
        jwt.read(token.trim()).ifPresent(t -> {
            if (!caller.has(Roles.ADMIN) && !caller.id().equals(t.caller().id())) {
                throw ApiProblem.forbidden("only the token's own client or an admin may revoke it");
            }
            if (t.jti() == null || t.expiresAt() == null) {
                return; // tokens before #12 carry no id; they expire within the hour
            }
            long keep = Math.max(1, t.expiresAt().getEpochSecond() - Instant.now().getEpochSecond() + 1);
            database.inTransactionRun(tx -> store.revoke(tx, "token", t.caller().id(), t.jti(), null, keep));
            metrics.revoked("token");
            LOG.info(() -> "token " + t.jti() + " of " + t.caller().id() + " revoked by " + caller.id());
        });
    }

    /**
     * Every token of the client issued before now. A token's issue time is in whole seconds, so one issued later in
     * this same second is refused as well: the safe side (the client signs in again a second later).
     */
    public void revokeClientTokens(DbExecute tx, String clientId) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        store.revoke(tx, "subject", clientId, null, now, Math.max(jwt.ttlSeconds(), 3600));
        metrics.revoked("subject");
    }

    /** The agent's key checks cached by the services are asked again (deactivated, or its old key revoked). */
    public void revokeAgentKeys(DbExecute tx, String agentId) {
        store.revoke(tx, "agent", agentId, null, null, AGENT_ENTRY_SECONDS);
        metrics.revoked("agent");
    }
}
