package dev.ains.tasks.client;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.ains.kit.security.RegistryApiKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Agent API keys, verified by the registry and cached for {@code ains.tasks.api-key-cache-seconds}. */
@ApplicationScoped
public class TaskApiKeys extends RegistryApiKeys {
    @Inject
    RegistryGateway registry;

    @Inject
    @ConfigProperty(name = "ains.tasks.api-key-cache-seconds", defaultValue = "60")
    long ttlSeconds;

    @Override
    protected Optional<Map.Entry<UUID, String>> lookup(String apiKey) {
        return registry.agentForKey(apiKey);
    }

    @Override
    protected long cacheSeconds() {
        return ttlSeconds;
    }
}
