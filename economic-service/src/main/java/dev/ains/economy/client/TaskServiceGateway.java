package dev.ains.economy.client;

import java.time.temporal.ChronoUnit;

import dev.ains.economy.client.tasks.TasksInternalApi;
import dev.ains.economy.client.tasks.model.AgentEventBatch;
import dev.ains.economy.client.tasks.model.AuctionResultBatch;
import dev.ains.kit.client.RemoteCallException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** economic-service's calls to task-service (auction results); policy values overridable in config. */
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

    public void auctionResults(AuctionResultBatch batch) {
        RemoteCallException.run("task-service", () -> tasks.ingestAuctionResults(batch));
    }
}
