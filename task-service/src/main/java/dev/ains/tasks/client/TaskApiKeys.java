package dev.ains.tasks.client;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.security.ApiKeyVerifier;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.security.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Agent API keys are the registry's; task-service asks it once per key and remembers the answer for
 * {@code ains.tasks.api-key-cache-seconds} (by hash, never the key itself), so the agent work API
 * does not cost a registry call per request. A deactivated agent is refused within that time.
 */
@ApplicationScoped
public class TaskApiKeys implements ApiKeyVerifier {
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    RegistryGateway registry;

    @Inject
    @ConfigProperty(name = "ains.tasks.api-key-cache-seconds", defaultValue = "60")
    long ttlSeconds;

    private record Cached(Caller caller, Instant until) {
    }

    @Override
    public Optional<Caller> verify(String apiKey) {
        String hash = Secrets.hash(apiKey);
        Cached c = cache.get(hash);
        if (c != null && Instant.now().isBefore(c.until())) {
            return Optional.of(c.caller());
        }
        Optional<Map.Entry<java.util.UUID, String>> owner;
        try {
            owner = registry.agentForKey(apiKey);
        } catch (RuntimeException e) {
            throw ApiProblem.unavailable("cannot verify the API key: agent-registry is unavailable", 2);
        }
        Optional<Caller> caller = owner
                .filter(e -> !"DEACTIVATED".equals(e.getValue()))
                .map(e -> new Caller(e.getKey().toString(), Set.of(Roles.AGENT)));
        caller.ifPresentOrElse(v -> cache.put(hash, new Cached(v, Instant.now().plusSeconds(ttlSeconds))),
                () -> cache.remove(hash));
        return caller;
    }
}
