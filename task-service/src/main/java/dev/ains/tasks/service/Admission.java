package dev.ains.tasks.service;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.logging.Logger;

import dev.ains.kit.error.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Admission control for new work: at most {@code ains.tasks.admission.max-in-flight} submissions (single
 * or batch) in progress on this replica. Beyond that a submission is refused at once with 503 and
 * {@code Retry-After}, before it reads or writes anything, instead of queueing for database connections:
 * under more load than the platform can serve, the work it took keeps moving at full speed and its
 * latency stays bounded, and the excess is told to come back (#11). Claims and results are never
 * limited: they are what drains the work.
 */
@ApplicationScoped
public class Admission {
    private static final Logger LOG = Logger.getLogger(Admission.class.getName());

    private final Semaphore permits;
    private final int maxInFlight;
    private final int retryAfterSeconds;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @Inject
    public Admission(@ConfigProperty(name = "ains.tasks.admission.max-in-flight", defaultValue = "128") int maxInFlight,
                     @ConfigProperty(name = "ains.tasks.admission.retry-after-seconds", defaultValue = "1")
                     int retryAfterSeconds) {
        this.maxInFlight = maxInFlight;
        this.permits = new Semaphore(maxInFlight);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Runs one submission if there is room for it, else refuses it (503) without running it. */
    public <T> T submit(String what, Supplier<T> work) {
        if (!permits.tryAcquire()) {
            registry.counter("ains_admission_rejected_total", new Tag("request", what)).inc();
            LOG.fine(() -> what + " refused: " + maxInFlight + " submissions in progress");
            throw ApiProblem.unavailable("task-service has " + maxInFlight + " submissions in progress, its limit;"
                    + " nothing was taken: send it again after " + retryAfterSeconds + " s", retryAfterSeconds);
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
