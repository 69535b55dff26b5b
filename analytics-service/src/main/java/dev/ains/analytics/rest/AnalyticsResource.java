package dev.ains.analytics.rest;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ains.analytics.api.AnalyticsApi;
import dev.ains.analytics.api.model.AgentReport;
import dev.ains.analytics.api.model.AgentReportPage;
import dev.ains.analytics.api.model.Summary;
import dev.ains.analytics.api.model.TaskTypeReport;
import dev.ains.analytics.api.model.TaskTypeStats;
import dev.ains.analytics.api.model.TopAgent;
import dev.ains.analytics.api.model.TrendPoint;
import dev.ains.analytics.api.model.Trends;
import dev.ains.analytics.service.AnalyticsService;
import dev.ains.analytics.service.AnalyticsService.Range;
import dev.ains.analytics.store.AnalyticsStore;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;

@ApplicationScoped
@Allow({Roles.CLIENT})
public class AnalyticsResource implements AnalyticsApi {
    private static final MediaType CSV = MediaType.valueOf("text/csv");

    @Inject
    AnalyticsService analytics;
    @Context
    SecurityContext security;
    @Context
    HttpHeaders headers;

    @Override
    public Response getSummary(String period, OffsetDateTime from, OffsetDateTime to) {
        var s = analytics.summary(Caller.of(security), analytics.range(period, from, to));
        return Response.ok(new Summary().from(s.from()).to(s.to()).totalTasks(s.total()).byStatus(s.byStatus())
                .finished(s.finished()).succeeded(s.succeeded()).failed(s.failed()).successRate(s.successRate())
                .avgExecutionMs(s.avgExecutionMs()).attemptsFailed(s.failedAttempts()).retries(s.retries())
                .completed(s.succeeded()).deadLettered(s.failed()).cancelled(s.cancelled())
                .p95ExecutionMs(s.p95ExecutionMs()).totalCost(s.cost())
                .topAgents(s.topAgents().stream().map(e -> new TopAgent().agentId(e.getKey()).completed(e.getValue()))
                        .toList()))
                .build();
    }

    @Override
    public Response getAgentReport(String period, OffsetDateTime from, OffsetDateTime to, String sort, Integer limit,
                                   String cursor) {
        int l = Cursor.limit(limit);
        Cursor c = Cursor.decode(cursor);
        int offset = c == null ? 0 : (int) c.number();
        Range r = analytics.range(period, from, to);
        var all = analytics.agents(Caller.of(security), r, sort);
        var page = analytics.withTrust(all.subList(Math.min(offset, all.size()), Math.min(offset + l, all.size())));
        String next = offset + l < all.size() ? Cursor.after(r.from(), offset + l).encode() : null;
        return Response.ok(new AgentReportPage().items(page.stream().map(AnalyticsResource::agent).toList())
                .nextCursor(next)).build();
    }

    @Override
    public Response getTaskTypeReport(String period, OffsetDateTime from, OffsetDateTime to) {
        Range r = analytics.range(period, from, to);
        return Response.ok(new TaskTypeReport().from(r.from()).to(r.to()).items(analytics.taskTypes(
                Caller.of(security), r).stream().map(AnalyticsResource::type).toList())).build();
    }

    @Override
    public Response getTrends(String period, OffsetDateTime from, OffsetDateTime to, String bucket) {
        Range r = analytics.range(period, from, to);
        String unit = bucket == null ? "hour" : bucket;
        return Response.ok(new Trends().from(r.from()).to(r.to()).bucket(unit).points(analytics.trends(
                Caller.of(security), r, unit).stream().map(AnalyticsResource::point).toList())).build();
    }

    /**
     * A report as CSV or JSON. The per-task export reads its rows as a stream and writes each as it comes,
     * so a month of tasks never sits in memory; the other reports are aggregates and small.
     */
    @Override
    public Response exportReport(String report, String format, String period, OffsetDateTime from, OffsetDateTime to,
                                 String bucket) {
        Caller caller = Caller.of(security);
        if (report == null) {
            throw ApiProblem.invalid("report", "is required: tasks, agents, task_types or trends");
        }
        boolean csv = csv(format);
        Range r = analytics.range(period, from, to);
        StreamingOutput body = switch (report) {
            case "tasks" -> out -> {
                try (var rows = analytics.taskRows(caller, r); Writer w = writer(out)) {
                    Table.start(w, csv, TASK_COLUMNS);
                    boolean[] first = {true};
                    rows.forEach(row -> Table.row(w, csv, TASK_COLUMNS, taskRow(row), first));
                    Table.end(w, csv);
                }
            };
            case "agents" -> table(csv, AGENT_COLUMNS, analytics.withTrust(analytics.agents(caller, r, null)).stream()
                    .map(a -> Json.MAPPER.<Map<String, Object>>convertValue(agent(a), Json.MAPPER.getTypeFactory()
                            .constructMapType(LinkedHashMap.class, String.class, Object.class))).toList());
            case "task_types" -> table(csv, TYPE_COLUMNS, analytics.taskTypes(caller, r).stream()
                    .map(t -> Json.MAPPER.<Map<String, Object>>convertValue(type(t), Json.MAPPER.getTypeFactory()
                            .constructMapType(LinkedHashMap.class, String.class, Object.class))).toList());
            case "trends" -> table(csv, TREND_COLUMNS, analytics.trends(caller, r, bucket).stream()
                    .map(p -> Json.MAPPER.<Map<String, Object>>convertValue(point(p), Json.MAPPER.getTypeFactory()
                            .constructMapType(LinkedHashMap.class, String.class, Object.class))).toList());
            default -> throw ApiProblem.invalid("report", "must be tasks, agents, task_types or trends");
        };
        String file = report + "-" + r.from().toLocalDate() + "-" + r.to().toLocalDate() + (csv ? ".csv" : ".json");
        return Response.ok(body, csv ? CSV : MediaType.APPLICATION_JSON_TYPE)
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
    }

