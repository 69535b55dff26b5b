package dev.ains.tasks.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/** Business metrics of task-service (docs/metrics.md). */
@ApplicationScoped
public class TaskMetrics {
    private static final Metadata PICKUP = Metadata.builder().withName("ains_task_pickup_seconds")
            .withDescription("Time from a task's creation (or requeue) to its claim by an agent")
            .withUnit(MetricUnits.NONE).build();

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    private final Map<Integer, AtomicLong> depth = new ConcurrentHashMap<>();
    /** Task types are chosen by clients: at most this many get their own series (docs/metrics.md). */
    private final dev.ains.kit.web.BoundedLabel taskTypes = new dev.ains.kit.web.BoundedLabel(
            org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getOptionalValue("ains.metrics.max-task-types", Integer.class).orElse(100));

    void registerGauges() {
        for (int p = 1; p <= 10; p++) {
            AtomicLong v = depth.computeIfAbsent(p, k -> new AtomicLong());
            registry.gauge("ains_queue_depth", v, AtomicLong::get, new Tag("priority", String.valueOf(p)));
        }
    }

    void queueDepth(Map<Integer, Long> byPriority) {
        for (int p = 1; p <= 10; p++) {
            depth.get(p).set(byPriority.getOrDefault(p, 0L));
        }
    }

    public void created(String type) {
        registry.counter("ains_tasks_created_total", new Tag("task_type", taskTypes.of(type))).inc();
    }

    public void completed(String type) {
        registry.counter("ains_tasks_completed_total", new Tag("task_type", taskTypes.of(type))).inc();
    }

    public void failed(String type, String outcome) {
        registry.counter("ains_task_attempts_failed_total", new Tag("task_type", taskTypes.of(type)),
                new Tag("outcome", outcome.toLowerCase())).inc();
    }

    public void retried(String type) {
        registry.counter("ains_tasks_retried_total", new Tag("task_type", taskTypes.of(type))).inc();
    }

    public void deadLettered(String type) {
        registry.counter("ains_tasks_dead_lettered_total", new Tag("task_type", taskTypes.of(type))).inc();
    }

    public void redriven(String type) {
        registry.counter("ains_tasks_redriven_total", new Tag("task_type", taskTypes.of(type))).inc();
    }

    public void cancelled(String type) {
        registry.counter("ains_tasks_cancelled_total", new Tag("task_type", taskTypes.of(type))).inc();
    }

    public void routed(String result) {
        registry.counter("ains_routing_decisions_total", new Tag("result", result)).inc();
    }

    /** Agents reported to the registry as seen working (liveness from activity). */
    public void activityReported(int agents) {
        registry.counter("ains_agent_activity_reported_total").inc(agents);
    }

    public void pickup(Duration d) {
        registry.timer(PICKUP).update(d.isNegative() ? Duration.ZERO : d);
    }
}
