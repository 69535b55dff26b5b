package dev.ains.analytics.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.ains.analytics.store.AnalyticsStore;
import dev.ains.analytics.store.AnalyticsStore.Event;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
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
    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(AnalyticsService.class.getName());
    private static final Set<String> FINAL = Set.of("COMPLETED", "DEAD_LETTERED", "CANCELLED");

    @Inject
    AnalyticsStore store;
    @Inject
    Database database;
    @Inject
    dev.ains.analytics.client.RegistryGateway registry;
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
        // two statements per batch, whatever its size: the new events, then each task's fact once
        List<Event> accepted = database.inTransaction(tx -> {
            store.lockIntake(tx);
            Set<UUID> stored = store.insertEvents(tx, events);
            Set<UUID> seen = new java.util.HashSet<>();
            List<Event> fresh = events.stream().filter(e -> stored.contains(e.eventId()) && seen.add(e.eventId()))
                    .toList();
            store.upsertFacts(tx, fresh.stream().map(e -> new AnalyticsStore.FactChange(e,
                    "task.failed".equals(e.eventType()) ? 1 : 0,
                    FINAL.contains(e.status()) ? e.occurredAt() : null)).toList());
            return fresh;
        });
        accepted.forEach(e -> metrics.counter("ains_analytics_events_ingested_total",
                new Tag("event_type", e.eventType())).inc());
        return new Intake(accepted.size(), events.size() - accepted.size());
    }

    public record Summary(OffsetDateTime from, OffsetDateTime to, long total, Map<String, Long> byStatus,
                          long finished, long succeeded, long failed, double successRate, Double avgExecutionMs,
                          long failedAttempts, long retries, long cancelled, Double p95ExecutionMs,
                          Map<String, Long> cost, List<Map.Entry<UUID, Long>> topAgents) {
    }

    /** The range a request names: a period, or from/to (default: the 24 hours before now). */
    public record Range(OffsetDateTime from, OffsetDateTime to) {
    }

    public Range range(String period, OffsetDateTime from, OffsetDateTime to) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (period != null) {
            Check.of().that(from == null && to == null, "period", "give either period or from/to").orThrow();
            OffsetDateTime today = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            OffsetDateTime month = today.withDayOfMonth(1);
            return switch (period) {
                case "today" -> new Range(today, now);
                case "yesterday" -> new Range(today.minusDays(1), today);
                case "last_hour" -> new Range(now.minusHours(1), now);
                case "last_24_hours" -> new Range(now.minusHours(24), now);
                case "last_7_days" -> new Range(now.minusDays(7), now);
                case "last_30_days" -> new Range(now.minusDays(30), now);
                case "this_month" -> new Range(month, now);
                case "last_month" -> new Range(month.minusMonths(1), month);
                default -> throw ApiProblem.invalid("period", "unknown period '" + period + "'");
            };
        }
        OffsetDateTime end = to == null ? now : to;
        OffsetDateTime start = from == null ? end.minusHours(24) : from;
        Check.of().that(start.isBefore(end), "from", "must be before to")
                .that(Duration.between(start, end).toDays() <= 3660, "from", "range must be at most 10 years")
                .orThrow();
        return new Range(start, end);
    }

    /** Tasks created in the range: a client sees its own, an admin everyone's. */
    public Summary summary(Caller caller, Range r) {
        String creator = creator(caller);
        var f = store.summary(r.from(), r.to(), creator);
        var extra = store.summaryExtra(r.from(), r.to(), creator);
        var histogram = store.histogram(r.from(), r.to(), creator);
        long total = f.byStatus().values().stream().mapToLong(Long::longValue).sum();
        long succeeded = f.byStatus().getOrDefault("COMPLETED", 0L);
        long failed = f.byStatus().getOrDefault("DEAD_LETTERED", 0L);
        long cancelled = f.byStatus().getOrDefault("CANCELLED", 0L);
        long finished = succeeded + failed + cancelled;
        return new Summary(r.from(), r.to(), total, f.byStatus(), finished, succeeded, failed,
                ratio(succeeded, succeeded + failed), round1(f.avgExecutionMs()), f.failedAttempts(), f.retries(),
                cancelled, round1(p95(merged(histogram))), extra.cost(), extra.topAgents());
    }

    /**
     * The 95th percentile from the rollup's histogram: the mean time of the bucket holding the task at rank
     * ⌈0.95·n⌉. Buckets are 25% wide, so this is within that of the exact value (and exact when the
     * bucket holds one distinct time).
     */
    static Double p95(List<AnalyticsStore.Bucket> buckets) {
        long n = buckets.stream().mapToLong(AnalyticsStore.Bucket::tasks).sum();
        if (n == 0) {
            return null;
        }
        long rank = (long) Math.ceil(0.95 * n);
        long seen = 0;
        var sorted = buckets.stream().sorted(java.util.Comparator.comparingInt(AnalyticsStore.Bucket::bucket)).toList();
        for (var b : sorted) {
            seen += b.tasks();
            if (seen >= rank) {
                return (double) b.msSum() / b.tasks();
            }
        }
        throw new IllegalStateException("unreachable: rank " + rank + " of " + n);
    }

    /** Histogram rows of several agents merged per bucket. */
    private static List<AnalyticsStore.Bucket> merged(List<AnalyticsStore.Bucket> rows) {
        Map<Integer, long[]> byBucket = new java.util.TreeMap<>();
        rows.forEach(b -> {
            long[] t = byBucket.computeIfAbsent(b.bucket(), k -> new long[2]);
            t[0] += b.tasks();
            t[1] += b.msSum();
        });
        return byBucket.entrySet().stream()
                .map(e -> new AnalyticsStore.Bucket(null, e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
    }

    public record AgentFigures(AnalyticsStore.AgentRow row, double successRate, Double p95Ms,
                               Map<String, Long> earnings, Double trustScore) {
        AgentFigures withTrust(Double score) {
            return new AgentFigures(row, successRate, p95Ms, earnings, score);
        }
    }

    /**
     * The figures with each agent's current trust score from the registry. When the registry does not
     * answer, the report goes out without trust rather than failing: trust is context, the figures are
     * the report.
     */
    public List<AgentFigures> withTrust(List<AgentFigures> agents) {
        if (agents.isEmpty()) {
            return agents;
        }
        Map<UUID, Double> scores;
        try {
            scores = registry.trustScores(agents.stream().map(a -> a.row().agentId()).toList());
        } catch (RuntimeException e) {
            LOG.warning(() -> "agent report without trust scores: agent-registry did not answer (" + e + ")");
            return agents;
        }
        return agents.stream().map(a -> a.withTrust(scores.get(a.row().agentId()))).toList();
    }

    static final List<String> AGENT_SORTS = List.of("tasks", "success_rate", "avg_execution_ms", "earnings");

    /** Every agent's figures, sorted (best first; for execution time: fastest first). */
    public List<AgentFigures> agents(Caller caller, Range r, String sort) {
        String by = sort == null ? "tasks" : sort;
        Check.of().that(AGENT_SORTS.contains(by), "sort", "must be one of " + AGENT_SORTS).orThrow();
        String creator = creator(caller);
        Map<UUID, Map<String, Long>> costs = store.agentCosts(r.from(), r.to(), creator);
        Map<UUID, List<AnalyticsStore.Bucket>> histograms = store.histogram(r.from(), r.to(), creator).stream()
                .filter(b -> b.agentId() != null)
                .collect(java.util.stream.Collectors.groupingBy(AnalyticsStore.Bucket::agentId));
        java.util.Comparator<AgentFigures> order = switch (by) {
            case "success_rate" -> java.util.Comparator.comparingDouble(a -> -a.successRate());
            case "avg_execution_ms" -> java.util.Comparator.comparingDouble(a ->
                    a.row().avgMs() == null ? Double.MAX_VALUE : a.row().avgMs());
            case "earnings" -> java.util.Comparator.comparingLong(a -> -a.row().costSum());
            default -> java.util.Comparator.comparingLong(a -> -a.row().tasks());
        };
        return store.agents(r.from(), r.to(), creator).stream()
                .map(a -> new AgentFigures(a, ratio(a.completed(), a.completed() + a.deadLettered()),
                        round1(p95(histograms.getOrDefault(a.agentId(), List.of()))),
                        costs.getOrDefault(a.agentId(), Map.of()), null))
                .sorted(order.thenComparing(a -> a.row().agentId())).toList();
    }

    public record TypeFigures(String taskType, long total, Map<String, Long> byStatus, double retryRate,
                              Double avgWaitMs, Double avgExecutionMs) {
    }

    public List<TypeFigures> taskTypes(Caller caller, Range r) {
        Map<String, List<AnalyticsStore.TypeStatusRow>> byType = new java.util.LinkedHashMap<>();
        store.taskTypes(r.from(), r.to(), creator(caller))
                .forEach(x -> byType.computeIfAbsent(x.taskType(), k -> new java.util.ArrayList<>()).add(x));
        List<TypeFigures> out = new java.util.ArrayList<>();
        byType.forEach((type, rows) -> {
            Map<String, Long> statuses = new java.util.TreeMap<>();
            long total = 0;
            long retried = 0;
            long waited = 0;
            double waitSum = 0;
            double execSum = 0;
            for (var x : rows) {
                statuses.put(x.status(), x.n());
                total += x.n();
                retried += x.retried();
                waited += x.waited();
                waitSum += x.waitMsSum() == null ? 0 : x.waitMsSum();
                execSum += x.execMsSum() == null ? 0 : x.execMsSum();
            }
            long completed = statuses.getOrDefault("COMPLETED", 0L);
            out.add(new TypeFigures(type, total, statuses, ratio(retried, total),
                    waited == 0 ? null : round1(waitSum / waited), completed == 0 ? null : round1(execSum / completed)));
        });
        out.sort(java.util.Comparator.comparingLong((TypeFigures t) -> -t.total()).thenComparing(TypeFigures::taskType));
        return out;
    }

    static final List<String> BUCKETS = List.of("minute", "hour", "day");

    public List<AnalyticsStore.TrendRow> trends(Caller caller, Range r, String bucket) {
        String unit = bucket == null ? "hour" : bucket;
        Check.of().that(BUCKETS.contains(unit), "bucket", "must be minute, hour or day")
                .that(!"minute".equals(unit) || Duration.between(r.from(), r.to()).toDays() <= 7, "bucket",
                        "minute buckets cover at most 7 days")
                .orThrow();
        return store.trends(unit, r.from(), r.to(), creator(caller));
    }

    /** Every task created in the range, for the export; the caller must close the stream. */
    public java.util.stream.Stream<io.helidon.dbclient.DbRow> taskRows(Caller caller, Range r) {
        return store.taskRows(r.from(), r.to(), creator(caller));
    }

    private static String creator(Caller caller) {
        return caller.isAdmin() ? null : caller.id();
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0 : Math.round(part * 10000.0 / whole) / 10000.0;
    }

    private static Double round1(Double v) {
        return v == null ? null : Math.round(v * 10) / 10.0;
    }
}
