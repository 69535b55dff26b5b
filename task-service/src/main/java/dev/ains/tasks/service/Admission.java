package dev.ains.tasks.service;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * Admission control for new work (#11), two bounds on this replica, both answered at once with 503 and
 * {@code Retry-After} before anything is read or written. Claims and results are never limited: they are
 * what drains the work.
 * <ul>
 * <li>At most {@code ains.tasks.admission.max-in-flight} submissions (single or batch) in progress,
 * instead of queueing for database connections.</li>
 * <li>No new tasks for a capability while the dispatcher is behind on it: when the oldest task it just
 * routed had waited longer than {@code ains.tasks.admission.max-routing-delay-ms} although its agents had
 * room. Submissions were cheap enough to outrun routing, claims and reports together, and every task
 * accepted beyond that waited longer than the one before (5.5 s after 10 s at 1,000 tasks/s offered).
 * Waiting for agents that are all busy is not the platform falling behind and never refuses anything:
 * a queue for slow agents is what clients submit to.</li>
 * </ul>
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

    private final long maxRoutingDelayMs;
    /** Capabilities the dispatcher is behind on, with how long the oldest task it last routed had waited. */
    private final Map<String, Long> routingDelays = new ConcurrentHashMap<>();

    @Inject
    public Admission(@ConfigProperty(name = "ains.tasks.admission.max-in-flight", defaultValue = "128") int maxInFlight,
                     @ConfigProperty(name = "ains.tasks.admission.retry-after-seconds", defaultValue = "1")
                     int retryAfterSeconds,
                     @ConfigProperty(name = "ains.tasks.admission.max-routing-delay-ms", defaultValue = "1000")
                     long maxRoutingDelayMs) {
        this.maxInFlight = maxInFlight;
        this.permits = new Semaphore(maxInFlight);
        this.retryAfterSeconds = retryAfterSeconds;
        this.maxRoutingDelayMs = maxRoutingDelayMs;
    }

    /**
     * Refuses a new task of the capability (503) while the dispatcher is behind on it; called before the
     * submission's transaction.
     */
    public void admitCapability(String capability) {
        Long delay = capability == null ? null : routingDelays.get(capability);
        if (delay == null) {
            return;
        }
        registry.counter("ains_admission_rejected_total", new Tag("request", "routing_delay")).inc();
        LOG.fine(() -> "task for " + capability + " refused: routing is " + delay + " ms behind");
        throw ApiProblem.unavailable("tasks needing capability_required '" + capability + "' wait " + delay
                + " ms to be routed although agents have room, over the limit of " + maxRoutingDelayMs
                + " ms: the platform is behind on them; nothing was taken: send it again after " + retryAfterSeconds
                + " s", retryAfterSeconds);
    }

    /**
     * Recorded by the dispatcher after each pass over a capability: how long the oldest task it routed had
     * waited, or 0 when its agents were the limit (the pass ended on agents without room) or nothing waited.
     */
    public void routingDelay(String capability, long waitedMs) {
        if (maxRoutingDelayMs > 0 && waitedMs > maxRoutingDelayMs) {
            routingDelays.put(capability, waitedMs);
        } else {
            routingDelays.remove(capability);
        }
    }

    /** Forgets the capabilities that have no task queued any more. */
    public void routingDelaysOnly(Collection<String> queuedCapabilities) {
        routingDelays.keySet().retainAll(queuedCapabilities);
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
