package dev.ains.analytics.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ains.analytics.store.AnalyticsStore;
import dev.ains.analytics.store.AnalyticsStore.Event;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.Check;
import dev.ains.kit.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/** Ingests task events (idempotently) and computes figures from them. */
@ApplicationScoped
public class AnalyticsService {
    private static final Set<String> FINAL = Set.of("COMPLETED", "DEAD_LETTERED", "CANCELLED");

    @Inject
    AnalyticsStore store;
    @Inject
    Database database;
    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry metrics;

    public record Intake(int accepted, int duplicates) {
    }

    public Intake ingest(List<Event> events) {
        Check check = Check.of().that(events.size() <= 1000, "events", "at most 1000 events");
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            String f = "events[" + i + "]";
            check.required(f + ".event_id", e.eventId()).required(f + ".event_type", e.eventType())
                    .required(f + ".task_id", e.taskId()).required(f + ".occurred_at", e.occurredAt())
                    .required(f + ".status", e.status());
        }
        check.orThrow();
        int accepted = database.inTransaction(tx -> {
            int n = 0;
            for (Event e : events) {
                if (store.insertEvent(tx, e)) {
                    int failed = "task.failed".equals(e.eventType()) ? 1 : 0;
                    store.upsertFact(tx, e, failed, FINAL.contains(e.status()) ? e.occurredAt() : null);
                    metrics.counter("ains_analytics_events_ingested_total", new Tag("event_type", e.eventType())).inc();
                    n++;
                }
            }
            return n;
        });
        return new Intake(accepted, events.size() - accepted);
    }

    public record Summary(OffsetDateTime from, OffsetDateTime to, long total, Map<String, Long> byStatus,
                          long finished, long succeeded, long failed, double successRate, Double avgExecutionMs,
                          long failedAttempts, long retries) {
    }

    /** Tasks created in [from, to): a client sees its own, an admin everyone's. */
    public Summary summary(Caller caller, OffsetDateTime from, OffsetDateTime to) {
        OffsetDateTime end = to == null ? OffsetDateTime.now(ZoneOffset.UTC) : to;
        OffsetDateTime start = from == null ? end.minusHours(24) : from;
        Check.of().that(start.isBefore(end), "from", "must be before to")
                .that(Duration.between(start, end).toDays() <= 3660, "from", "range must be at most 10 years")
                .orThrow();
        var f = store.summary(start, end, caller.isAdmin() ? null : caller.id());
        long total = f.byStatus().values().stream().mapToLong(Long::longValue).sum();
        long succeeded = f.byStatus().getOrDefault("COMPLETED", 0L);
        long failed = f.byStatus().getOrDefault("DEAD_LETTERED", 0L);
        long finished = succeeded + failed + f.byStatus().getOrDefault("CANCELLED", 0L);
        double rate = succeeded + failed == 0 ? 0 : succeeded / (double) (succeeded + failed);
        return new Summary(start, end, total, f.byStatus(), finished, succeeded, failed,
                Math.round(rate * 10000) / 10000.0,
                f.avgExecutionMs() == null ? null : Math.round(f.avgExecutionMs() * 10) / 10.0,
                f.failedAttempts(), f.retries());
    }
}
