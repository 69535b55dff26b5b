package dev.ains.tasks.service;

import dev.ains.tasks.lifecycle.Backoff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/** task-service's own configuration, read once (keys in META-INF/microprofile-config.properties). */
@ApplicationScoped
public class TaskSettings {
    private final long candidateCacheMs;
    private final long dispatchIntervalMs;
    private final long leaseCheckMs;
    private final long livenessCheckMs;
    private final long activityReportMs;
    private final int queueDepthExactUpTo;
    private final int claimTimeoutSeconds;
    private final int maxInputBytes;
    private final Backoff backoff;
    private final Config config;
    private final int defaultMaxRetries;
    private final int defaultTimeoutSeconds;
    private final long ageingSeconds;
    private final boolean cancelDependentsOnFailure;

    @Inject
    public TaskSettings(Config c) {
        config = c;
        ageingSeconds = c.getOptionalValue("ains.tasks.ageing-seconds", Long.class).orElse(60L);
        cancelDependentsOnFailure = !"keep-blocked".equals(
                c.getOptionalValue("ains.tasks.on-dependency-failure", String.class).orElse("cancel"));
        defaultMaxRetries = c.getOptionalValue("ains.tasks.default.max-retries", Integer.class).orElse(3);
        defaultTimeoutSeconds = c.getOptionalValue("ains.tasks.default.timeout-seconds", Integer.class).orElse(300);
        candidateCacheMs = c.getOptionalValue("ains.tasks.candidate-cache-ms", Long.class).orElse(500L);
        dispatchIntervalMs = c.getOptionalValue("ains.tasks.dispatch-interval-ms", Long.class).orElse(200L);
        leaseCheckMs = c.getOptionalValue("ains.tasks.lease-check-ms", Long.class).orElse(500L);
        livenessCheckMs = c.getOptionalValue("ains.tasks.liveness-check-ms", Long.class).orElse(1000L);
        activityReportMs = c.getOptionalValue("ains.tasks.activity-report-ms", Long.class).orElse(1000L);
        queueDepthExactUpTo = c.getOptionalValue("ains.tasks.queue-depth-exact-up-to", Integer.class).orElse(10_000);
        claimTimeoutSeconds = c.getOptionalValue("ains.tasks.claim-timeout-seconds", Integer.class).orElse(30);
        maxInputBytes = c.getOptionalValue("ains.tasks.max-input-bytes", Integer.class).orElse(262_144);
        backoff = new Backoff(
                Backoff.Strategy.of(c.getOptionalValue("ains.tasks.retry.strategy", String.class).orElse("exponential")),
                c.getOptionalValue("ains.tasks.retry.base-ms", Long.class).orElse(1000L),
                c.getOptionalValue("ains.tasks.retry.cap-ms", Long.class).orElse(60_000L),
                c.getOptionalValue("ains.tasks.retry.jitter", Double.class).orElse(0.2));
    }

    public long candidateCacheMs() {
        return candidateCacheMs;
    }

    public long dispatchIntervalMs() {
        return dispatchIntervalMs;
    }

    public long leaseCheckMs() {
        return leaseCheckMs;
    }

    /** How often the agents seen working are reported to the registry (as their heartbeats). */
    public long activityReportMs() {
        return activityReportMs;
    }

    /** The queue-depth gauges count exactly up to this many queued tasks, and estimate beyond. */
    public int queueDepthExactUpTo() {
        return queueDepthExactUpTo;
    }

    public long livenessCheckMs() {
        return livenessCheckMs;
    }

    public int claimTimeoutSeconds() {
        return claimTimeoutSeconds;
    }

    public int maxInputBytes() {
        return maxInputBytes;
    }

    /** Cancel blocked dependents of a task that fails for good (else they stay blocked). */
    public boolean cancelDependentsOnFailure() {
        return cancelDependentsOnFailure;
    }

    /** A waiting task gains one priority level per this many seconds (docs/routing.md). */
    public long ageingSeconds() {
        return ageingSeconds;
    }

    /** The default retry policy, for tasks that bring none. */
    public Backoff backoff() {
        return backoff;
    }

    /** {@code ains.tasks.type.<task_type>.max-retries}, else {@code ains.tasks.default.max-retries}. */
    public int maxRetries(String taskType) {
        return config.getOptionalValue("ains.tasks.type." + taskType + ".max-retries", Integer.class)
                .orElse(defaultMaxRetries);
    }

    /** {@code ains.tasks.type.<task_type>.timeout-seconds}, else {@code ains.tasks.default.timeout-seconds}. */
    public int timeoutSeconds(String taskType) {
        return config.getOptionalValue("ains.tasks.type." + taskType + ".timeout-seconds", Integer.class)
                .orElse(defaultTimeoutSeconds);
    }
}
