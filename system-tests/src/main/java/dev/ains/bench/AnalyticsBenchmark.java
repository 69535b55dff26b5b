package dev.ains.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.ains.launcher.Platform;

/**
 * {@code ./ains bench --analytics [--tasks N]}: analytics-service with a month of history.
 *
 * <ol>
 *   <li>loads N tasks (default 1,000,000) spread over the last 30 days, as facts and their events
 *       (created, assigned, finished), straight into analytics' schema, and rebuilds the rollup with the
 *       same function an operator would use — loading four million events through the HTTP intake would
 *       take most of an hour here;</li>
 *   <li>sends 15,000 more events (5,000 tasks) through the intake, which keeps facts and rollup up to date as in
 *       production, and prints the rate;</li>
 *   <li>times each report over several ranges (median and worst of 5) and a month's CSV export
 *       (time to the first byte, total, rows/s) from a service running with a 512 MB heap.</li>
 * </ol>
 */
final class AnalyticsBenchmark {
    private static final HttpClient HTTP = Benchmark.HTTP;
    private static final String[] CREATORS = {"fleet-a", "fleet-b", "fleet-c", "fleet-d", "fleet-e", "fleet-f",
        "fleet-g"};

    private final Platform platform;
    private final String url;

    AnalyticsBenchmark(Platform platform) {
        this.platform = platform;
        this.url = platform.url("analytics-service");
    }

    void run(int tasks) throws Exception {
        Platform.ClientLogin client = platform.newClient("analytics-bench");
        String admin = platform.adminToken();
        long t0 = System.nanoTime();
        load(tasks, client.clientId());
        System.out.printf("  loaded %,d tasks' facts and events and rebuilt the rollup in %.1f s%n", tasks,
                (System.nanoTime() - t0) / 1e9);
        double intake = intake(5000);

        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<String[]> rows = new ArrayList<>();
        rows.add(time("summary, last 30 days (all tasks)", "/ains/analytics/summary?period=last_30_days", admin));
        rows.add(time("summary, last 30 days (one client)", "/ains/analytics/summary?period=last_30_days",
                client.token()));
        rows.add(time("summary, 17.3 days with partial ends", "/ains/analytics/summary?from="
                + enc(now.minusDays(19).minusHours(7).minusMinutes(13)) + "&to=" + enc(now.minusDays(2).plusHours(1)),
                admin));
        rows.add(time("summary, last 7 days", "/ains/analytics/summary?period=last_7_days", admin));
        rows.add(time("summary, today", "/ains/analytics/summary?period=today", admin));
        rows.add(time("summary, last hour", "/ains/analytics/summary?period=last_hour", admin));
        rows.add(time("per-agent report, last 30 days", "/ains/analytics/agents?period=last_30_days", admin));
        rows.add(time("per-task-type report, last 30 days", "/ains/analytics/tasks?period=last_30_days", admin));
        rows.add(time("trends by day, last 30 days", "/ains/analytics/trends?period=last_30_days&bucket=day", admin));
        rows.add(time("trends by hour, last 7 days", "/ains/analytics/trends?period=last_7_days&bucket=hour", admin));
        String[] export = export("/ains/analytics/export?report=tasks&format=csv&period=last_30_days", admin);

        System.out.printf("%n%-48s %20s%n", "AINS analytics benchmark (" + String.format("%,d", tasks)
                + " tasks)", "median / worst of 5");
        for (String[] r : rows) {
            System.out.printf("%-48s %20s%n", r[0], r[1]);
        }
        System.out.printf("%-48s %,17.0f/s%n", "intake: events through the HTTP intake", intake);
        System.out.printf("%-48s %20s%n", "export of a month as CSV: first byte", export[0]);
        System.out.printf("%-48s %20s%n", "export of a month as CSV: all of it", export[1]);
    }

