package dev.ains.analytics.rest;

import static dev.ains.kit.testing.Api.fields;
import static dev.ains.kit.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.security.TestAuthority;
import dev.ains.kit.security.Roles;
import dev.ains.kit.testing.Api;
import dev.ains.kit.testing.Api.Auth;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** analytics-service over HTTP against a real PostgreSQL: idempotent intake and the summary. */
@HelidonTest
@AddConfig(key = "ains.local", value = "true")
@AddConfig(key = "ains.db.embedded.durable", value = "false")
class AnalyticsApiIT {
    /** Stands in for agent-registry (trust scores); started before the container reads its URL. */
    static final com.github.tomakehurst.wiremock.WireMockServer REGISTRY = startRegistry();

    private static com.github.tomakehurst.wiremock.WireMockServer startRegistry() {
        var server = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort());
        server.start();
        System.setProperty("agent-registry/mp-rest/url", server.baseUrl());
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/ains/internal/revocations"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        "{\"items\":[],\"as_of\":\"" + java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC) + "\"}")));
        return server;
    }

    @Inject
    WebTarget target;
    /** Signs as the registry; started before the container so that the service reads where its keys are. */
    static final TestAuthority jwt = TestAuthority.start();
    @Inject
    dev.ains.kit.db.Database database;

    private Api api;
    private Auth service;
    private Auth client;
    private String clientId;

    @BeforeEach
    void setUp() {
        api = new Api(target);
        service = Auth.bearer(jwt.issue("task-service", List.of(Roles.SERVICE), 60));
        clientId = "client-" + UUID.randomUUID();
        client = Auth.bearer(jwt.issue(clientId, List.of(Roles.CLIENT), 60));
    }

    @Test
    void eventsAreCountedOnceAndSummarised() {
        UUID ok = UUID.randomUUID();
        UUID bad = UUID.randomUUID();
        OffsetDateTime t0 = OffsetDateTime.now().minusMinutes(5);
        String batch = batch(
                event(ok, "task.created", "QUEUED", null, t0, t0),
                event(ok, "task.completed", "COMPLETED", 120L, t0, t0.plusSeconds(2)),
                event(bad, "task.created", "QUEUED", null, t0, t0),
                event(bad, "task.failed", "RETRY_WAIT", null, t0, t0.plusSeconds(1)),
                event(bad, "task.failed", "DEAD_LETTERED", null, t0, t0.plusSeconds(3)));

        assertThat(json(api.post("/ains/analytics/internal/events", service, batch), 200).get("accepted").asInt())
                .isEqualTo(5);
        assertThat(json(api.post("/ains/analytics/internal/events", service, batch), 200).get("duplicates").asInt())
                .as("redelivered events are ignored").isEqualTo(5);

        JsonNode s = json(api.get("/ains/analytics/summary", client), 200);
        assertThat(s.get("total_tasks").asInt()).isEqualTo(2);
        assertThat(s.at("/by_status/COMPLETED").asInt()).isEqualTo(1);
        assertThat(s.at("/by_status/DEAD_LETTERED").asInt()).isEqualTo(1);
        assertThat(s.get("success_rate").asDouble()).isEqualTo(0.5);
        assertThat(s.get("avg_execution_ms").asDouble()).isEqualTo(120.0);
        assertThat(s.get("attempts_failed").asInt()).isEqualTo(2);

        JsonNode empty = json(api.get("/ains/analytics/summary?from=2020-01-01&to=2020-01-02", client), 200);
        assertThat(empty.get("total_tasks").asInt()).isZero();
        JsonNode other = json(api.get("/ains/analytics/summary", Auth.bearer(
                jwt.issue("someone-else", List.of(Roles.CLIENT), 60))), 200);
        assertThat(other.get("total_tasks").asInt()).as("a client sees its own tasks").isZero();
    }

    /**
     * A batch folds each task's events into one write of its fact: the fact and the rollup must end as if
     * the same events had come one at a time, in the same (out of order) sequence, redeliveries included.
     */
    @Test
    void aBatchLeavesTheSameFactsAsTheSameEventsOneByOne() throws Exception {
        UUID batched = UUID.randomUUID();
        UUID single = UUID.randomUUID();
        UUID agent = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        OffsetDateTime t0 = OffsetDateTime.now().minusMinutes(10);
        List<java.util.function.Function<UUID, String>> story = List.of(
                task -> ev(task, "task.assigned", "ASSIGNED", null, "fold", agent, t0, t0.plusSeconds(2), null),
                task -> ev(task, "task.created", "QUEUED", null, "fold", null, t0, t0, null),
                task -> ev(task, "task.failed", "RETRY_WAIT", null, "fold", agent, t0, t0.plusSeconds(3), null),
                task -> ev(task, "task.completed", "COMPLETED", 250L, "fold", other, t0, t0.plusSeconds(9), 700L),
                task -> ev(task, "task.assigned", "ASSIGNED", null, "fold", other, t0, t0.plusSeconds(5), null)
                        .replace("\"attempt\":1", "\"attempt\":2"),
                // an earlier status arriving after the completion: it must not undo it
                task -> ev(task, "task.started", "RUNNING", null, "fold", other, t0, t0.plusSeconds(8), null));
        List<String> inBatch = new java.util.ArrayList<>(story.stream().map(f -> f.apply(batched)).toList());
        inBatch.add(inBatch.get(0)); // a redelivery inside the batch
        JsonNode intake = json(api.post("/ains/analytics/internal/events", service,
                batch(inBatch.toArray(String[]::new))), 200);
        assertThat(intake.get("accepted").asInt()).isEqualTo(story.size());
        assertThat(intake.get("duplicates").asInt()).isEqualTo(1);
        for (var f : story) {
            json(api.post("/ains/analytics/internal/events", service, batch(f.apply(single))), 200);
        }

        String columns = "task_type, capability, created_by, created_at, status, status_at, agent_id, attempts,"
                + " failed_attempts, execution_ms, completed_at, cost, currency, first_assigned_at";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(database.settings().schemaUrl(),
                database.settings().user(), database.settings().password());
             java.sql.PreparedStatement q = c.prepareStatement("SELECT " + columns + " FROM task_facts"
                     + " WHERE task_id = ?")) {
            List<List<Object>> rows = new java.util.ArrayList<>();
            for (UUID task : List.of(batched, single)) {
                q.setObject(1, task);
                try (java.sql.ResultSet r = q.executeQuery()) {
                    assertThat(r.next()).isTrue();
                    List<Object> row = new java.util.ArrayList<>();
                    for (int i = 1; i <= 14; i++) {
                        row.add(r.getObject(i));
                    }
                    rows.add(row);
                }
            }
            assertThat(rows.get(0)).isEqualTo(rows.get(1));
            assertThat(rows.get(0).get(4)).isEqualTo("COMPLETED");
            assertThat(rows.get(0).get(7)).isEqualTo(2);
            assertThat(rows.get(0).get(8)).isEqualTo(1);
            // the rollup holds both tasks' final contribution, and nothing of their earlier states
            try (java.sql.PreparedStatement r = c.prepareStatement("SELECT status, sum(tasks), sum(failed_attempts),"
                    + " sum(exec_ms_sum), sum(cost_sum) FROM task_rollup WHERE task_type = 'fold' AND created_by = ?"
                    + " GROUP BY status HAVING sum(tasks) <> 0 OR sum(failed_attempts) <> 0")) {
                r.setString(1, clientId);
                try (java.sql.ResultSet rs = r.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(List.of(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)))
                            .containsExactly("COMPLETED", 2L, 2L, 500L, 1400L);
                    assertThat(rs.next()).isFalse();
                }
            }
        }
    }

    @Test
    void badRequestsAreProblems() {
        // #12: a service identity reaches only the services that expect its calls: economic-service sends no events
        assertThat(json(api.post("/ains/analytics/internal/events", Auth.bearer(jwt.issue("economic-service",
                List.of(Roles.SERVICE), 60)), batch()), 403).get("detail").asText()).contains("economic-service");
        assertThat(fields(json(api.get("/ains/analytics/summary?from=2026-02-01&to=2026-01-01", client), 422)))
                .containsExactly("from");
        json(api.get("/ains/analytics/summary?from=yesterday", client), 400);
        json(api.post("/ains/analytics/internal/events", client, batch()), 403);
        json(api.post("/ains/analytics/internal/events", null, batch()), 401);
        assertThat(fields(json(api.post("/ains/analytics/internal/events", service,
                "{\"events\":[{\"event_id\":\"" + UUID.randomUUID() + "\",\"event_type\":\"task.created\","
                        + "\"task_id\":\"" + UUID.randomUUID() + "\",\"occurred_at\":\"" + OffsetDateTime.now()
                        + "\"}]}"), 422))).containsExactly("events[0].status");

        // #12: the refused intakes are in the audit log with their outcome; only admins read it
        Auth admin = Auth.bearer(jwt.issue("ops", List.of(Roles.ADMIN), 60));
        JsonNode audited = json(api.get("/ains/analytics/audit?operation=ingestEvents&limit=3", admin), 200)
                .get("items");
        assertThat(audited.findValuesAsText("status")).containsExactly("422", "401", "403");
        assertThat(audited.findValuesAsText("actor")).containsExactly("task-service", "anonymous", clientId);
        json(api.get("/ains/analytics/audit", client), 403);
    }

    @Test
    void reportsByAgentTaskTypeAndTimeWithCostsAndExports() throws Exception {
        UUID a1 = UUID.randomUUID();
        UUID a2 = UUID.randomUUID();
        OffsetDateTime t0 = OffsetDateTime.now().minusMinutes(30);
        List<String> events = new java.util.ArrayList<>();
        // a1 completes three "report" tasks (one after a retry, two of them paid), a2 completes one and fails one
        for (int i = 0; i < 3; i++) {
            UUID task = UUID.randomUUID();
            events.add(ev(task, "task.created", "QUEUED", null, "report", null, t0, t0, null));
            events.add(ev(task, "task.assigned", "ASSIGNED", null, "report", a1, t0, t0.plusSeconds(2), null));
            if (i == 0) {
                events.add(ev(task, "task.failed", "RETRY_WAIT", null, "report", a1, t0, t0.plusSeconds(3), null));
                events.add(ev(task, "task.assigned", "ASSIGNED", null, "report", a1, t0, t0.plusSeconds(4), null)
                        .replace("\"attempt\":1", "\"attempt\":2"));
            }
            events.add(ev(task, "task.completed", "COMPLETED", 100L * (i + 1), "report", a1, t0,
                    t0.plusSeconds(10 + i), i < 2 ? 500L : null));
        }
        UUID quick = UUID.randomUUID();
        events.add(ev(quick, "task.created", "QUEUED", null, "ping", null, t0, t0, null));
        events.add(ev(quick, "task.assigned", "ASSIGNED", null, "ping", a2, t0, t0.plusSeconds(1), null));
        events.add(ev(quick, "task.completed", "COMPLETED", 20L, "ping", a2, t0, t0.plusSeconds(5), null));
        UUID broken = UUID.randomUUID();
        events.add(ev(broken, "task.created", "QUEUED", null, "ping", null, t0, t0, null));
        events.add(ev(broken, "task.assigned", "ASSIGNED", null, "ping", a2, t0, t0.plusSeconds(1), null));
        events.add(ev(broken, "task.failed", "DEAD_LETTERED", null, "ping", a2, t0, t0.plusSeconds(6), null));
        json(api.post("/ains/analytics/internal/events", service, batch(events.toArray(String[]::new))), 200);

        JsonNode s = json(api.get("/ains/analytics/summary?period=last_hour", client), 200);
        assertThat(s.get("total_tasks").asInt()).isEqualTo(5);
        assertThat(s.get("completed").asInt()).isEqualTo(4);
        assertThat(s.get("dead_lettered").asInt()).isEqualTo(1);
        assertThat(s.get("cancelled").asInt()).isZero();
        assertThat(s.at("/total_cost/USD").asLong()).isEqualTo(1000);
        assertThat(s.get("p95_execution_ms").asDouble()).isBetween(250.0, 300.0);
        assertThat(s.at("/top_agents/0/agent_id").asText()).isEqualTo(a1.toString());
        assertThat(s.at("/top_agents/0/completed").asInt()).isEqualTo(3);
        assertThat(fields(json(api.get("/ains/analytics/summary?period=last_century", client), 422)))
                .containsExactly("period");
        assertThat(fields(json(api.get("/ains/analytics/summary?period=today&from=2026-01-01T00:00:00Z", client),
                422))).containsExactly("period");

        REGISTRY.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/ains/internal/agents/status")
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(a1.toString()))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"agents\":[{\"agent_id\":\""
                        + a1 + "\",\"status\":\"ONLINE\",\"trust_score\":0.87}]}")));
        JsonNode agents = json(api.get("/ains/analytics/agents?period=last_hour", client), 200);
        assertThat(agents.at("/items/0/agent_id").asText()).isEqualTo(a1.toString());
        assertThat(agents.at("/items/0/trust_score").asDouble()).as("trust from the registry").isEqualTo(0.87);
        assertThat(agents.at("/items/1").has("trust_score")).as("an agent the registry does not know").isFalse();
        assertThat(agents.at("/items/0/tasks").asInt()).isEqualTo(3);
        assertThat(agents.at("/items/0/success_rate").asDouble()).isEqualTo(1.0);
        assertThat(agents.at("/items/0/avg_execution_ms").asDouble()).isEqualTo(200.0);
        assertThat(agents.at("/items/0/earnings/USD").asLong()).isEqualTo(1000);
        assertThat(agents.at("/items/1/success_rate").asDouble()).isEqualTo(0.5);
        JsonNode fastest = json(api.get("/ains/analytics/agents?period=last_hour&sort=avg_execution_ms&limit=1",
                client), 200);
        assertThat(fastest.at("/items/0/agent_id").asText()).isEqualTo(a2.toString());
        JsonNode second = json(api.get("/ains/analytics/agents?period=last_hour&sort=avg_execution_ms&limit=1&cursor="
                + fastest.get("next_cursor").asText(), client), 200);
        assertThat(second.at("/items/0/agent_id").asText()).isEqualTo(a1.toString());
        assertThat(second.has("next_cursor")).isFalse();
        assertThat(fields(json(api.get("/ains/analytics/agents?sort=fame", client), 422))).containsExactly("sort");

        JsonNode types = json(api.get("/ains/analytics/tasks?period=last_hour", client), 200);
        JsonNode report = types.at("/items/0");
        assertThat(report.get("task_type").asText()).isEqualTo("report");
        assertThat(report.get("total").asInt()).isEqualTo(3);
        assertThat(report.at("/by_status/COMPLETED").asInt()).isEqualTo(3);
        assertThat(report.get("retry_rate").asDouble()).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(0.001));
        assertThat(report.get("avg_wait_ms").asDouble()).isEqualTo(2000.0);
        assertThat(types.at("/items/1/by_status/DEAD_LETTERED").asInt()).isEqualTo(1);

        JsonNode trends = json(api.get("/ains/analytics/trends?period=last_hour&bucket=minute", client), 200);
        long created = 0;
        long completed = 0;
        for (JsonNode p : trends.get("points")) {
            created += p.get("created").asLong();
            completed += p.get("completed").asLong();
        }
        assertThat(created).isEqualTo(5);
        assertThat(completed).isEqualTo(4);
        assertThat(fields(json(api.get("/ains/analytics/trends?bucket=week", client), 422))).containsExactly("bucket");

        // exports: CSV by format or Accept, JSON otherwise; a client's own tasks only
        var http = java.net.http.HttpClient.newHttpClient();
        var csv = http.send(java.net.http.HttpRequest.newBuilder(target.getUri().resolve(
                        "/ains/analytics/export?report=tasks&period=last_hour"))
                .header("Authorization", client.value()).header("Accept", "text/csv").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).startsWith("task_id,task_type,capability,created_by");
        assertThat(lines).hasSize(6);
        var json = http.send(java.net.http.HttpRequest.newBuilder(target.getUri().resolve(
                        "/ains/analytics/export?report=agents&format=json&period=last_hour"))
                .header("Authorization", client.value()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(dev.ains.kit.json.Json.tree(json.body()).get(0).get("agent_id").asText()).isEqualTo(a1.toString());
        var types2 = http.send(java.net.http.HttpRequest.newBuilder(target.getUri().resolve(
                        "/ains/analytics/export?report=task_types&format=csv&period=last_hour"))
                .header("Authorization", client.value()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(types2.body()).contains("\"{\"\"COMPLETED\"\":3}\"");
        assertThat(fields(json(api.get("/ains/analytics/export?report=everything", client), 422)))
                .containsExactly("report");
        var mine = http.send(java.net.http.HttpRequest.newBuilder(target.getUri().resolve(
                        "/ains/analytics/export?report=tasks&format=csv&period=last_hour"))
                .header("Authorization", "Bearer " + jwt.issue("someone-else", List.of(Roles.CLIENT), 60)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(mine.body().lines().toList()).hasSize(1); // the header only
    }

    /**
     * The rollup path: tasks spread over six days, their events shuffled, split into batches and partly sent
     * twice. Every range — whole days, partial days at both ends, within one day — must count exactly what
     * the tasks' final states say, and the rollup must equal one rebuilt from the facts.
     */
    @Test
    void rollupsAgreeWithTheTasksOverAnyRange() {
        java.util.Random random = new java.util.Random(42);
        OffsetDateTime start = OffsetDateTime.now(java.time.ZoneOffset.UTC).minusDays(6);
        UUID agent = UUID.randomUUID();
        List<String> events = new java.util.ArrayList<>();
        java.util.Map<OffsetDateTime, String> finalStatus = new java.util.TreeMap<>();
        for (int i = 0; i < 240; i++) {
            UUID task = UUID.randomUUID();
            OffsetDateTime t = start.plusMinutes(random.nextInt(6 * 24 * 60)).plusNanos(i * 1000L);
            events.add(ev(task, "task.created", "QUEUED", null, "roll", null, t, t, null));
            events.add(ev(task, "task.assigned", "ASSIGNED", null, "roll", agent, t, t.plusSeconds(1), null));
            switch (i % 3) {
                case 0 -> {
                    events.add(ev(task, "task.completed", "COMPLETED", 10L + i, "roll", agent, t, t.plusSeconds(5),
                            7L));
                    finalStatus.put(t, "COMPLETED");
                }
                case 1 -> {
                    events.add(ev(task, "task.failed", "RETRY_WAIT", null, "roll", agent, t, t.plusSeconds(2), null));
                    events.add(ev(task, "task.completed", "COMPLETED", 500L, "roll", agent, t, t.plusSeconds(9),
                            null));
                    finalStatus.put(t, "COMPLETED");
                }
                default -> {
                    events.add(ev(task, "task.failed", "DEAD_LETTERED", null, "roll", agent, t, t.plusSeconds(3),
                            null));
                    finalStatus.put(t, "DEAD_LETTERED");
                }
            }
        }
        java.util.Collections.shuffle(events, random);
        for (int i = 0; i < events.size(); i += 97) {
            List<String> part = events.subList(i, Math.min(events.size(), i + 97));
            json(api.post("/ains/analytics/internal/events", service, batch(part.toArray(String[]::new))), 200);
            if (i % 2 == 0) {
                json(api.post("/ains/analytics/internal/events", service, batch(part.toArray(String[]::new))), 200);
            }
        }

        OffsetDateTime midnight = start.truncatedTo(java.time.temporal.ChronoUnit.DAYS).plusDays(1);
        List<OffsetDateTime[]> ranges = List.of(
                new OffsetDateTime[] {start.minusMinutes(1), start.plusDays(7)},
                new OffsetDateTime[] {start.plusHours(5), start.plusDays(4).plusHours(3)},
                new OffsetDateTime[] {midnight, midnight.plusDays(3)},
                new OffsetDateTime[] {midnight.plusHours(2), midnight.plusHours(20)},
                new OffsetDateTime[] {midnight.minusHours(3), midnight.plusDays(1).plusMinutes(1)});
        for (OffsetDateTime[] r : ranges) {
            var inRange = ((java.util.TreeMap<OffsetDateTime, String>) finalStatus).subMap(r[0], r[1]).values();
            long completed = inRange.stream().filter("COMPLETED"::equals).count();
            long dead = inRange.size() - completed;
            JsonNode s = json(api.get("/ains/analytics/summary?from=" + r[0] + "&to=" + r[1], client), 200);
            assertThat(s.get("total_tasks").asLong()).as("tasks from %s to %s", r[0], r[1]).isEqualTo(inRange.size());
            assertThat(s.get("completed").asLong()).isEqualTo(completed);
            assertThat(s.get("dead_lettered").asLong()).isEqualTo(dead);
            JsonNode types = json(api.get("/ains/analytics/tasks?from=" + r[0] + "&to=" + r[1], client), 200);
            assertThat(types.at("/items/0/total").asLong()).isEqualTo(inRange.size());
            JsonNode agents = json(api.get("/ains/analytics/agents?from=" + r[0] + "&to=" + r[1], client), 200);
            assertThat(agents.at("/items/0/completed").asLong()).isEqualTo(completed);
        }

        // the registry failing: the agent report still answers, without trust
        REGISTRY.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/ains/internal/agents/status")
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(agent.toString()))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(503)));
        JsonNode degraded = json(api.get("/ains/analytics/agents?period=last_7_days", client), 200);
        assertThat(degraded.at("/items/0/agent_id").asText()).isEqualTo(agent.toString());
        assertThat(degraded.at("/items/0").has("trust_score")).isFalse();

        // the incrementally kept rollup is the one a rebuild from the facts would make
        String diff = """
                WITH kept AS (SELECT day, task_type, agent_id, status, currency, exec_bucket, tasks, failed_attempts,
                    retries, retried, exec_ms_sum, wait_ms_sum, waited, cost_sum
                  FROM task_rollup WHERE created_by = ? AND tasks <> 0),
                rebuilt AS (SELECT m.day, m.task_type, m.agent_id, m.status, m.currency, m.exec_bucket,
                    sum(m.tasks), sum(m.failed_attempts), sum(m.retries), sum(m.retried), sum(m.exec_ms_sum),
                    sum(m.wait_ms_sum), sum(m.waited), sum(m.cost_sum)
                  FROM task_facts f, fact_measures(f) m WHERE f.created_by = ? GROUP BY 1, 2, 3, 4, 5, 6)
                SELECT (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM rebuilt) a)
                  + (SELECT count(*) FROM (SELECT * FROM rebuilt EXCEPT SELECT * FROM kept) b) AS n""";
        long differing = database.client().execute().get(diff, clientId, clientId).orElseThrow()
                .column("n").getLong();
        assertThat(differing).isZero();
    }

    private String ev(UUID task, String type, String status, Long ms, String taskType, UUID agent,
                      OffsetDateTime created, OffsetDateTime at, Long cost) {
        return "{\"event_id\":\"" + UUID.randomUUID() + "\",\"event_type\":\"" + type + "\",\"task_id\":\"" + task
                + "\",\"task_type\":\"" + taskType + "\",\"capability\":\"c\",\"priority\":5,\"status\":\"" + status
                + "\",\"attempt\":1," + (agent == null ? "" : "\"agent_id\":\"" + agent + "\",")
                + (ms == null ? "" : "\"execution_ms\":" + ms + ",")
                + (cost == null ? "" : "\"cost\":" + cost + ",\"currency\":\"USD\",")
                + "\"created_by\":\"" + clientId + "\",\"task_created_at\":\"" + created + "\",\"occurred_at\":\"" + at
                + "\"}";
    }

    private String event(UUID task, String type, String status, Long ms, OffsetDateTime created, OffsetDateTime at) {
        return "{\"event_id\":\"" + UUID.randomUUID() + "\",\"event_type\":\"" + type + "\",\"task_id\":\"" + task
                + "\",\"task_type\":\"t\",\"capability\":\"c\",\"priority\":5,\"status\":\"" + status + "\","
                + (ms == null ? "" : "\"execution_ms\":" + ms + ",") + "\"created_by\":\"" + clientId
                + "\",\"task_created_at\":\"" + created + "\",\"occurred_at\":\"" + at + "\"}";
    }

    private static String batch(String... events) {
        return "{\"events\":[" + String.join(",", events) + "]}";
    }
}
