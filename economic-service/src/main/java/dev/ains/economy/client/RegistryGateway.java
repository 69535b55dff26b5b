package dev.ains.economy.client;

import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.ains.economy.client.registry.RegistryInternalApi;
import dev.ains.economy.client.registry.model.ApiKeyCheck;
import dev.ains.economy.client.registry.model.EarningBatch;
import dev.ains.kit.client.RemoteCallException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** economic-service's calls to agent-registry (agent API keys, earnings); policy values overridable in config. */
@ApplicationScoped
@Retry(maxRetries = 2, delay = 100, jitter = 50, delayUnit = ChronoUnit.MILLIS,
        abortOn = RemoteCallException.Rejected.class)
@Timeout(value = 2000, unit = ChronoUnit.MILLIS)
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, delayUnit = ChronoUnit.MILLIS,
        skipOn = RemoteCallException.Rejected.class)
public class RegistryGateway {
    @Inject
    @RestClient
    RegistryInternalApi registry;

    public void earnings(EarningBatch batch) {
        RemoteCallException.run("agent-registry", () -> registry.recordEarnings(batch));
    }

    /** The key's agent and its status; empty when the registry does not know the key. */
    public Optional<Map.Entry<UUID, String>> agentForKey(String apiKey) {
        try {
            var owner = RemoteCallException.call("agent-registry", () -> registry.verifyApiKey(new ApiKeyCheck()
                    .apiKey(apiKey)));
            return Optional.of(Map.entry(owner.getAgentId(), owner.getStatus().toString()));
        } catch (RemoteCallException e) {
            if (e.status() == 404) {
                return Optional.empty(); // an unknown key is an answer, not a failure
            }
            throw e;
        }
    }
}