    /**
     * Facts for {@code tasks} tasks created over the last 30 days by seven fleets (one of them the
     * benchmark's client), 8 task types, 40 agents; 90% completed (a tenth after a retry, a third of them
     * paid), 5% dead-lettered, 3% cancelled, the rest still queued. Execution times are log-normal around
     * 90 ms. Then three events per task, as task-service would have sent them, and the rollup.
     */
    private void load(int tasks, String benchClient) throws Exception {
        try (Connection c = DriverManager.getConnection(platform.dbUrl()); Statement s = c.createStatement()) {
            s.execute("SET search_path TO analytics");
            s.execute("SET synchronous_commit TO off");
            String creators = "ARRAY['" + String.join("','", CREATORS) + "','" + benchClient + "']";
            s.execute("CREATE TEMP TABLE bench_agents AS SELECT n, gen_random_uuid() AS id "
                    + "FROM generate_series(0, 39) n");
            s.execute("""
                    INSERT INTO task_facts (task_id, task_type, capability, created_by, created_at, status, status_at,
                      agent_id, attempts, failed_attempts, execution_ms, completed_at, cost, currency, first_assigned_at)
                    SELECT gen_random_uuid(), 'type-' || (i %% 8), 'cap-' || (i %% 8), (%s)[1 + (i::bigint * 7919) %% 8],
                      t, status, t + wait + (exec * interval '1 ms'),
                      CASE WHEN status <> 'QUEUED' THEN a.id END, attempts, attempts - 1 + dead,
                      CASE WHEN status = 'COMPLETED' THEN exec END,
                      CASE WHEN status IN ('COMPLETED', 'DEAD_LETTERED') THEN t + wait + (exec * interval '1 ms') END,
                      CASE WHEN status = 'COMPLETED' AND i %% 3 = 0 THEN 5 + i %% 46 END,
                      CASE WHEN status = 'COMPLETED' AND i %% 3 = 0 THEN 'USD' END,
                      CASE WHEN status <> 'QUEUED' THEN t + wait END
                    FROM (
                      SELECT i, now() - random() * interval '30 days' AS t,
                        random() * interval '2 s' AS wait,
                        greatest(1, round(exp(4.5 + sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))::bigint
                          AS exec,
                        CASE WHEN r < 0.90 THEN 'COMPLETED' WHEN r < 0.95 THEN 'DEAD_LETTERED'
                          WHEN r < 0.98 THEN 'CANCELLED' ELSE 'QUEUED' END AS status,
                        CASE WHEN r < 0.09 THEN 2 WHEN r >= 0.90 AND r < 0.95 THEN 3 ELSE 1 END AS attempts,
                        CASE WHEN r >= 0.90 AND r < 0.95 THEN 1 ELSE 0 END AS dead
                      FROM (SELECT i, random() AS r FROM generate_series(1, %d) i) g
                    ) x JOIN bench_agents a ON a.n = ((x.i * 31) %% 40)
                    """.formatted(creators, tasks));
            s.execute("""
                    INSERT INTO task_events (event_id, event_type, task_id, task_type, capability, priority, status,
                      agent_id, attempt, execution_ms, error, created_by, task_created_at, occurred_at, cost, currency)
                    SELECT gen_random_uuid(), e.type, f.task_id, f.task_type, f.capability, 5, e.status, e.agent,
                      f.attempts, e.ms, NULL, f.created_by, f.created_at, e.at, e.cost, e.currency
                    FROM task_facts f CROSS JOIN LATERAL (VALUES
                      ('task.created', 'QUEUED', NULL::uuid, NULL::bigint, f.created_at, NULL::bigint, NULL),
                      ('task.assigned', 'ASSIGNED', f.agent_id, NULL, f.first_assigned_at, NULL, NULL),
                      (CASE f.status WHEN 'COMPLETED' THEN 'task.completed' WHEN 'CANCELLED' THEN 'task.cancelled'
                        ELSE 'task.failed' END, f.status, f.agent_id, f.execution_ms, f.status_at, f.cost, f.currency)
                    ) AS e(type, status, agent, ms, at, cost, currency)
                    WHERE f.created_by = ANY (%s) AND e.at IS NOT NULL
                      AND (e.type = 'task.created' OR f.status <> 'QUEUED')
                    """.formatted(creators));
            s.execute("SELECT rebuild_task_rollup()");
            s.execute("ANALYZE task_facts");
            s.execute("ANALYZE task_events");
            s.execute("ANALYZE task_rollup");
        }
    }

    /** Events for {@code tasks} new tasks (created, assigned, completed) through the intake, 1,000 a batch. */
    private double intake(int tasks) throws Exception {
        String token = platform.serviceToken("task-service");
        List<String> events = new ArrayList<>();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (int i = 0; i < tasks; i++) {
            UUID task = UUID.randomUUID();
            UUID agent = new UUID(0, i % 40);
            OffsetDateTime created = now.minusSeconds(i % 3600);
            events.add(event(task, "task.created", "QUEUED", null, null, created, created));
            events.add(event(task, "task.assigned", "ASSIGNED", agent, null, created, created.plusSeconds(1)));
            events.add(event(task, "task.completed", "COMPLETED", agent, 50L + i % 200, created,
                    created.plusSeconds(2)));
        }
        java.util.Collections.shuffle(events, new java.util.Random(1));
        long t0 = System.nanoTime();
        for (int i = 0; i < events.size(); i += 1000) {
            String body = "{\"events\":[" + String.join(",", events.subList(i, Math.min(events.size(), i + 1000)))
                    + "]}";
            var r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/ains/analytics/internal/events"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("intake answered " + r.statusCode() + ": " + r.body());
            }
        }
        return events.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private static String event(UUID task, String type, String status, UUID agent, Long ms, OffsetDateTime created,
                                OffsetDateTime at) {
        return "{\"event_id\":\"" + UUID.randomUUID() + "\",\"event_type\":\"" + type + "\",\"task_id\":\"" + task
                + "\",\"task_type\":\"type-live\",\"capability\":\"cap-live\",\"priority\":5,\"status\":\"" + status
                + "\",\"attempt\":1," + (agent == null ? "" : "\"agent_id\":\"" + agent + "\",")
                + (ms == null ? "" : "\"execution_ms\":" + ms + ",") + "\"created_by\":\"fleet-live\","
                + "\"task_created_at\":\"" + created + "\",\"occurred_at\":\"" + at + "\"}";
    }

    /** Median and worst of five timed GETs (after one untimed). */
    private String[] time(String name, String path, String token) throws Exception {
        get(path, token);
        long[] ms = new long[5];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            get(path, token);
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        java.util.Arrays.sort(ms);
        return new String[] {name, ms[2] + " / " + ms[4] + " ms"};
    }

    private void get(String path, String token) throws Exception {
        var r = HTTP.send(request(path, token), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** Time to the first byte and to the last, and the rows (lines after the header) per second. */
    private String[] export(String path, String token) throws Exception {
        long t0 = System.nanoTime();
        var r = HTTP.send(request(path, token), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode());
        }
        long first = -1;
        long lines = 0;
        long bytes = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = r.body()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (first < 0) {
                    first = System.nanoTime() - t0;
                }
                bytes += n;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        double total = (System.nanoTime() - t0) / 1e9;
        return new String[] {first / 1_000_000 + " ms",
            String.format("%.1f s, %,d rows, %,d MB, %,.0f rows/s", total, lines - 1, bytes >> 20,
                    (lines - 1) / total)};
    }

    private HttpRequest request(String path, String token) {
        return HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMinutes(10)).GET().build();
    }

    private static String enc(OffsetDateTime t) {
        return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
    }
}
