package dev.ains.analytics.client;

import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.ains.analytics.client.registry.RegistryInternalApi;
import dev.ains.analytics.client.registry.model.AgentStatusQuery;
import dev.ains.kit.client.RemoteCallException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * analytics-service's one call to agent-registry: the current trust scores of the agents in a report.
 * Policy from config ({@code dev.ains.analytics.client.RegistryGateway/Retry/maxRetries} …); a short
 * timeout, because a report waits for it.
 */
@ApplicationScoped
@Retry(maxRetries = 1, delay = 100, jitter = 50, delayUnit = ChronoUnit.MILLIS,
        abortOn = RemoteCallException.Rejected.class)
@Timeout(value = 1500, unit = ChronoUnit.MILLIS)
@CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10000, delayUnit = ChronoUnit.MILLIS,
        skipOn = RemoteCallException.Rejected.class)
public class RegistryGateway {
    private static final String SERVICE = "agent-registry";
    private static final int MAX_IDS = 1000; // the registry's limit per call

    @Inject
    @RestClient
    RegistryInternalApi registry;

    /** agent → trust score; agents the registry does not know are left out. */
    public Map<UUID, Double> trustScores(List<UUID> agents) {
        Map<UUID, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < agents.size(); i += MAX_IDS) {
            List<UUID> part = agents.subList(i, Math.min(agents.size(), i + MAX_IDS));
            RemoteCallException.call(SERVICE, () -> registry.agentStatuses(new AgentStatusQuery().agentIds(part)))
                    .getAgents().forEach(e -> out.put(e.getAgentId(), e.getTrustScore()));
        }
        return out;
    }
}
