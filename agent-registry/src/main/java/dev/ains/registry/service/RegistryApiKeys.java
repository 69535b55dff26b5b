package dev.ains.registry.service;

import java.util.Optional;
import java.util.Set;

import dev.ains.kit.security.ApiKeyVerifier;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Agents authenticate to the registry with the key it issued them; a deactivated agent's key is dead. */
@ApplicationScoped
public class RegistryApiKeys implements ApiKeyVerifier {
    @Inject
    AgentService agents;

    @Override
    public Optional<Caller> verify(String apiKey) {
        return agents.byApiKey(apiKey)
                .filter(e -> !"DEACTIVATED".equals(e.getValue()))
                .map(e -> new Caller(e.getKey().toString(), Set.of(Roles.AGENT)));
    }
}
