package dev.ains.tasks.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.ains.kit.testing.Api.fields;
import static dev.ains.kit.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.ains.kit.security.TestAuthority;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.Roles;
import dev.ains.kit.testing.Api;
import dev.ains.kit.testing.Api.Auth;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * task-service on a random port against a real PostgreSQL, with WireMock standing in for
 * agent-registry and analytics-service: the AITP API, its errors, and the fault-tolerance policy of
 * the registry client (counted attempts).
 */
@HelidonTest
@AddConfig(key = "ains.local", value = "true")
@AddConfig(key = "ains.db.embedded.durable", value = "false")
@AddConfig(key = "ains.tasks.candidate-cache-ms", value = "0")
@AddConfig(key = "ains.tasks.api-key-cache-seconds", value = "0")
@AddConfig(key = "ains.tasks.dispatch-interval-ms", value = "600000")
// liveness is the system test's; here it would race the per-test WireMock stubs
@AddConfig(key = "ains.tasks.liveness-check-ms", value = "600000")
@AddConfig(key = "ains.outbox.poll-ms", value = "50")
// a "long" queue of a few tasks, so that the depth gauges take their estimating path
@AddConfig(key = "ains.tasks.queue-depth-exact-up-to", value = "3")
// two submissions in progress at most: the admission test holds two in a slow registry call
@AddConfig(key = "ains.tasks.admission.max-in-flight", value = "2")
@AddConfig(key = "ains.tasks.retry.base-ms", value = "60000")
@AddConfig(key = "dev.ains.tasks.client.RegistryGateway/Retry/delay", value = "10")
@AddConfig(key = "dev.ains.tasks.client.RegistryGateway/Retry/jitter", value = "0")
@AddConfig(key = "dev.ains.tasks.client.RegistryGateway/CircuitBreaker/requestVolumeThreshold", value = "1000")
class TaskApiIT {
    private static final WireMockServer NEIGHBOURS = Neighbours.start();
    private static final Auth AGENT1 = Auth.apiKey("ak_one");
    private static final Auth AGENT2 = Auth.apiKey("ak_two");

    @Inject
    WebTarget target;
    /** Signs as the registry; started before the container so that the service reads where its keys are. */
    static final TestAuthority jwt = TestAuthority.start();
    @Inject
    dev.ains.kit.db.Database database;
    @Inject
    dev.ains.tasks.service.Dispatcher dispatcher;

    private Api api;
    private Auth client;
    /** Fresh agents per test, so that no test claims another's tasks. */
    private UUID A1;
    private UUID A2;

    /** Leftover waiting tasks would be routed to the next test's agent: cancel what this test left. */
    @AfterEach
    void cancelLeftovers() {
        Neighbours.cancelLeftovers(api, client);
    }

    @AfterAll
    static void stopNeighbours() {
        NEIGHBOURS.stop();
    }

    @BeforeEach
    void stubNeighbours() {
        api = new Api(target);
        A1 = UUID.randomUUID();
        A2 = UUID.randomUUID();
        client = Auth.bearer(jwt.issue("client-" + UUID.randomUUID(), List.of(Roles.CLIENT), 600));
        Neighbours.stub(NEIGHBOURS, A1, A2);
        candidates(A1, 1);
    }

