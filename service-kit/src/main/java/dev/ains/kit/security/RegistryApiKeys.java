package dev.ains.kit.security;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.ains.kit.error.ApiProblem;

/**
 * Agent API keys are the registry's: a service asks it once per key (through its own registry client,
 * {@link #lookup}) and remembers the answer for the cache time (by hash, never the key itself), so the
 * agent API does not cost a registry call per request. A deactivated agent is refused within that time;
 * while the registry is unreachable, unknown keys answer 503 with Retry-After.
 */
public abstract class RegistryApiKeys implements ApiKeyVerifier {
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Caller caller, Instant until) {
    }

    /** The key's agent and its status, empty when the registry does not know the key; throws when unreachable. */
    protected abstract Optional<Map.Entry<UUID, String>> lookup(String apiKey);

    protected abstract long cacheSeconds();

    @Override
    public Optional<Caller> verify(String apiKey) {
        String hash = Secrets.hash(apiKey);
        Cached c = cache.get(hash);
        if (c != null && Instant.now().isBefore(c.until())) {
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
        caller.ifPresentOrElse(v -> cache.put(hash, new Cached(v, Instant.now().plusSeconds(cacheSeconds()))),
                () -> cache.remove(hash));
        return caller;
    }
}
