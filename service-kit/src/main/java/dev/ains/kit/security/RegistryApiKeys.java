package dev.ains.kit.security;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.ains.kit.error.ApiProblem;
import jakarta.inject.Inject;

/**
 * Agent API keys are the registry's: a service asks it once per key (through its own registry client,
 * {@link #lookup}) and remembers the answer for the cache time (by hash, never the key itself), so the
 * agent API does not cost a registry call per request. An agent the registry deactivated, or whose key it revoked
 * at once, is asked about again as soon as the registry's revocations say so ({@link Revocations}, about a
 * second); while the registry is unreachable, unknown keys answer 503 with Retry-After.
 */
public abstract class RegistryApiKeys implements ApiKeyVerifier {
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    Revocations revocations;

    private record Cached(Caller caller, Instant at, Instant until) {
    }

    /** The key's agent and its status, empty when the registry does not know the key; throws when unreachable. */
    protected abstract Optional<Map.Entry<UUID, String>> lookup(String apiKey);

    protected abstract long cacheSeconds();

    @Override
    public Optional<Caller> verify(String apiKey) {
        String hash = Secrets.hash(apiKey);
        Cached c = cache.get(hash);
        if (c != null && Instant.now().isBefore(c.until())
                && (revocations == null || !revocations.agentRevokedSince(c.caller().id(), c.at()))) {
            return Optional.of(c.caller());
        }
        Optional<Map.Entry<UUID, String>> owner;
        try {
            owner = lookup(apiKey);
        } catch (RuntimeException e) {
            throw ApiProblem.unavailable("cannot verify the API key: agent-registry is unavailable", 2);
        }
        Optional<Caller> caller = owner
                .filter(e -> !"DEACTIVATED".equals(e.getValue()))
                .map(e -> new Caller(e.getKey().toString(), Set.of(Roles.AGENT)));
        Instant now = Instant.now();
        caller.ifPresentOrElse(v -> cache.put(hash, new Cached(v, now, now.plusSeconds(cacheSeconds()))),
                () -> cache.remove(hash));
        return caller;
    }
}
