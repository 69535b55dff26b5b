package dev.ains.tasks.client;

import java.time.temporal.ChronoUnit;

import dev.ains.kit.client.RemoteCallException;
import dev.ains.tasks.client.economy.EconomyInternalApi;
import dev.ains.tasks.client.economy.model.AuctionRequestBatch;
import dev.ains.tasks.client.economy.model.TaskSettlementBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** task-service's calls to economic-service (auctions, settlement); policy values overridable in config. */
@ApplicationScoped
@Retry(maxRetries = 2, delay = 200, jitter = 100, delayUnit = ChronoUnit.MILLIS,
        abortOn = RemoteCallException.Rejected.class)
@Timeout(value = 5000, unit = ChronoUnit.MILLIS)
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, delayUnit = ChronoUnit.MILLIS,
        skipOn = RemoteCallException.Rejected.class)
public class EconomyGateway {
    private static final String SERVICE = "economic-service";

    @Inject
    @RestClient
    EconomyInternalApi economy;

    public void openAuctions(AuctionRequestBatch batch) {
        RemoteCallException.run(SERVICE, () -> economy.openAuctions(batch));
    }

    public void settle(TaskSettlementBatch batch) {
        RemoteCallException.run(SERVICE, () -> economy.settleTaskOutcomes(batch));
    }
}
