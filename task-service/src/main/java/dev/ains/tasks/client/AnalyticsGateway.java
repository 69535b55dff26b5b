package dev.ains.tasks.client;

import java.time.temporal.ChronoUnit;

import dev.ains.kit.client.RemoteCallException;
import dev.ains.tasks.client.analytics.AnalyticsInternalApi;
import dev.ains.tasks.client.analytics.model.EventBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** task-service's calls to analytics-service; policy values overridable in config like the registry's. */
@ApplicationScoped
@Retry(maxRetries = 2, delay = 200, jitter = 100, delayUnit = ChronoUnit.MILLIS,
        abortOn = RemoteCallException.Rejected.class)
@Timeout(value = 5000, unit = ChronoUnit.MILLIS)
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, delayUnit = ChronoUnit.MILLIS,
        skipOn = RemoteCallException.Rejected.class)
public class AnalyticsGateway {
    @Inject
    @RestClient
    AnalyticsInternalApi analytics;

    public void ingest(EventBatch batch) {
        RemoteCallException.run("analytics-service", () -> analytics.ingestEvents(batch));
    }
}
