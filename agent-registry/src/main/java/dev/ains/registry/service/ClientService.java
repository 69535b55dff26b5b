package dev.ains.registry.service;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.JwtService;
import dev.ains.kit.security.Roles;
import dev.ains.kit.security.SecretPolicy;
import dev.ains.kit.security.Secrets;
import dev.ains.registry.store.RegistryStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Client sign-up and token issue (client-credentials). */
@ApplicationScoped
public class ClientService {
    private static final Logger LOG = Logger.getLogger(ClientService.class.getName());
    private static final Set<String> GRANTABLE = Set.of(Roles.CLIENT, Roles.ADMIN);

    @Inject
    RegistryStore store;
    @Inject
    Database database;
    @Inject
    JwtService jwt;
    @Inject
    RevocationService revocations;
    @Inject
    RegistrySettings settings;
    @Inject
    RegistryMetrics metrics;
    @Inject
    dev.ains.kit.jobs.BackgroundJobs jobs;

    public record Registered(String clientId, String secret, String name, List<String> roles,
                             java.time.OffsetDateTime createdAt) {
    }

    void ensureAdmin(@Observes @Initialized(jakarta.enterprise.context.ApplicationScoped.class) Object ignored) {
        if (!settings.adminClientId().isBlank()) {
            // an operator-chosen secret that opens everything: a weak or example one stops the start
            SecretPolicy.requireStrong("ains.registry.admin-client-secret", settings.adminClientSecret(),
                    SecretPolicy.MIN_OPERATOR_SECRET_CHARS);
            // chosen by a person, so stored with a slow hash (issued secrets are random and keep a fast one)
            store.upsertClient(settings.adminClientId(), "admin", Secrets.slowHash(settings.adminClientSecret()),
                    List.of(Roles.ADMIN, Roles.CLIENT));
            LOG.info(() -> "admin client " + settings.adminClientId() + " is ready");
        }
    }

    public Registered register(Caller caller, String name, List<String> requestedRoles) {
        if (!settings.openSignup() && (caller == null || !caller.has(Roles.ADMIN))) {
            throw ApiProblem.forbidden("client sign-up is admin-only here (ains.registry.open-signup=false)");
        }
        Check check = Check.of().required("name", name).maxLength("name", name, 200);
        Set<String> roles = new LinkedHashSet<>(requestedRoles == null || requestedRoles.isEmpty()
                ? List.of(Roles.CLIENT) : requestedRoles);
        for (String r : roles) {
            check.that(GRANTABLE.contains(r), "roles", "unknown role '" + r + "'; use client or admin");
        }
        check.orThrow();
        if (roles.contains(Roles.ADMIN) && (caller == null || !caller.has(Roles.ADMIN))) {
            throw ApiProblem.forbidden("only an admin may grant the admin role");
        }
        String id = "cl_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String secret = Secrets.generate("cs_");
        List<String> roleList = List.copyOf(roles);
        database.inTransactionRun(tx -> store.insertClient(tx, id, name, Secrets.hash(secret), roleList));
        LOG.info(() -> "client " + id + " (" + name + ") registered with roles " + roleList);
        return new Registered(id, secret, name, roleList, java.time.OffsetDateTime.now());
    }

    /**
     * A token for the client's credentials. Guessing is slowed and then stopped: from the second failed
     * secret for a client id within the window its answers wait (doubling, at most 2 s), and at the
     * configured count the id is locked out for a while, whatever secret comes, on every replica.
     */
    public String token(String clientId, String secret) {
        Check.of().required("client_id", clientId).required("client_secret", secret).orThrow();
        store.loginLockedUntil(clientId).ifPresent(until -> {
            metrics.login("locked_out");
            throw ApiProblem.tooManyRequests("locked-out", "too many failed secrets for client " + clientId
                    + "; try again after " + until,
                    (int) Math.max(1, java.time.Duration.between(java.time.OffsetDateTime.now(), until).toSeconds()));
        });
        var client = store.findClient(clientId).filter(c -> Secrets.matches(secret, c.secretHash())
                || (c.previousSecretHash() != null && Secrets.matches(secret, c.previousSecretHash())));
        if (client.isEmpty()) {
            failed(clientId);
            throw ApiProblem.unauthorized("unknown client or wrong secret");
        }
        store.loginSucceeded(clientId);
        metrics.login("succeeded");
        return jwt.issue(client.get().clientId(), client.get().roles(), jwt.ttlSeconds());
    }

    /** A new secret issued to a client (by itself or an admin); the old one works for the grace period. */
    public Rotated rotateSecret(Caller caller, String clientId, Integer graceSeconds) {
        if (caller.isAgent() || !(caller.id().equals(clientId) || caller.has(Roles.ADMIN))) {
            throw ApiProblem.forbidden("only the client itself or an admin may rotate its secret");
        }
        Check.of().range("grace_seconds", graceSeconds, 0, 604_800).orThrow();
        int grace = graceSeconds == null ? settings.rotationGraceSeconds() : graceSeconds;
        String secret = Secrets.generate("cs_");
        var until = database.inTransaction(tx -> {
            var u = store.rotateClientSecret(tx, clientId, Secrets.hash(secret), grace);
            if (u.isPresent() && grace == 0) {
                revocations.revokeClientTokens(tx, clientId); // revoked at once: a leak, so its sessions go too
            }
            return u;
        }).orElseThrow(() -> ApiProblem.notFound("client", clientId));
        LOG.info(() -> "client " + clientId + " has a new secret (by " + caller.id() + "); the old one works until "
                + until);
        return new Rotated(secret, until);
    }

    private void failed(String clientId) {
        int failures = database.inTransaction(tx -> {
            int n = store.loginFailed(tx, clientId, settings.loginWindowSeconds());
            if (n >= settings.loginMaxFailures()) {
                store.lockLogin(tx, clientId, settings.loginLockoutSeconds());
            }
            return n;
        });
        metrics.login("failed");
        if (failures >= settings.loginMaxFailures()) {
            metrics.login("locked");
            LOG.warning(() -> "client id " + clientId + " locked out for " + settings.loginLockoutSeconds()
                    + " s after " + failures + " failed secrets");
        } else if (failures >= 2) {
            long wait = Math.min(2000, settings.loginSlowdownMs() << Math.min(failures - 2, 10));
            try {
                Thread.sleep(wait); // a virtual thread: the wait costs the guesser time, not the server
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void start(@Observes @Initialized(jakarta.enterprise.context.ApplicationScoped.class) Object ignored) {
        jobs.every("login-failures-cleanup", 60_000, () -> store.forgetOldLoginFailures(
                settings.loginWindowSeconds()));
    }
}
