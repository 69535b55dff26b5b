package dev.ains.registry.client;

import java.time.temporal.ChronoUnit;

import dev.ains.kit.client.RemoteCallException;
import dev.ains.registry.client.tasks.TasksInternalApi;
import dev.ains.registry.client.tasks.model.AgentEventBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The registry's calls to task-service; policy values overridable in config (microprofile-config.properties). */
@ApplicationScoped
@Retry(maxRetries = 2, delay = 200, jitter = 100, delayUnit = ChronoUnit.MILLIS,
        abortOn = RemoteCallException.Rejected.class)
@Timeout(value = 5000, unit = ChronoUnit.MILLIS)
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, delayUnit = ChronoUnit.MILLIS,
        skipOn = RemoteCallException.Rejected.class)
public class TaskServiceGateway {
    @Inject
    @RestClient
    TasksInternalApi tasks;

    public void agentEvents(AgentEventBatch batch) {
        RemoteCallException.run("task-service", () -> tasks.ingestAgentEvents(batch));
    }
}
