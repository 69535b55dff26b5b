package dev.ains.tasks.client;

import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.ains.kit.client.RemoteCallException;
import dev.ains.tasks.client.registry.RegistryInternalApi;
import dev.ains.tasks.client.registry.model.AgentStatusQuery;
import dev.ains.tasks.client.registry.model.ApiKeyCheck;
import dev.ains.tasks.client.registry.model.Candidate;
import dev.ains.tasks.client.registry.model.CandidateQuery;
import dev.ains.tasks.client.registry.model.OutcomeBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * task-service's calls to agent-registry, through the generated MicroProfile REST client. The policy
 * (retries, timeout, circuit breaker) sits here because the generated interface cannot carry it; every
 * value is overridable in config ({@code dev.ains.tasks.client.RegistryGateway/Retry/maxRetries} …).
 */
@ApplicationScoped
@Retry(maxRetries = 2, delay = 100, jitter = 50, delayUnit = ChronoUnit.MILLIS,
        abortOn = RemoteCallException.Rejected.class)
@Timeout(value = 2000, unit = ChronoUnit.MILLIS)
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, delayUnit = ChronoUnit.MILLIS,
        skipOn = RemoteCallException.Rejected.class)
public class RegistryGateway {
    private static final String SERVICE = "agent-registry";

    @Inject
    @RestClient
    RegistryInternalApi registry;

    public List<Candidate> candidates(String capability, double minTrust) {
        return RemoteCallException.call(SERVICE, () -> registry.findCandidates(new CandidateQuery()
                .capability(capability).minTrust(minTrust)).getCandidates());
    }

    public Map<UUID, String> statuses(List<UUID> agents) {
        Map<UUID, String> out = new LinkedHashMap<>();
        RemoteCallException.call(SERVICE, () -> registry.agentStatuses(new AgentStatusQuery().agentIds(agents)))
                .getAgents().forEach(e -> out.put(e.getAgentId(), e.getStatus().toString()));
        return out;
    }

    /** Agents seen working, each counted by the registry as a heartbeat. */
    public void activity(List<UUID> agents) {
        RemoteCallException.call(SERVICE, () -> registry.agentActivity(new AgentStatusQuery().agentIds(agents)));
    }

    /** The agent the key belongs to; empty for an unknown key (a 404 is an answer, not a failure). */
    public Optional<Map.Entry<UUID, String>> agentForKey(String apiKey) {
        try {
            var owner = RemoteCallException.call(SERVICE, () -> registry.verifyApiKey(new ApiKeyCheck()
                    .apiKey(apiKey)));
            return Optional.of(Map.entry(owner.getAgentId(), owner.getStatus().toString()));
        } catch (RemoteCallException e) {
            if (e.status() == 404) {
                return Optional.empty(); // an unknown key is an answer, not a failure
            }
            throw e;
        }
    }

    public void recordOutcomes(OutcomeBatch batch) {
        RemoteCallException.run(SERVICE, () -> registry.recordOutcomes(batch));
    }
}