    private boolean csv(String format) {
        if (format != null) {
            if (!format.equals("csv") && !format.equals("json")) {
                throw ApiProblem.invalid("format", "must be csv or json");
            }
            return format.equals("csv");
        }
        return headers != null && headers.getAcceptableMediaTypes().stream().anyMatch(m -> m.isCompatible(CSV)
                && !m.isWildcardType());
    }

    private static final List<String> TASK_COLUMNS = List.of("task_id", "task_type", "capability", "created_by",
            "created_at", "status", "status_at", "agent_id", "attempts", "failed_attempts", "execution_ms",
            "completed_at", "cost", "currency");
    private static final List<String> AGENT_COLUMNS = List.of("agent_id", "tasks", "completed", "dead_lettered",
            "success_rate", "avg_execution_ms", "p95_execution_ms", "trust_score", "earnings");
    private static final List<String> TYPE_COLUMNS = List.of("task_type", "total", "by_status", "retry_rate",
            "avg_wait_ms", "avg_execution_ms");
    private static final List<String> TREND_COLUMNS = List.of("bucket_start", "created", "completed", "dead_lettered",
            "avg_execution_ms");

    private static Map<String, Object> taskRow(DbRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String c : TASK_COLUMNS) {
            Object v = Rows.raw(r, c);
            m.put(c, v instanceof java.sql.Timestamp ts ? Rows.time(r, c) : v);
        }
        return m;
    }

    private static StreamingOutput table(boolean csv, List<String> columns, List<Map<String, Object>> rows) {
        return out -> {
            try (Writer w = writer(out)) {
                Table.start(w, csv, columns);
                boolean[] first = {true};
                rows.forEach(row -> Table.row(w, csv, columns, row, first));
                Table.end(w, csv);
            }
        };
    }

    private static Writer writer(java.io.OutputStream out) {
        return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
    }

    /** CSV (RFC 4180: header line, fields quoted when needed) or a JSON array, written row by row. */
    static final class Table {
        private Table() {
        }

        static void start(Writer w, boolean csv, List<String> columns) throws java.io.IOException {
            w.write(csv ? String.join(",", columns) + "\r\n" : "[");
        }

        static void row(Writer w, boolean csv, List<String> columns, Map<String, Object> row, boolean[] first) {
            try {
                if (csv) {
                    List<String> cells = new ArrayList<>(columns.size());
                    for (String c : columns) {
                        cells.add(cell(row.get(c)));
                    }
                    w.write(String.join(",", cells) + "\r\n");
                } else {
                    w.write((first[0] ? "" : ",") + "\n" + Json.write(row));
                }
                first[0] = false;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        static void end(Writer w, boolean csv) throws java.io.IOException {
            if (!csv) {
                w.write("\n]\n");
            }
        }

        static String cell(Object v) {
            if (v == null) {
                return "";
            }
            String s = v instanceof Map<?, ?> || v instanceof List<?> ? Json.write(v) : v.toString();
            return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                    ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
        }
    }

    private static AgentReport agent(AnalyticsService.AgentFigures a) {
        var r = a.row();
        return new AgentReport().agentId(r.agentId()).tasks(r.tasks()).completed(r.completed())
                .deadLettered(r.deadLettered()).successRate(a.successRate()).avgExecutionMs(round(r.avgMs()))
                .p95ExecutionMs(a.p95Ms()).trustScore(a.trustScore()).earnings(a.earnings());
    }

    private static TaskTypeStats type(AnalyticsService.TypeFigures t) {
        return new TaskTypeStats().taskType(t.taskType()).total(t.total()).byStatus(t.byStatus())
                .retryRate(t.retryRate()).avgWaitMs(t.avgWaitMs()).avgExecutionMs(t.avgExecutionMs());
    }

    private static TrendPoint point(AnalyticsStore.TrendRow p) {
        return new TrendPoint().bucketStart(p.bucket()).created(p.created()).completed(p.completed())
                .deadLettered(p.deadLettered()).avgExecutionMs(round(p.avgMs()));
    }

    private static Double round(Double v) {
        return v == null ? null : Math.round(v * 10) / 10.0;
    }
}