    @Test
    void theRegistryClientRetriesAndTheAttemptsAreCounted() {
        NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/candidates")).inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503))
                .willSetStateTo("recovered"));
        NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/candidates")).inScenario("flaky")
                .whenScenarioStateIs("recovered").willReturn(okJson(Neighbours.candidateJson(A1, 4))));

        String cap = "ft-" + UUID.randomUUID();
        JsonNode t = json(api.post("/aitp/tasks", client,
                "{\"task_type\":\"ft\",\"capability_required\":\"" + cap + "\"}"), 201);

        assertThat(t.get("status").asText()).isEqualTo("ASSIGNED");
        assertThat(t.get("assigned_agent_id").asText()).isEqualTo(A1.toString());
        NEIGHBOURS.verify(2, postRequestedFor(urlEqualTo("/ains/internal/candidates"))
                .withRequestBody(matchingJsonPath("$.capability", equalTo(cap))));
    }

    @Test
    void aDownRegistryIsTriedThreeTimesAndTheTaskStillWaitsQueued() {
        NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/candidates")).willReturn(aResponse().withStatus(503)));

        String cap = "down-" + UUID.randomUUID();
        JsonNode t = json(api.post("/aitp/tasks", client,
                "{\"task_type\":\"down\",\"capability_required\":\"" + cap + "\"}"), 201);

        assertThat(t.get("status").asText()).isEqualTo("QUEUED");
        NEIGHBOURS.verify(3, postRequestedFor(urlEqualTo("/ains/internal/candidates"))
                .withRequestBody(matchingJsonPath("$.capability", equalTo(cap))));
        json(api.delete("/aitp/tasks/" + t.get("task_id").asText() + "?reason=cleanup", client), 200);
    }

    @Test
    void badRequestsAreProblemsAndChangeNothing() {
        int before = json(api.get("/aitp/tasks?limit=200", client), 200).get("items").size();
        JsonNode p = json(api.post("/aitp/tasks", client, "{\"task_type\":\"a b\",\"capability_required\":\"x\","
                + "\"priority\":11,\"timeout_seconds\":0,\"max_retries\":-1,\"min_trust\":2}"), 422);
        assertThat(fields(p)).containsExactlyInAnyOrder("task_type", "priority", "timeout_seconds", "max_retries",
                "min_trust");
        assertThat(fields(json(api.post("/aitp/tasks", client, "{\"task_type\":\"x\"}"), 422)))
                .containsExactly("capability_required");
        assertThat(fields(json(api.post("/aitp/tasks", client,
                "{\"task_type\":\"x\",\"capability_required\":\"y\",\"priority\":\"high\"}"), 400)))
                .containsExactly("priority");
        json(api.post("/aitp/tasks", client, "{\"task_type\":"), 400);
        assertThat(fields(json(api.post("/aitp/tasks", client,
                "{\"task_type\":\"x\",\"capability_required\":\"y\",\"colour\":\"red\"}"), 400)))
                .containsExactly("colour");
        json(api.get("/aitp/tasks/" + UUID.randomUUID(), client), 404);
        json(api.get("/aitp/tasks?status=NAPPING", client), 400);
        json(api.post("/aitp/tasks", null, task("x")), 401);
        json(api.post("/aitp/tasks", AGENT1, task("x")), 403);
        assertThat(json(api.get("/aitp/tasks?limit=200", client), 200).get("items")).hasSize(before);
    }

    @Test
    void anIdempotencyKeyReturnsTheOriginalTask() {
        var first = api.call("/aitp/tasks", client).header("Idempotency-Key", "k-1")
                .post(jakarta.ws.rs.client.Entity.json(task("idem")));
        JsonNode a = json(first, 201);
        var again = api.call("/aitp/tasks", client).header("Idempotency-Key", "k-1")
                .post(jakarta.ws.rs.client.Entity.json(task("idem")));
        assertThat(again.getHeaderString("Idempotent-Replayed")).isEqualTo("true");
        assertThat(json(again, 201).get("task_id")).isEqualTo(a.get("task_id"));
        var other = api.call("/aitp/tasks", client).header("Idempotency-Key", "k-1")
                .post(jakarta.ws.rs.client.Entity.json(task("different")));
        json(other, 422);
    }

    @Test
    void anAgentClaimsRunsAndCompletesItsTaskAndTheOutcomeLeavesThroughTheOutbox() {
        String id = json(api.post("/aitp/tasks", client, task("work")), 201).get("task_id").asText();

        json(api.post("/aitp/agents/" + A1 + "/claim", AGENT2, ""), 403);
        json(api.post("/aitp/tasks/" + id + "/complete", AGENT1, "{}"), 409);
        JsonNode claimed = json(api.post("/aitp/agents/" + A1 + "/claim?wait_seconds=1", AGENT1, ""), 200);
        assertThat(claimed.at("/task/task_id").asText()).isEqualTo(id);
        assertThat(claimed.get("attempt_no").asInt()).isEqualTo(1);
        json(api.post("/aitp/tasks/" + id + "/start", AGENT2, ""), 403);
        assertThat(json(api.post("/aitp/tasks/" + id + "/start", AGENT1, ""), 200).get("status").asText())
                .isEqualTo("RUNNING");

        String done = "{\"result\":{\"answer\":42},\"execution_ms\":12}";
        JsonNode completed = json(api.post("/aitp/tasks/" + id + "/complete", AGENT1, done), 200);
        assertThat(completed.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(completed.at("/result/answer").asInt()).isEqualTo(42);
        assertThat(json(api.post("/aitp/tasks/" + id + "/complete", AGENT1, done), 200).get("status").asText())
                .as("the same completion again is harmless").isEqualTo("COMPLETED");
        json(api.post("/aitp/tasks/" + id + "/fail", AGENT1, "{\"error\":\"late\"}"), 409);
        json(api.delete("/aitp/tasks/" + id, client), 409);

        JsonNode full = json(api.get("/aitp/tasks/" + id, client), 200);
        assertThat(full.at("/attempts/0/outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(json(api.get("/aitp/tasks/" + id + "/routing", client), 200).at("/items/0/chosen_agent_id")
                .asText()).isEqualTo(A1.toString());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            NEIGHBOURS.verify(postRequestedFor(urlEqualTo("/ains/internal/outcomes"))
                    .withRequestBody(containing(id)).withRequestBody(containing("SUCCEEDED")));
            NEIGHBOURS.verify(postRequestedFor(urlEqualTo("/ains/analytics/internal/events"))
                    .withRequestBody(containing(id)).withRequestBody(containing("task.completed")));
        });
    }

    @Test
    void aCancelledTaskRefusesItsAgentsCompletion() {
        String id = json(api.post("/aitp/tasks", client, task("cancel")), 201).get("task_id").asText();
        json(api.post("/aitp/agents/" + A1 + "/claim", AGENT1, ""), 200);
        Auth stranger = Auth.bearer(jwt.issue("someone-else", List.of(Roles.CLIENT), 60));
        json(api.delete("/aitp/tasks/" + id, stranger), 404);

        JsonNode cancelled = json(api.delete("/aitp/tasks/" + id + "?reason=changed%20my%20mind", client), 200);
        assertThat(cancelled.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.get("cancel_reason").asText()).isEqualTo("changed my mind");

        JsonNode refused = json(api.post("/aitp/tasks/" + id + "/complete", AGENT1, "{}"), 409);
        assertThat(refused.get("detail").asText()).contains("CANCELLED");
        var told = api.post("/aitp/agents/" + A1 + "/claim", AGENT1, "");
        assertThat(told.getStatus()).isEqualTo(204);
        assertThat(told.getHeaderString("AITP-Cancelled-Tasks")).as("the agent hears of it once").isEqualTo(id);
        assertThat(api.post("/aitp/agents/" + A1 + "/claim", AGENT1, "").getHeaderString("AITP-Cancelled-Tasks"))
                .isNull();
        assertThat(json(api.get("/aitp/tasks/" + id, client), 200).get("status").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void failuresRetryWithBackOffUntilPermanent() {
        candidates(A1, 5);
        String retry = json(api.post("/aitp/tasks", client, task("flaky", 2)), 201).get("task_id").asText();
        String perm = json(api.post("/aitp/tasks", client, task("broken", 2)), 201).get("task_id").asText();
        json(api.post("/aitp/agents/" + A1 + "/claim", AGENT1, ""), 200);
        json(api.post("/aitp/agents/" + A1 + "/claim", AGENT1, ""), 200);

        JsonNode r = json(api.post("/aitp/tasks/" + retry + "/fail", AGENT1,
                "{\"error\":\"busy\",\"retryable\":true}"), 200);
        assertThat(r.get("status").asText()).isEqualTo("RETRY_WAIT");
        assertThat(r.get("next_attempt_at").asText()).isNotEmpty();
        JsonNode p = json(api.post("/aitp/tasks/" + perm + "/fail", AGENT1,
                "{\"error\":\"bad input\",\"retryable\":false}"), 200);
        assertThat(p.get("status").asText()).isEqualTo("DEAD_LETTERED");
        JsonNode attempts = json(api.get("/aitp/tasks/" + retry + "/attempts", client), 200);
        assertThat(attempts.at("/items/0/outcome").asText()).isEqualTo("FAILED");
        assertThat(attempts.at("/items/0/retry_delay_ms").asLong()).isBetween(48_000L, 72_000L);
        assertThat(fields(json(api.post("/aitp/tasks/" + retry + "/fail", AGENT1, "{}"), 422)))
                .containsExactly("error");
    }

    @Test
    void aBulkClaimTakesAtMostMaxTasksWithinCapacityAndStartsEach() {
        candidates(A1, 3);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(json(api.post("/aitp/tasks", client, task("bulk")), 201).get("task_id").asText());
        }
        assertThat(fields(json(api.post("/aitp/agents/" + A1 + "/claims?max_tasks=0", AGENT1, ""), 422)))
                .containsExactly("max_tasks");
        json(api.post("/aitp/agents/" + A1 + "/claims?max_tasks=101", AGENT1, ""), 422);
        json(api.post("/aitp/agents/" + A1 + "/claims?max_tasks=2", AGENT2, ""), 403);

        JsonNode first = json(api.post("/aitp/agents/" + A1 + "/claims?max_tasks=2", AGENT1, ""), 200);
        assertThat(first.get("items")).hasSize(2);
        JsonNode rest = json(api.post("/aitp/agents/" + A1 + "/claims?max_tasks=50", AGENT1, ""), 200);
        assertThat(rest.get("items")).as("three routed: the agent's capacity").hasSize(1);
        List<JsonNode> claimed = new java.util.ArrayList<>();
        first.get("items").forEach(claimed::add);
        rest.get("items").forEach(claimed::add);
        assertThat(claimed).allSatisfy(c -> {
            assertThat(c.at("/task/status").asText()).as("the claim starts the attempt").isEqualTo("RUNNING");
            assertThat(c.at("/task/started_at").isMissingNode()).isFalse();
            assertThat(c.get("attempt_no").asInt()).isEqualTo(1);
            assertThat(c.get("lease_expires_at").asText()).isNotEmpty();
        });
        assertThat(claimed.stream().map(c -> c.at("/task/task_id").asText()).distinct()).hasSize(3)
                .isSubsetOf(ids);
        JsonNode none = json(api.post("/aitp/agents/" + A1 + "/claims?max_tasks=5", AGENT1, ""), 200);
        assertThat(none.get("items")).isEmpty();
        assertThat(none.get("cancelled_task_ids")).isEmpty();

        // start is optional now, and harmless
        String one = claimed.get(0).at("/task/task_id").asText();
        assertThat(json(api.post("/aitp/tasks/" + one + "/start", AGENT1, ""), 200).get("status").asText())
                .isEqualTo("RUNNING");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                NEIGHBOURS.verify(postRequestedFor(urlEqualTo("/ains/analytics/internal/events"))
                        .withRequestBody(containing(one)).withRequestBody(containing("task.started"))));
    }

    @Test
    void bulkResultsAreAnsweredOneByOneIdempotentAndFenced() {
        candidates(A1, 5);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(json(api.post("/aitp/tasks", client, task("report", 0)), 201).get("task_id").asText());
        }
        JsonNode claimed = json(api.post("/aitp/agents/" + A1 + "/claims?max_tasks=3", AGENT1, ""), 200);
        assertThat(claimed.get("items")).hasSize(3);
        String done = ids.get(0);
        String failed = ids.get(1);
        String untouched = ids.get(2);
        UUID unknown = UUID.randomUUID();

        // malformed items refuse the whole request and change nothing
        assertThat(fields(json(api.post("/aitp/agents/" + A1 + "/results", AGENT1, "{\"items\":["
                + result(done, null, "COMPLETED", "") + "]}"), 422))).containsExactly("items[0].attempt_no");
        assertThat(fields(json(api.post("/aitp/agents/" + A1 + "/results", AGENT1, "{\"items\":["
                + result(done, 1, "COMPLETED", ",\"execution_ms\":-1") + "," + result(failed, 1, "FAILED", "") + "]}"),
                422))).containsExactlyInAnyOrder("items[0].execution_ms", "items[1].error");
        json(api.post("/aitp/agents/" + A1 + "/results", AGENT1, "{\"items\":["
                + result(done, 1, "COMPLETED", "") + "," + result(done, 1, "FAILED", ",\"error\":\"x\"") + "]}"), 422);
        json(api.post("/aitp/agents/" + A1 + "/results", AGENT1, "{\"items\":[]}"), 422);
        json(api.post("/aitp/agents/" + A1 + "/results", AGENT2, "{\"items\":[" + result(done, 1, "COMPLETED", "")
                + "]}"), 403);
        assertThat(json(api.get("/aitp/tasks/" + done, client), 200).get("status").asText()).isEqualTo("RUNNING");

        String batch = "{\"items\":["
                + result(done, 1, "COMPLETED", ",\"result\":{\"answer\":42},\"execution_ms\":5") + ","
                + result(failed, 1, "FAILED", ",\"error\":\"bad input\",\"retryable\":false") + ","
                + result(untouched, 2, "COMPLETED", "") + ","
                + result(unknown.toString(), 1, "COMPLETED", "") + "]}";
        JsonNode answers = json(api.post("/aitp/agents/" + A1 + "/results", AGENT1, batch), 200).get("items");
        assertThat(answers).hasSize(4);
        assertThat(answers.get(0).get("status").asInt()).isEqualTo(200);
        assertThat(answers.get(0).get("task_status").asText()).isEqualTo("COMPLETED");
        assertThat(answers.get(1).get("status").asInt()).isEqualTo(200);
        assertThat(answers.get(1).get("task_status").asText()).isEqualTo("DEAD_LETTERED");
        assertThat(answers.get(2).get("status").asInt()).isEqualTo(409);
        assertThat(answers.get(2).at("/problem/type").asText()).endsWith("/stale-attempt");
        assertThat(answers.get(3).get("status").asInt()).isEqualTo(404);
        assertThat(answers.get(3).get("task_id").asText()).isEqualTo(unknown.toString());

        assertThat(json(api.get("/aitp/tasks/" + done, client), 200).at("/result/answer").asInt()).isEqualTo(42);
        assertThat(json(api.get("/aitp/tasks/" + untouched, client), 200).get("status").asText())
                .as("a refused item changes nothing").isEqualTo("RUNNING");

        // the same report again (at-least-once delivery) is answered as before and changes nothing
        JsonNode again = json(api.post("/aitp/agents/" + A1 + "/results", AGENT1, batch), 200).get("items");
        assertThat(again.get(0).get("task_status").asText()).isEqualTo("COMPLETED");
        assertThat(again.get(1).get("status").asInt()).isEqualTo(200);
        assertThat(again.get(1).get("task_status").asText()).isEqualTo("DEAD_LETTERED");
        assertThat(json(api.get("/aitp/tasks/" + failed + "/attempts", client), 200).get("items")).hasSize(1);
        // a different outcome for a finished attempt is a conflict
        assertThat(json(api.post("/aitp/agents/" + A1 + "/results", AGENT1, "{\"items\":["
                + result(done, 1, "FAILED", ",\"error\":\"late\"") + "]}"), 200).at("/items/0/status").asInt())
                .isEqualTo(409);
    }

    @Test
    void aReportForAnAttemptTheTaskMovedOnFromIsRefused() {
        candidates(A1, 5);
        String id = json(api.post("/aitp/tasks", client, task("fenced", 2)), 201).get("task_id").asText();
        json(api.post("/aitp/agents/" + A1 + "/claim", AGENT1, ""), 200);
        assertThat(json(api.post("/aitp/tasks/" + id + "/fail", AGENT1, "{\"error\":\"busy\",\"attempt_no\":1}"),
                200).get("status").asText()).isEqualTo("RETRY_WAIT");
        json(api.post("/aitp/tasks/" + id + "/retry", client, ""), 200); // routed again: attempt 2
        JsonNode second = json(api.post("/aitp/agents/" + A1 + "/claim", AGENT1, ""), 200);
        assertThat(second.get("attempt_no").asInt()).isEqualTo(2);

        JsonNode stale = json(api.post("/aitp/tasks/" + id + "/complete", AGENT1, "{\"attempt_no\":1}"), 409);
        assertThat(stale.get("type").asText()).endsWith("/stale-attempt");
        assertThat(json(api.get("/aitp/tasks/" + id, client), 200).get("status").asText()).isEqualTo("RUNNING");

        // the lease: only the holder, on its current attempt, moves it, and never past one timeout ahead
        String lease = "/aitp/tasks/" + id + "/lease";
        assertThat(json(api.post(lease, AGENT1, "{\"attempt_no\":1}"), 409).get("type").asText())
                .endsWith("/stale-attempt");
        json(api.post(lease, AGENT2, "{\"attempt_no\":2}"), 403);
        assertThat(fields(json(api.post(lease, AGENT1, "{\"attempt_no\":2,\"extend_seconds\":0}"), 422)))
                .containsExactly("extend_seconds");
        assertThat(fields(json(api.post(lease, AGENT1, "{}"), 422))).containsExactly("attempt_no");
        json(api.post("/aitp/tasks/" + UUID.randomUUID() + "/lease", AGENT1, "{\"attempt_no\":1}"), 404);
        OffsetDateTime before = OffsetDateTime.now();
        JsonNode moved = json(api.post(lease, AGENT1, "{\"attempt_no\":2,\"extend_seconds\":5}"), 200);
        OffsetDateTime until = OffsetDateTime.parse(moved.get("lease_expires_at").asText());
        assertThat(until).isBetween(before.plusSeconds(4), before.plusSeconds(7));
        assertThat(OffsetDateTime.parse(json(api.get("/aitp/tasks/" + id, client), 200).get("lease_expires_at")
                .asText())).isEqualTo(until);
        int timeout = json(api.get("/aitp/tasks/" + id, client), 200).get("timeout_seconds").asInt();
        OffsetDateTime capped = OffsetDateTime.parse(json(api.post(lease, AGENT1,
                "{\"attempt_no\":2,\"extend_seconds\":86400}"), 200).get("lease_expires_at").asText());
        assertThat(capped).isBefore(OffsetDateTime.now().plusSeconds(timeout + 2));

        assertThat(json(api.post("/aitp/tasks/" + id + "/complete", AGENT1, "{\"attempt_no\":2}"), 200)
                .get("status").asText()).isEqualTo("COMPLETED");
        json(api.post(lease, AGENT1, "{\"attempt_no\":2}"), 409);
    }

    @Test
    void anAgentThatClaimsOrReportsIsReportedToTheRegistryAsAlive() {
        json(api.post("/aitp/agents/" + A2 + "/claims", AGENT2, ""), 200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                NEIGHBOURS.verify(postRequestedFor(urlEqualTo("/ains/internal/agents/activity"))
                        .withRequestBody(matchingJsonPath("$.agent_ids[?(@ == '" + A2 + "')]"))));
        assertThat(api.text("/metrics")).contains("ains_agent_activity_reported_total");
    }

    @Test
    void theQueueDepthOfALongQueueIsEstimatedFromStatisticsNotCounted() {
        NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/candidates")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.capability", equalTo("nobody-has-it-either")))
                .willReturn(okJson("{\"candidates\":[]}")));
        for (int i = 0; i < 6; i++) {
            json(api.post("/aitp/tasks", client, "{\"task_type\":\"deep\",\"capability_required\":"
                    + "\"nobody-has-it-either\",\"priority\":9}"), 201);
        }
        database.client().execute().dml("ANALYZE tasks");
        long exact = json(api.get("/aitp/queue/stats", client), 200).at("/by_priority/9").asLong();
        assertThat(exact).isGreaterThanOrEqualTo(6);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.text("/metrics"))
                .containsPattern("ains_queue_depth\\{[^}]*priority=\"9\"[^}]*\\} " + exact + "(\\.0)?\\b"));
    }

    @Test
    void submissionsBeyondTheLimitInProgressAreRefusedWithRetryAfterAndTakeNothing() throws Exception {
        NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/candidates")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.capability", equalTo("slow-cap")))
                .willReturn(okJson("{\"candidates\":[]}").withFixedDelay(1500)));
        String slow = "{\"task_type\":\"slow\",\"capability_required\":\"slow-cap\"}";
        List<Thread> inProgress = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            inProgress.add(Thread.ofVirtual().start(() -> json(api.post("/aitp/tasks", client, slow), 201)));
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> NEIGHBOURS.verify(2,
                postRequestedFor(urlEqualTo("/ains/internal/candidates"))
                        .withRequestBody(matchingJsonPath("$.capability", equalTo("slow-cap")))));

        var busy = api.post("/aitp/tasks", client, task("refused"));
        assertThat(busy.getHeaderString("Retry-After")).isEqualTo("1");
        assertThat(json(busy, 503).get("type").asText()).endsWith("/unavailable");
        json(api.post("/aitp/tasks/batch", client, "{\"tasks\":[{\"task\":" + task("refused") + "}]}"), 503);
        for (Thread t : inProgress) {
            t.join(Duration.ofSeconds(10));
        }
        assertThat(json(api.get("/aitp/tasks?task_type=refused", client), 200).get("items"))
                .as("a refused submission takes nothing").isEmpty();
        json(api.post("/aitp/tasks", client, task("admitted")), 201);
        assertThat(api.text("/metrics")).contains("ains_admission_rejected_total");
    }

    @Test
    void aSubmissionFindingItsAgentBeingRoutedToLeavesTheTaskToTheDispatcherInsteadOfWaiting() {
        candidates(A1, 5);
        // another transaction is routing to A1 (a concurrent submission, another replica): it holds A1's slots
        io.helidon.dbclient.DbTransaction other = database.client().transaction();
        String id;
        try {
            other.query("SELECT pg_advisory_xact_lock(hashtextextended(?::text, 1150))", A1.toString())
                    .forEach(r -> { });
            JsonNode created = json(api.post("/aitp/tasks", client, task("deferred")), 201);
            assertThat(created.get("status").asText()).as("answered at once, not after the other's commit")
                    .isEqualTo("QUEUED");
            id = created.get("task_id").asText();
        } finally {
            other.rollback();
        }
        // the dispatcher was woken by the submission's commit and keeps trying until the slots are free
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode t = json(api.get("/aitp/tasks/" + id, client), 200);
            assertThat(t.get("status").asText()).isEqualTo("ASSIGNED");
            assertThat(t.get("assigned_agent_id").asText()).isEqualTo(A1.toString());
        });
        assertThat(api.text("/metrics")).containsPattern("ains_routing_decisions_total\\{[^}]*result=\"deferred\"");
    }

    @Test
    void newTasksOfACapabilityAreRefusedWhileRoutingItIsBehindThoughItsAgentsHaveRoom() {
        candidates(A1, 1);
        json(api.post("/aitp/tasks", client, task("first")), 201); // takes A1's only slot
        String waiting = json(api.post("/aitp/tasks", client, task("waiting")), 201).get("task_id").asText();
        // it has waited five seconds, and now A1 has room: the dispatcher routes it, five seconds late
        database.client().execute().dml("UPDATE tasks SET updated_at = now() - interval '5 seconds' WHERE task_id = ?",
                UUID.fromString(waiting));
        candidates(A1, 5);
        dispatcher.dispatchOnce();
        assertThat(json(api.get("/aitp/tasks/" + waiting, client), 200).get("status").asText()).isEqualTo("ASSIGNED");

        var refused = api.post("/aitp/tasks", client, task("refused"));
        assertThat(refused.getHeaderString("Retry-After")).isEqualTo("1");
        assertThat(json(refused, 503).get("detail").asText()).contains("capability_required 'cap'");
        json(api.post("/aitp/tasks/batch", client, "{\"tasks\":[{\"task\":" + task("refused") + "}]}"), 503);
        json(api.post("/aitp/tasks", client, "{\"task_type\":\"other\",\"capability_required\":\"other-cap\"}"),
                201); // other capabilities are not held back
        assertThat(json(api.get("/aitp/tasks?task_type=refused", client), 200).get("items"))
                .as("a refused submission takes nothing").isEmpty();
        assertThat(api.text("/metrics")).containsPattern(
                "ains_admission_rejected_total\\{[^}]*request=\"routing_delay\"");

        dispatcher.dispatchOnce(); // nothing of the capability waits any more: admitted again
        json(api.post("/aitp/tasks", client, task("admitted")), 201);
    }

    @Test
    void aCompletionFindsItsTaskByPrimaryKeyNotByScanningWhatItsAgentHolds() {
        // the plan PostgreSQL makes for the completion statement, with the values a completion binds
        String sql = io.helidon.config.Config.just(io.helidon.config.ConfigSources.classpath("db/statements.yaml"))
                .get("statements.complete-held").asString().get();
        var db = database.client().execute();
        String insert = "INSERT INTO tasks (task_id, task_type, capability, priority, timeout_seconds, max_retries,"
                + " status, assigned_agent_id, claimed_at, created_by) SELECT gen_random_uuid(), 'plan', 'plan-cap', 5,"
                + " 60, 0, ?, ?::uuid, now(), 'plan-test' FROM generate_series(1, ?)";
        try {
            // statistics taken while the agent held nothing, then it takes on 500 tasks: the situation of an
            // agent that just claimed a backlog, before autovacuum looks again
            db.dml(insert, "COMPLETED", null, 5000);
            db.dml("ANALYZE tasks");
            db.dml(insert, "RUNNING", A1.toString(), 500);
            String plan = db.query("EXPLAIN " + sql, "{}", 5L, UUID.randomUUID(), 1, A1, A1)
                    .map(r -> r.column(1).getString()).collect(java.util.stream.Collectors.joining("\n"));
            assertThat(plan).contains("tasks_pkey").doesNotContain("tasks_held_by_agent");
        } finally {
            db.dml("DELETE FROM tasks WHERE created_by = 'plan-test'");
        }
    }

    @Test
    void aClaimWithNothingToDoAnswers204AfterItsWait() {
        long t0 = System.nanoTime();
        var r = api.post("/aitp/agents/" + A2 + "/claim?wait_seconds=1", AGENT2, "");
        assertThat(r.getStatus()).isEqualTo(204);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        json(api.post("/aitp/agents/" + A2 + "/claim?wait_seconds=31", AGENT2, ""), 422);
        json(api.post("/aitp/agents/" + A2 + "/claim", Auth.apiKey("ak_unknown"), ""), 401);
    }

    @Test
    void aTasksRetryPolicyIsValidatedAndFollowed() {
        candidates(A1, 5);
        assertThat(fields(json(api.post("/aitp/tasks", client, "{\"task_type\":\"p\",\"capability_required\":\"cap\","
                + "\"retry_policy\":{\"strategy\":\"sometimes\"}}"), 400))).containsExactly("retry_policy.strategy");
        assertThat(fields(json(api.post("/aitp/tasks", client, "{\"task_type\":\"p\",\"capability_required\":\"cap\","
                + "\"retry_policy\":{\"base_delay_ms\":5000,\"max_delay_ms\":10,\"jitter\":0.95}}"), 422)))
                .containsExactlyInAnyOrder("retry_policy.max_delay_ms", "retry_policy.jitter");

        JsonNode t = json(api.post("/aitp/tasks", client, "{\"task_type\":\"p\",\"capability_required\":\"cap\","
                + "\"max_retries\":2,\"retry_policy\":{\"strategy\":\"fixed\",\"base_delay_ms\":1234,"
                + "\"jitter\":0}}"), 201);
        assertThat(t.at("/retry_policy/strategy").asText()).isEqualTo("fixed");
        String id = t.get("task_id").asText();
        json(api.post("/aitp/agents/" + A1 + "/claim", AGENT1, ""), 200);
        json(api.post("/aitp/tasks/" + id + "/fail", AGENT1, "{\"error\":\"flaky\"}"), 200);
        assertThat(json(api.get("/aitp/tasks/" + id + "/attempts", client), 200).at("/items/0/retry_delay_ms").asLong())
                .isEqualTo(1234);
    }

    @Test
    void deadLettersAreListedRetriedAndRedriven() {
        candidates(A1, 10);
        String type = "dl-" + UUID.randomUUID();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(json(api.post("/aitp/tasks", client, "{\"task_type\":\"" + type
                    + "\",\"capability_required\":\"cap\",\"max_retries\":0}"), 201).get("task_id").asText());
        }
        for (String id : ids) {
            json(api.post("/aitp/agents/" + A1 + "/claim", AGENT1, ""), 200);
            assertThat(json(api.post("/aitp/tasks/" + id + "/fail", AGENT1, "{\"error\":\"bad\",\"retryable\":false}"),
                    200).get("status").asText()).isEqualTo("DEAD_LETTERED");
        }
        assertThat(json(api.get("/aitp/dead-letters?task_type=" + type, client), 200).get("items")).hasSize(3);

        JsonNode retried = json(api.post("/aitp/tasks/" + ids.get(0) + "/retry", client, ""), 200);
        assertThat(retried.get("status").asText()).as("routed again at once").isEqualTo("ASSIGNED");
        assertThat(retried.get("attempt_count").asInt()).isEqualTo(2);
        json(api.post("/aitp/tasks/" + ids.get(0) + "/retry", client, ""), 409);

        JsonNode one = json(api.post("/aitp/dead-letters/redrive", client, "{\"task_ids\":[\"" + ids.get(1) + "\"]}"), 200);
        assertThat(one.get("redriven").asInt()).isEqualTo(1);
        assertThat(fields(json(api.post("/aitp/dead-letters/redrive", client,
                "{\"task_ids\":[\"" + ids.get(1) + "\"]}"), 422))).containsExactly("task_ids[0]");
        JsonNode rest = json(api.post("/aitp/dead-letters/redrive", client, "{\"task_type\":\"" + type + "\"}"), 200);
        assertThat(rest.get("task_ids")).hasSize(1);
        assertThat(json(api.get("/aitp/dead-letters?task_type=" + type, client), 200).get("items")).isEmpty();
        assertThat(api.text("/metrics")).contains("ains_tasks_redriven_total");
    }

    /** #12: what the registry revokes is refused here within seconds, cached token checks and key checks included. */
    @Test
    void aRevocationFromTheRegistryIsRefusedWithinSeconds() {
        String token = jwt.issue("leaky-" + UUID.randomUUID(), List.of(Roles.CLIENT), 600);
        Auth leaky = Auth.bearer(token);
        Auth agent2 = Auth.apiKey("ak_two");
        json(api.get("/aitp/tasks?limit=1", leaky), 200);
        assertThat(api.post("/aitp/agents/" + A2 + "/claim", agent2, "").getStatus()).isNotEqualTo(401);

        String jti = Json.tree(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8)).get("jti").asText();
        String now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).toString();
        String later = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).plusHours(1).toString();
        // the registry deactivated agent 2 (its key no longer verifies) and revoked the client's token
        NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/api-keys/verify")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.api_key", equalTo("ak_two")))
                .willReturn(okJson("{\"agent_id\":\"" + A2 + "\",\"status\":\"DEACTIVATED\"}")));
        NEIGHBOURS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/ains/internal/revocations"))
                .atPriority(1).willReturn(okJson("{\"as_of\":\"" + now + "\",\"items\":["
                        + "{\"kind\":\"token\",\"subject\":\"x\",\"jti\":\"" + jti + "\",\"recorded_at\":\"" + now
                        + "\",\"expires_at\":\"" + later + "\"},"
                        + "{\"kind\":\"agent\",\"subject\":\"" + A2 + "\",\"recorded_at\":\"" + now
                        + "\",\"expires_at\":\"" + later + "\"}]}")));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(api.get("/aitp/tasks?limit=1", leaky).getStatus()).isEqualTo(401);
            assertThat(api.post("/aitp/agents/" + A2 + "/claim", agent2, "").getStatus()).isEqualTo(401);
        });
        json(api.get("/aitp/tasks?limit=1", client), 200); // other tokens are untouched
        assertThat(api.text("/metrics")).contains("ains_auth_revocation_feed_age_seconds");
    }

    @Test
    void priorityAndTimeoutChangeAndTheQueueIsVisible() {
        NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/candidates")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.capability", equalTo("nobody-has-it")))
                .willReturn(okJson("{\"candidates\":[]}")));
        String waiting = json(api.post("/aitp/tasks", client,
                "{\"task_type\":\"w\",\"capability_required\":\"nobody-has-it\"}"), 201).get("task_id").asText();
        JsonNode why = json(api.get("/aitp/tasks/" + waiting + "/routing", client), 200).get("items");
        assertThat(why).as("nothing stored for a task nobody can take; why it waits, worked out now").hasSize(1);
        assertThat(why.at("/0/current").asBoolean()).isTrue();
        assertThat(why.at("/0/reason").asText()).isEqualTo("no online agent holds nobody-has-it with trust >= 0.0");
        assertThat(json(api.call("/aitp/tasks/" + waiting + "/priority", client)
                .put(jakarta.ws.rs.client.Entity.json("{\"priority\":9}")), 200).get("priority").asInt()).isEqualTo(9);
        assertThat(fields(json(api.call("/aitp/tasks/" + waiting + "/priority", client)
                .put(jakarta.ws.rs.client.Entity.json("{\"priority\":11}")), 422))).containsExactly("priority");
        json(api.call("/aitp/tasks/" + UUID.randomUUID() + "/priority", client)
                .put(jakarta.ws.rs.client.Entity.json("{\"priority\":3}")), 404);

        JsonNode stats = json(api.get("/aitp/queue/stats", client), 200);
        assertThat(stats.at("/by_capability/nobody-has-it").asInt()).isPositive();
        assertThat(stats.at("/by_priority/9").asInt()).isPositive();
        assertThat(stats.has("client_share")).isFalse();
        Auth admin = Auth.bearer(jwt.issue("ops", List.of(Roles.ADMIN), 60));
        assertThat(json(api.get("/aitp/queue/stats", admin), 200).has("client_share")).isTrue();

        candidates(A1, 5);
        String running = json(api.post("/aitp/tasks", client, task("t")), 201).get("task_id").asText();
        json(api.post("/aitp/agents/" + A1 + "/claim", AGENT1, ""), 200);
        json(api.post("/aitp/tasks/" + running + "/start", AGENT1, ""), 200);
        JsonNode routed = json(api.get("/aitp/tasks/" + running + "/routing", client), 200).get("items");
        assertThat(routed).hasSize(1);
        assertThat(routed.at("/0/chosen_agent_id").asText()).isEqualTo(A1.toString());
        assertThat(routed.at("/0/current").isMissingNode()).as("a routed task has no current reason").isTrue();
        json(api.call("/aitp/tasks/" + running + "/priority", client)
                .put(jakarta.ws.rs.client.Entity.json("{\"priority\":2}")), 409);
        JsonNode longer = json(api.call("/aitp/tasks/" + running + "/timeout", client)
                .put(jakarta.ws.rs.client.Entity.json("{\"timeout_seconds\":7200}")), 200);
        assertThat(java.time.OffsetDateTime.parse(longer.get("lease_expires_at").asText()))
                .isAfter(java.time.OffsetDateTime.now().plusMinutes(100));
        json(api.delete("/aitp/tasks/" + waiting, client), 200);

        // #12: the changes are in the audit log, with their outcome; submissions and the agent protocol are not
        JsonNode changes = json(api.get("/aitp/audit?id=" + waiting, admin), 200).get("items");
        assertThat(changes.findValuesAsText("operation")).containsExactly("cancelTask", "setTaskPriority",
                "setTaskPriority").doesNotContain("createTask");
        assertThat(changes.findValuesAsText("status")).containsExactly("200", "422", "200");
        assertThat(changes.get(0).at("/ids/task_id").asText()).isEqualTo(waiting);
        assertThat(changes.get(0).get("actor").asText()).startsWith("client-");
        assertThat(changes.get(0).get("actor_roles").get(0).asText()).isEqualTo(Roles.CLIENT);
        JsonNode running2 = json(api.get("/aitp/audit?id=" + running, admin), 200).get("items");
        assertThat(running2.findValuesAsText("operation")).containsExactly("setTaskTimeout", "setTaskPriority");
        json(api.get("/aitp/audit", client), 403);
    }

    @Test
    void whenAgentsAreBusyClientsTakeTurns() {
        String cap = "fair-" + UUID.randomUUID();
        // only this test's capability has an agent (one slot); leftovers of other tests stay queued
        NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/candidates")).atPriority(5)
                .willReturn(okJson("{\"candidates\":[]}")));
        NEIGHBOURS.stubFor(post(urlEqualTo("/ains/internal/candidates")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.capability", equalTo(cap)))
                .willReturn(okJson(Neighbours.candidateJson(A1, 1))));
        Auth flooder = Auth.bearer(jwt.issue("flooder-" + UUID.randomUUID(), List.of(Roles.CLIENT), 600));
        String body = "{\"task_type\":\"f\",\"capability_required\":\"" + cap + "\"}";
        String busy = json(api.post("/aitp/tasks", flooder, body), 201).get("task_id").asText();
        List<String> flood = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            flood.add(json(api.post("/aitp/tasks", flooder, body), 201).get("task_id").asText());
        }
        String small = json(api.post("/aitp/tasks", client, body), 201).get("task_id").asText();

        json(api.post("/aitp/agents/" + A1 + "/claim", AGENT1, ""), 200);
        json(api.post("/aitp/tasks/" + busy + "/complete", AGENT1, "{}"), 200);
        String first = json(api.post("/aitp/agents/" + A1 + "/claim?wait_seconds=5", AGENT1, ""), 200)
                .at("/task/task_id").asText();
        assertThat(first).as("the flooder was just served: the other client's turn").isEqualTo(small);
        json(api.post("/aitp/tasks/" + first + "/complete", AGENT1, "{}"), 200);
        String second = json(api.post("/aitp/agents/" + A1 + "/claim?wait_seconds=5", AGENT1, ""), 200)
                .at("/task/task_id").asText();
        assertThat(second).as("then the flood's turn").isIn(flood);
        json(api.post("/aitp/tasks/" + second + "/complete", AGENT1, "{}"), 200);
        flood.forEach(id -> api.delete("/aitp/tasks/" + id, flooder).close());
    }

    @Test
    void aTaskWaitsForItsDependenciesAndFallsWithThem() {
        candidates(A1, 10);
        String a = json(api.post("/aitp/tasks", client, task("a")), 201).get("task_id").asText();
        JsonNode b = json(api.post("/aitp/tasks", client, "{\"task_type\":\"b\",\"capability_required\":\"cap\","
                + "\"depends_on\":[\"" + a + "\"]}"), 201);
        assertThat(b.get("status").asText()).isEqualTo("BLOCKED");
        String bId = b.get("task_id").asText();
        assertThat(json(api.get("/aitp/tasks/" + bId, client), 200).at("/depends_on/0").asText()).isEqualTo(a);
        assertThat(fields(json(api.post("/aitp/tasks", client, "{\"task_type\":\"c\",\"capability_required\":\"cap\","
                + "\"depends_on\":[\"" + a + "\",\"" + UUID.randomUUID() + "\"]}"), 422))).containsExactly("depends_on[1]");
        Auth stranger = Auth.bearer(jwt.issue("stranger-" + UUID.randomUUID(), List.of(Roles.CLIENT), 60));
        json(api.post("/aitp/tasks", stranger, "{\"task_type\":\"c\",\"capability_required\":\"cap\","
                + "\"depends_on\":[\"" + a + "\"]}"), 422);

        json(api.post("/aitp/agents/" + A1 + "/claim", AGENT1, ""), 200);
        json(api.post("/aitp/tasks/" + a + "/complete", AGENT1, "{}"), 200);
        assertThat(json(api.get("/aitp/tasks/" + bId, client), 200).get("status").asText())
                .as("unblocked with its dependency's completion").isIn("QUEUED", "ASSIGNED");

        String d = json(api.post("/aitp/tasks", client, task("d")), 201).get("task_id").asText();
        String e = json(api.post("/aitp/tasks", client, "{\"task_type\":\"e\",\"capability_required\":\"cap\","
                + "\"depends_on\":[\"" + d + "\"]}"), 201).get("task_id").asText();
        String f = json(api.post("/aitp/tasks", client, "{\"task_type\":\"f\",\"capability_required\":\"cap\","
                + "\"depends_on\":[\"" + e + "\"]}"), 201).get("task_id").asText();
        json(api.delete("/aitp/tasks/" + d + "?reason=no%20longer%20needed", client), 200);
        JsonNode eNow = json(api.get("/aitp/tasks/" + e, client), 200);
        assertThat(eNow.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(eNow.get("cancel_reason").asText()).contains(d, "CANCELLED");
        assertThat(json(api.get("/aitp/tasks/" + f, client), 200).get("status").asText())
                .as("and its own dependents in turn").isEqualTo("CANCELLED");
        assertThat(fields(json(api.post("/aitp/tasks", client, "{\"task_type\":\"g\",\"capability_required\":\"cap\","
                + "\"depends_on\":[\"" + d + "\"]}"), 422))).containsExactly("depends_on[0]");
    }

    @Test
    void batchesAreAcceptedTrackedAndCancelledTogether() {
        candidates(A1, 1);
        String batch = "{\"tasks\":[{\"key\":\"a\",\"task\":" + task("first") + "},"
                + "{\"key\":\"b\",\"depends_on_keys\":[\"a\"],\"task\":" + task("second") + "},"
                + "{\"task\":" + task("third") + "}]}";
        JsonNode created = json(api.post("/aitp/tasks/batch", client, batch), 201);
        String batchId = created.get("batch_id").asText();
        assertThat(created.get("accepted")).hasSize(3);
        assertThat(created.get("rejected")).isEmpty();
        assertThat(created.at("/accepted/1/status").asText()).isEqualTo("BLOCKED");

        JsonNode status = json(api.get("/aitp/tasks/batch/" + batchId, client), 200);
        assertThat(status.get("total").asInt()).isEqualTo(3);
        assertThat(status.get("done").asBoolean()).isFalse();
        String ids = created.get("accepted").findValuesAsText("task_id").stream()
                .reduce((x, y) -> x + "," + y).orElseThrow();
        JsonNode adHoc = json(api.get("/aitp/tasks/batch/status?taskids=" + ids + "," + UUID.randomUUID(), client), 200);
        assertThat(adHoc.get("items")).hasSize(3);
        assertThat(adHoc.get("missing")).hasSize(1);
        json(api.get("/aitp/tasks/batch/status?taskids=nope", client), 422);
        JsonNode results = json(api.get("/aitp/tasks/batch/" + batchId + "/results", client), 200);
        assertThat(results.get("items").findValuesAsText("key")).containsExactly("a", "b");

        JsonNode cancelled = json(api.delete("/aitp/tasks/batch/" + batchId, client), 200);
        assertThat(cancelled.get("done").asBoolean()).isTrue();
        assertThat(cancelled.at("/by_status/CANCELLED").asInt()).isEqualTo(3);
        Auth stranger = Auth.bearer(jwt.issue("stranger-" + UUID.randomUUID(), List.of(Roles.CLIENT), 60));
        json(api.get("/aitp/tasks/batch/" + batchId, stranger), 404);
    }

    @Test
    void badBatchesAreRejectedAsTheirOptionsSay() {
        candidates(A1, 1);
        String bad = "{\"task_type\":\"x\",\"capability_required\":\"cap\",\"priority\":11}";
        StringBuilder big = new StringBuilder("{\"tasks\":[");
        for (int i = 0; i < 101; i++) {
            big.append(i == 0 ? "" : ",").append("{\"task\":").append(task("t")).append('}');
        }
        assertThat(fields(json(api.post("/aitp/tasks/batch", client, big.append("]}").toString()), 422)))
                .containsExactly("tasks");

        String mixed = "{\"tasks\":[{\"task\":" + task("ok") + "},{\"task\":" + bad + "},{\"task\":" + bad + "},"
                + "{\"task\":" + task("ok2") + "}]";
        assertThat(fields(json(api.post("/aitp/tasks/batch", client, mixed + "}"), 422)))
                .as("atomic: nothing is accepted").containsExactly("tasks[1].task.priority", "tasks[2].task.priority");
        assertThat(fields(json(api.post("/aitp/tasks/batch", client, mixed + ",\"fail_fast\":true,\"atomic\":false}"),
                422))).as("fail fast: the first invalid task").containsExactly("tasks[1].task.priority");
        JsonNode partial = json(api.post("/aitp/tasks/batch", client, mixed + ",\"atomic\":false}"), 201);
        assertThat(partial.get("accepted").findValuesAsText("index")).containsExactly("0", "3");
        assertThat(partial.get("rejected").findValuesAsText("index")).containsExactly("1", "2");

        String cycle = "{\"tasks\":[{\"key\":\"a\",\"depends_on_keys\":[\"b\"],\"task\":" + task("a") + "},"
                + "{\"key\":\"b\",\"depends_on_keys\":[\"a\"],\"task\":" + task("b") + "},"
                + "{\"key\":\"c\",\"depends_on_keys\":[\"nobody\"],\"task\":" + task("c") + "}]}";
        assertThat(fields(json(api.post("/aitp/tasks/batch", client, cycle), 422))).containsExactlyInAnyOrder(
                "tasks[0].depends_on_keys", "tasks[1].depends_on_keys", "tasks[2].depends_on_keys[0]");
    }

    @Test
    void schedulesFireOnTheirCronAndCanBeChangedAndDeleted() {
        candidates(A1, 50);
        String type = "sched-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(fields(json(api.post("/aitp/tasks/schedule", client,
                "{\"cron\":\"61 * * * *\",\"task\":" + task(type) + "}"), 422))).containsExactly("cron");
        assertThat(fields(json(api.post("/aitp/tasks/schedule", client,
                "{\"cron\":\"* * * * *\",\"time_zone\":\"Mars/Olympus\",\"task\":" + task(type) + "}"), 422)))
                .containsExactly("time_zone");
        assertThat(fields(json(api.post("/aitp/tasks/schedule", client, "{\"cron\":\"* * * * *\",\"task\":"
                + "{\"task_type\":\"x\",\"capability_required\":\"cap\",\"priority\":11}}"), 422)))
                .containsExactly("task.priority");

        JsonNode s = json(api.post("/aitp/tasks/schedule", client, "{\"name\":\"every 2 s\",\"cron\":\"*/2 * * * * *\","
                + "\"time_zone\":\"Europe/Paris\",\"task\":" + task(type) + "}"), 201);
        String id = s.get("schedule_id").asText();
        assertThat(s.get("next_fire_times")).hasSize(5);
        java.time.OffsetDateTime first = java.time.OffsetDateTime.parse(s.at("/next_fire_times/0").asText());
        java.time.OffsetDateTime second = java.time.OffsetDateTime.parse(s.at("/next_fire_times/1").asText());
        assertThat(java.time.Duration.between(first, second)).isEqualTo(java.time.Duration.ofSeconds(2));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(json(api.get("/aitp/tasks/schedule/" + id, client), 200).get("fire_count").asLong())
                        .isGreaterThanOrEqualTo(2));
        JsonNode fired = json(api.get("/aitp/tasks?task_type=" + type, client), 200);
        assertThat(fired.get("items").size()).isGreaterThanOrEqualTo(2);
        assertThat(fired.at("/items/0/assigned_agent_id").asText()).isEqualTo(A1.toString());

        JsonNode off = json(api.call("/aitp/tasks/schedule/" + id, client).put(jakarta.ws.rs.client.Entity.json(
                "{\"cron\":\"*/2 * * * * *\",\"enabled\":false,\"task\":" + task(type) + "}")), 200);
        assertThat(off.has("next_fire_at")).isFalse();
        assertThat(off.get("fire_count").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(json(api.get("/aitp/tasks/schedule", client), 200).get("items")).hasSize(1);
        assertThat(api.delete("/aitp/tasks/schedule/" + id, client).getStatus()).isEqualTo(204);
        json(api.get("/aitp/tasks/schedule/" + id, client), 404);
    }

    @Test
    void templatesGiveTasksTheirDefaults() {
        candidates(A1, 10);
        assertThat(fields(json(api.post("/aitp/templates", client, "{\"name\":\"t\",\"task\":"
                + "{\"task_type\":\"x\",\"capability_required\":\"cap\",\"priority\":0}}"), 422)))
                .containsExactly("task.priority");
        JsonNode tpl = json(api.post("/aitp/templates", client, "{\"name\":\"summaries\",\"task\":"
                + "{\"task_type\":\"summarize\",\"capability_required\":\"cap\",\"priority\":8,"
                + "\"input_data\":{\"lang\":\"en\"}}}"), 201);
        String id = tpl.get("template_id").asText();

        JsonNode t = json(api.post("/aitp/tasks", client, "{\"template_id\":\"" + id + "\",\"priority\":3}"), 201);
        assertThat(t.get("task_type").asText()).isEqualTo("summarize");
        assertThat(t.get("priority").asInt()).as("overridden").isEqualTo(3);
        assertThat(t.at("/input_data/lang").asText()).as("from the template").isEqualTo("en");
        assertThat(fields(json(api.post("/aitp/tasks", client, "{\"template_id\":\"" + UUID.randomUUID() + "\"}"),
                422))).containsExactly("template_id");
        JsonNode s = json(api.post("/aitp/tasks/schedule", client, "{\"cron\":\"0 0 1 1 *\",\"task\":"
                + "{\"template_id\":\"" + id + "\"}}"), 201);
        assertThat(s.at("/task/task_type").asText()).isEqualTo("summarize");
        api.delete("/aitp/tasks/schedule/" + s.get("schedule_id").asText(), client).close();

        assertThat(json(api.get("/aitp/templates", client), 200).get("items")).hasSize(1);
        assertThat(api.delete("/aitp/templates/" + id, client).getStatus()).isEqualTo(204);
        json(api.get("/aitp/templates/" + id, client), 404);
    }

    @Test
    void aTaskWithABudgetIsAuctionedGoesToTheWinnerAndItsOutcomeSettles() {
        Auth economy = Auth.bearer(jwt.issue("economic-service", List.of(Roles.SERVICE), 600));
        assertThat(fields(json(api.post("/aitp/tasks", client, "{\"task_type\":\"t\",\"capability_required\":\"cap\","
                + "\"budget\":-1,\"currency\":\"usd\",\"auction_seconds\":0}"), 422)))
                .containsExactlyInAnyOrder("budget", "currency", "auction_seconds");
        String plain = json(api.post("/aitp/tasks", client, task("dep")), 201).get("task_id").asText();
        assertThat(fields(json(api.post("/aitp/tasks", client, "{\"task_type\":\"t\",\"capability_required\":\"cap\","
                + "\"budget\":5,\"depends_on\":[\"" + plain + "\"]}"), 422))).containsExactly("budget");
        assertThat(fields(json(api.post("/aitp/tasks/batch", client, "{\"tasks\":[{\"task\":{\"task_type\":\"t\","
                + "\"capability_required\":\"cap\",\"budget\":5}}]}"), 422))).containsExactly("tasks[0].task.budget");
        api.delete("/aitp/tasks/" + plain, client).close();

        JsonNode auctioned = json(api.post("/aitp/tasks", client, "{\"task_type\":\"priced\","
                + "\"capability_required\":\"cap\",\"budget\":1000,\"auction_seconds\":30}"), 201);
        String id = auctioned.get("task_id").asText();
        assertThat(auctioned.get("status").asText()).isEqualTo("AUCTIONING");
        assertThat(auctioned.get("budget").asLong()).isEqualTo(1000);
        // the request reaches economic-service with the online candidates as invitees
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> NEIGHBOURS.verify(postRequestedFor(
                urlEqualTo("/economy/internal/auctions")).withRequestBody(matchingJsonPath("$.auctions[0].task_id",
                equalTo(id))).withRequestBody(matchingJsonPath("$.auctions[0].invited[0].agent_id",
                equalTo(A1.toString()))).withRequestBody(matchingJsonPath("$.auctions[0].deadline_seconds",
                equalTo("30")))));
        assertThat(fields(json(api.post("/internal/auction-results", economy, "{\"results\":[{\"task_id\":\"" + id
                + "\",\"result\":\"awarded\"}]}"), 422))).containsExactly("results[0].agent_id");
        json(api.post("/internal/auction-results", client, "{\"results\":[]}"), 403);

        String award = "{\"results\":[{\"task_id\":\"" + id + "\",\"result\":\"awarded\",\"agent_id\":\"" + A1
                + "\",\"price\":800,\"currency\":\"USD\"}]}";
        json(api.post("/internal/auction-results", economy, award), 204);
        json(api.post("/internal/auction-results", economy, award), 204); // again: nothing changes
        JsonNode assigned = json(api.get("/aitp/tasks/" + id, client), 200);
        assertThat(assigned.get("status").asText()).isEqualTo("ASSIGNED");
        assertThat(assigned.get("auction_winner_id").asText()).isEqualTo(A1.toString());
        assertThat(json(api.get("/aitp/tasks/" + id + "/routing", client), 200).at("/items/0/reason").asText())
                .contains("auction");
        json(api.post("/aitp/agents/" + A1 + "/claim?wait_seconds=1", AGENT1, ""), 200);
        json(api.post("/aitp/tasks/" + id + "/complete", AGENT1, "{\"result\":{\"ok\":true}}"), 200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> NEIGHBOURS.verify(postRequestedFor(
                urlEqualTo("/economy/internal/task-outcomes")).withRequestBody(matchingJsonPath(
                "$.outcomes[0].task_id", equalTo(id))).withRequestBody(matchingJsonPath("$.outcomes[0].outcome",
                equalTo("COMPLETED")))));

        // a failed auction dead-letters the task with its reason; a cancelled auctioning task is refunded
        String failing = json(api.post("/aitp/tasks", client, "{\"task_type\":\"priced\",\"capability_required\":"
                + "\"cap\",\"budget\":10}"), 201).get("task_id").asText();
        json(api.post("/internal/auction-results", economy, "{\"results\":[{\"task_id\":\"" + failing
                + "\",\"result\":\"failed\",\"reason\":\"client cannot cover the winning bid\"}]}"), 204);
        JsonNode dead = json(api.get("/aitp/tasks/" + failing, client), 200);
        assertThat(dead.get("status").asText()).isEqualTo("DEAD_LETTERED");
        assertThat(dead.get("error").asText()).contains("auction failed").contains("cannot cover");
        String cancelled = json(api.post("/aitp/tasks", client, "{\"task_type\":\"priced\",\"capability_required\":"
                + "\"cap\",\"budget\":10}"), 201).get("task_id").asText();
        assertThat(json(api.delete("/aitp/tasks/" + cancelled, client), 200).get("status").asText())
                .isEqualTo("CANCELLED");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> NEIGHBOURS.verify(postRequestedFor(
                urlEqualTo("/economy/internal/task-outcomes")).withRequestBody(matchingJsonPath(
                "$.outcomes[*].task_id", equalTo(cancelled)))));
        // no acceptable bid: routed as any task
        String unbid = json(api.post("/aitp/tasks", client, "{\"task_type\":\"priced\",\"capability_required\":"
                + "\"cap\",\"budget\":10}"), 201).get("task_id").asText();
        json(api.post("/internal/auction-results", economy, "{\"results\":[{\"task_id\":\"" + unbid
                + "\",\"result\":\"no_bids\"}]}"), 204);
        JsonNode routed = json(api.get("/aitp/tasks/" + unbid, client), 200);
        assertThat(routed.get("status").asText()).isEqualTo("ASSIGNED");
        assertThat(routed.has("auction_winner_id")).isFalse();
    }

    private void candidates(UUID agent, int capacity) {
        Neighbours.candidates(NEIGHBOURS, agent, capacity);
    }

    private static String task(String type) {
        return "{\"task_type\":\"" + type + "\",\"capability_required\":\"cap\",\"input_data\":{\"n\":1}}";
    }

    private static String result(String taskId, Integer attempt, String outcome, String more) {
        return "{\"task_id\":\"" + taskId + "\"," + (attempt == null ? "" : "\"attempt_no\":" + attempt + ",")
                + "\"outcome\":\"" + outcome + "\"" + more + "}";
    }

    private static String task(String type, int maxRetries) {
        return "{\"task_type\":\"" + type + "\",\"capability_required\":\"cap\",\"max_retries\":" + maxRetries + "}";
    }
}
