package dev.ains.tasks.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.ains.kit.testing.Api.fields;
import static dev.ains.kit.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import dev.ains.client.Ains;
import dev.ains.client.EventStream;
import dev.ains.client.WebhookVerifier;
import dev.ains.client.tasks.model.AttemptResult;
import dev.ains.client.tasks.model.ClaimedTask;
import dev.ains.client.tasks.model.ResultBatch;
import dev.ains.client.tasks.model.TaskStatus;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.TestAuthority;
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
 * Webhooks and live event streams of task-service on a random port against a real PostgreSQL, with
 * WireMock as the webhook receivers (and as the registry and analytics). Signatures are checked with
 * the Standard Webhooks reference library and with the SDK's verifier; streams are read with the SDK.
 */
@HelidonTest
@AddConfig(key = "ains.local", value = "true")
@AddConfig(key = "ains.db.embedded.durable", value = "false")
@AddConfig(key = "ains.tasks.candidate-cache-ms", value = "0")
@AddConfig(key = "ains.tasks.api-key-cache-seconds", value = "0")
@AddConfig(key = "ains.tasks.dispatch-interval-ms", value = "600000")
@AddConfig(key = "ains.tasks.liveness-check-ms", value = "600000")
@AddConfig(key = "ains.tasks.lease-check-ms", value = "200")
@AddConfig(key = "ains.outbox.poll-ms", value = "50")
@AddConfig(key = "ains.tasks.retry.base-ms", value = "60000")
@AddConfig(key = "ains.webhooks.allow-loopback", value = "true")
@AddConfig(key = "ains.webhooks.retry-schedule", value = "0s,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms")
@AddConfig(key = "ains.webhooks.timeout-ms", value = "6000")
@AddConfig(key = "ains.events.heartbeat-seconds", value = "1")
class WebhookApiIT {
    private static final WireMockServer NEIGHBOURS = Neighbours.start();
    private static final WireMockServer RECEIVER = new WireMockServer(options().dynamicPort());
    private static final Auth AGENT1 = Auth.apiKey("ak_one");

    static {
        RECEIVER.start();
    }

    @Inject
    WebTarget target;
    /** Signs as the registry; started before the container so that the service reads where its keys are. */
    static final TestAuthority jwt = TestAuthority.start();

    private Api api;
    private String clientId;
    private Auth client;
    private UUID a1;
    private final List<AutoCloseable> streams = new ArrayList<>();

    @BeforeEach
    void setUp() {
        api = new Api(target);
        a1 = UUID.randomUUID();
        clientId = "client-" + UUID.randomUUID();
        client = Auth.bearer(jwt.issue(clientId, List.of(Roles.CLIENT), 600));
        Neighbours.stub(NEIGHBOURS, a1, UUID.randomUUID());
        RECEIVER.resetAll();
        RECEIVER.stubFor(post(urlEqualTo("/hook")).willReturn(ok("thanks")));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable s : streams) {
            s.close();
        }
        streams.clear();
        Neighbours.cancelLeftovers(api, client);
        for (JsonNode w : json(api.get("/aitp/webhooks", client), 200).get("items")) {
            api.delete("/aitp/webhooks/" + w.get("webhook_id").asText(), client).close();
        }
    }

    @AfterAll
    static void stopWireMock() {
        NEIGHBOURS.stop();
        RECEIVER.stop();
    }

    @Test
    void registrationIsValidatedTheSecretIsShownOnceAndOnlyTheOwnerSeesIt() throws Exception {
        JsonNode p = json(api.post("/aitp/webhooks", client,
                "{\"url\":\"http://169.254.169.254/latest/meta-data\",\"events\":[\"task.nope\"],\"secret\":\"abc\"}"), 422);
        assertThat(fields(p)).containsExactlyInAnyOrder("url", "events[0]", "secret");
        assertThat(p.toString()).contains("link-local").contains("whsec_");
        assertThat(fields(json(api.post("/aitp/webhooks", client,
                "{\"url\":\"http://10.0.0.7/in\",\"events\":[\"*\"]}"), 422))).containsExactly("url");
        assertThat(fields(json(api.post("/aitp/webhooks", client, "{\"url\":\"ftp://x\",\"events\":[]}"), 422)))
                .containsExactlyInAnyOrder("url", "events");
        assertThat(json(api.get("/aitp/webhooks", client), 200).get("items")).isEmpty();

        JsonNode created = json(api.post("/aitp/webhooks", client, hook("/hook", "task.completed")), 201);
        String id = created.get("webhook_id").asText();
        assertThat(created.get("secret").asText()).startsWith("whsec_");
        assertThat(created.get("owner_type").asText()).isEqualTo("client");
        JsonNode fetched = json(api.get("/aitp/webhooks/" + id, client), 200);
        assertThat(fetched.has("secret")).isFalse();
        assertThat(fetched.get("enabled").asBoolean()).isTrue();
        Auth other = Auth.bearer(jwt.issue("someone-else", List.of(Roles.CLIENT), 600));
        json(api.get("/aitp/webhooks/" + id, other), 404);
        json(api.put("/aitp/webhooks/" + id, other, "{\"enabled\":false}"), 404);

        JsonNode updated = json(api.put("/aitp/webhooks/" + id, client, "{\"description\":\"ops\"}"), 200);
        assertThat(updated.get("events").toString()).contains("task.completed");
        assertThat(updated.get("description").asText()).isEqualTo("ops");
        assertThat(updated.has("secret")).isFalse();
        assertThat(fields(json(api.put("/aitp/webhooks/" + id, client, "{\"events\":[\"nope\"]}"), 422)))
                .containsExactly("events[0]");
        JsonNode rotated = json(api.put("/aitp/webhooks/" + id, client, "{\"rotate_secret\":true}"), 200);
        assertThat(rotated.get("secret").asText()).startsWith("whsec_").isNotEqualTo(created.get("secret").asText());
        assertThat(rotated.has("previous_secret_expires_at")).isTrue();
        // during the grace period both secrets sign: receivers with either one accept
        json(api.post("/aitp/webhooks/" + id + "/test", client, ""), 200);
        LoggedRequest signed = RECEIVER.findAll(postRequestedFor(urlEqualTo("/hook"))).get(0);
        assertThat(signed.getHeader("webhook-signature").split(" ")).hasSize(2);
        for (String secret : List.of(created.get("secret").asText(), rotated.get("secret").asText())) {
            new Webhook(secret).verify(signed.getBodyAsString(), Map.of("webhook-id",
                    List.of(signed.getHeader("webhook-id")), "webhook-timestamp",
                    List.of(signed.getHeader("webhook-timestamp")), "webhook-signature",
                    List.of(signed.getHeader("webhook-signature"))));
        }

        api.delete("/aitp/webhooks/" + id, client).close();
        json(api.get("/aitp/webhooks/" + id, client), 404);
    }

    @Test
    void everyEventKindArrivesSignedVerifiablyWithTheTaskDataTheSubscriberMaySee() throws Exception {
        JsonNode hook = json(api.post("/aitp/webhooks", client, hook("/hook", "*")), 201);
        String secret = hook.get("secret").asText();
        // an agent's own webhook hears about its assignments, not about other clients' submissions
        RECEIVER.stubFor(post(urlEqualTo("/agent-hook")).willReturn(ok()));
        json(api.post("/aitp/webhooks", AGENT1, hook("/agent-hook", "task.assigned", "task.created")), 201);

        // created → assigned → started → completed, with the result
        String done = submit("{}");
        json(api.post("/aitp/agents/" + a1 + "/claim?wait_seconds=1", AGENT1, ""), 200);
        json(api.post("/aitp/tasks/" + done + "/start", AGENT1, ""), 200);
        json(api.post("/aitp/tasks/" + done + "/complete", AGENT1, "{\"result\":{\"answer\":42}}"), 200);
        // failed → retrying, then cancelled
        String retried = submit("{\"max_retries\":1}");
        json(api.post("/aitp/agents/" + a1 + "/claim?wait_seconds=1", AGENT1, ""), 200);
        json(api.post("/aitp/tasks/" + retried + "/fail", AGENT1, "{\"error\":\"flaky\"}"), 200);
        json(api.delete("/aitp/tasks/" + retried, client), 200);
        // failed → dead-lettered
        String dead = submit("{\"max_retries\":0}");
        json(api.post("/aitp/agents/" + a1 + "/claim?wait_seconds=1", AGENT1, ""), 200);
        json(api.post("/aitp/tasks/" + dead + "/fail", AGENT1, "{\"error\":\"broken\"}"), 200);
        // timed out (one second to run, never finished)
        String slow = submit("{\"timeout_seconds\":1,\"max_retries\":0}");
        json(api.post("/aitp/agents/" + a1 + "/claim?wait_seconds=1", AGENT1, ""), 200);
        // a batch whose tasks all end
        String batch = json(api.post("/aitp/tasks/batch", client, "{\"tasks\":[{\"task\":" + taskJson("{}") + "}]}"),
                201).get("batch_id").asText();
        json(api.delete("/aitp/tasks/batch/" + batch, client), 200);
        // the registry reports the agent offline
        Auth registry = Auth.bearer(jwt.issue("agent-registry", List.of(Roles.SERVICE), 600));
        String offline = "{\"events\":[{\"event_id\":\"" + UUID.randomUUID() + "\",\"event_type\":\"agent.offline\","
                + "\"agent_id\":\"" + a1 + "\",\"owner_client_id\":\"" + clientId + "\",\"occurred_at\":\""
                + Instant.now() + "\",\"reason\":\"missed heartbeats\"}]}";
        json(api.post("/internal/agent-events", registry, offline), 204);
        json(api.post("/internal/agent-events", registry, offline), 204); // again: still one delivery
        assertThat(fields(json(api.post("/internal/agent-events", registry,
                "{\"events\":[{\"event_type\":\"agent.offline\"}]}"), 422))).contains("events[0].event_id");
        assertThat(fields(json(api.post("/internal/agent-events", registry,
                offline.replace("agent.offline", "agent.exploded")), 422))).containsExactly("events[0].event_type");
        json(api.post("/internal/agent-events", client, offline), 403);

        List<String> all = List.of("task.created", "task.assigned", "task.started", "task.completed", "task.failed",
                "task.retrying", "task.cancelled", "task.dead_lettered", "task.timed_out", "batch.completed",
                "agent.offline");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(received("/hook").stream().map(b -> b.get("type").asText()).distinct())
                        .containsAll(all));

        List<LoggedRequest> requests = RECEIVER.findAll(postRequestedFor(urlEqualTo("/hook")));
        WebhookVerifier sdk = new WebhookVerifier(List.of(secret));
        for (LoggedRequest r : requests) {
            String body = r.getBodyAsString();
            Map<String, List<String>> headers = Map.of("webhook-id", List.of(r.getHeader("webhook-id")),
                    "webhook-timestamp", List.of(r.getHeader("webhook-timestamp")),
                    "webhook-signature", List.of(r.getHeader("webhook-signature")));
            new Webhook(secret).verify(body, headers); // the reference library
            sdk.verify(headers, body);
            assertThat(Json.tree(body).get("event_id").asText()).isEqualTo(r.getHeader("webhook-id"));
        }
        JsonNode completed = byType("/hook", "task.completed").get(0);
        assertThat(completed.at("/data/task_id").asText()).isEqualTo(done);
        assertThat(completed.at("/data/status").asText()).isEqualTo("COMPLETED");
        assertThat(completed.at("/data/result/answer").asInt()).isEqualTo(42);
        assertThat(byType("/hook", "task.failed").stream().map(e -> e.at("/data/error").asText())).contains("flaky");
        assertThat(byType("/hook", "task.retrying").get(0).at("/data/next_attempt_at").asText()).isNotEmpty();
        assertThat(byType("/hook", "task.dead_lettered").get(0).at("/data/task_id").asText()).isEqualTo(dead);
        assertThat(byType("/hook", "task.timed_out").get(0).at("/data/task_id").asText()).isEqualTo(slow);
        assertThat(byType("/hook", "batch.completed").get(0).at("/data/counts/CANCELLED").asInt()).isEqualTo(1);
        assertThat(byType("/hook", "agent.offline")).hasSize(1);

        List<String> agentTypes = received("/agent-hook").stream().map(b -> b.get("type").asText()).toList();
        assertThat(agentTypes).contains("task.assigned").doesNotContain("task.created");
    }

    @Test
    void aReceiverThatIsDownIsRetriedAndGetsTheEventWithTheSameIdOnceItIsUp() {
        RECEIVER.stubFor(post(urlEqualTo("/flaky")).inScenario("down").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("still down"));
        RECEIVER.stubFor(post(urlEqualTo("/flaky")).inScenario("down").whenScenarioStateIs("still down")
                .willReturn(aResponse().withStatus(500).withBody("oops")).willSetStateTo("up"));
        RECEIVER.stubFor(post(urlEqualTo("/flaky")).inScenario("down").whenScenarioStateIs("up")
                .willReturn(ok("got it")));
        String hook = json(api.post("/aitp/webhooks", client, hook("/flaky", "task.created")), 201)
                .get("webhook_id").asText();
        submit("{}");

        JsonNode delivery = await().atMost(Duration.ofSeconds(10)).until(
                () -> json(api.get("/aitp/webhooks/" + hook + "/deliveries", client), 200).at("/items/0"),
                d -> "SUCCEEDED".equals(d.path("status").asText()));
        assertThat(delivery.get("attempt_count").asInt()).isEqualTo(3);
        assertThat(delivery.get("attempts").findValuesAsText("response_status")).containsExactly("503", "500", "200");
        assertThat(delivery.at("/attempts/1/response_excerpt").asText()).isEqualTo("oops");
        List<LoggedRequest> got = RECEIVER.findAll(postRequestedFor(urlEqualTo("/flaky")));
        assertThat(got).hasSize(3);
        assertThat(got.stream().map(r -> r.getHeader("webhook-id")).distinct()).hasSize(1)
                .containsExactly(delivery.get("event_id").asText());
        assertThat(json(api.get("/aitp/webhooks/" + hook, client), 200).get("consecutive_failures").asInt())
                .isZero();
    }

    @Test
    void aRetryAfterAnswerPostponesTheNextAttemptBeyondTheSchedule() {
        RECEIVER.stubFor(post(urlEqualTo("/busy")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));
        String hook = json(api.post("/aitp/webhooks", client, hook("/busy", "task.created")), 201)
                .get("webhook_id").asText();
        submit("{}");
        JsonNode d = await().atMost(Duration.ofSeconds(10)).until(
                () -> json(api.get("/aitp/webhooks/" + hook + "/deliveries", client), 200).at("/items/0"),
                x -> x.path("attempts").size() == 1);
        assertThat(d.get("status").asText()).isEqualTo("PENDING");
        assertThat(d.at("/attempts/0/response_status").asInt()).isEqualTo(429);
        // the schedule says 200 ms; the receiver asked for 30 s
        assertThat(java.time.OffsetDateTime.parse(d.get("next_attempt_at").asText()))
                .isAfter(java.time.OffsetDateTime.parse(d.at("/attempts/0/attempted_at").asText()).plusSeconds(25));
    }

    @Test
    void goneDisablesAtOnceAndTenFailuresInARowDisableWithAnEvent() {
        RECEIVER.stubFor(post(urlEqualTo("/gone")).willReturn(aResponse().withStatus(410)));
        RECEIVER.stubFor(post(urlEqualTo("/broken")).willReturn(aResponse().withStatus(500)));
        String gone = json(api.post("/aitp/webhooks", client, hook("/gone", "task.created")), 201)
                .get("webhook_id").asText();
        String broken = json(api.post("/aitp/webhooks", client, hook("/broken", "task.created")), 201)
                .get("webhook_id").asText();
        json(api.post("/aitp/webhooks", client, hook("/hook", "webhook.disabled")), 201);
        submit("{}");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode w = json(api.get("/aitp/webhooks/" + gone, client), 200);
            assertThat(w.get("enabled").asBoolean()).isFalse();
            assertThat(w.get("disabled_reason").asText()).contains("410");
        });
        assertThat(json(api.get("/aitp/webhooks/" + gone + "/deliveries?status=FAILED", client), 200).get("items"))
                .hasSize(1);
        assertThat(RECEIVER.findAll(postRequestedFor(urlEqualTo("/gone")))).hasSize(1);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode w = json(api.get("/aitp/webhooks/" + broken, client), 200);
            assertThat(w.get("enabled").asBoolean()).isFalse();
            assertThat(w.get("disabled_reason").asText()).contains("10 consecutive failed attempts");
        });
        assertThat(RECEIVER.findAll(postRequestedFor(urlEqualTo("/broken")))).hasSize(10);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(byType("/hook", "webhook.disabled")
                .stream().map(e -> e.at("/data/webhook_id").asText())).contains(gone, broken));

        // switched back on: the failure count starts again and the waiting delivery goes out
        RECEIVER.stubFor(post(urlEqualTo("/broken")).willReturn(ok()));
        JsonNode on = json(api.put("/aitp/webhooks/" + broken, client, "{\"enabled\":true}"), 200);
        assertThat(on.get("enabled").asBoolean()).isTrue();
        assertThat(on.get("consecutive_failures").asInt()).isZero();
        assertThat(on.has("disabled_reason")).isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                json(api.get("/aitp/webhooks/" + broken + "/deliveries", client), 200).at("/items/0/status").asText())
                .isEqualTo("SUCCEEDED"));
    }

    @Test
    void aSlowReceiverDoesNotHoldUpAnotherOne() {
        RECEIVER.stubFor(post(urlEqualTo("/slow")).willReturn(ok().withFixedDelay(4000)));
        String slow = json(api.post("/aitp/webhooks", client, hook("/slow", "task.created")), 201)
                .get("webhook_id").asText();
        String fast = json(api.post("/aitp/webhooks", client, hook("/hook", "task.created")), 201)
                .get("webhook_id").asText();
        submit("{}");
        submit("{}");
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(
                json(api.get("/aitp/webhooks/" + fast + "/deliveries?status=SUCCEEDED", client), 200).get("items"))
                .hasSize(2));
        // the slow receiver's attempts are still under way: nothing of theirs is logged yet
        JsonNode pending = json(api.get("/aitp/webhooks/" + slow + "/deliveries", client), 200).get("items");
        assertThat(pending).hasSize(2).allMatch(d -> d.get("attempts").isEmpty());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                json(api.get("/aitp/webhooks/" + slow + "/deliveries?status=SUCCEEDED", client), 200).get("items"))
                .hasSize(2));
    }

    @Test
    void aDeliveryCanBeSentAgainAndATestEventReportsItsOutcome() {
        String hook = json(api.post("/aitp/webhooks", client, hook("/hook", "task.created")), 201)
                .get("webhook_id").asText();
        submit("{}");
        JsonNode first = await().atMost(Duration.ofSeconds(10)).until(
                () -> json(api.get("/aitp/webhooks/" + hook + "/deliveries", client), 200).at("/items/0"),
                d -> "SUCCEEDED".equals(d.path("status").asText()));
        String deliveryId = first.get("delivery_id").asText();
        JsonNode again = json(api.post("/aitp/webhooks/" + hook + "/deliveries/" + deliveryId + "/redeliver", client,
                ""), 202);
        assertThat(again.get("status").asText()).isEqualTo("PENDING");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode d = json(api.get("/aitp/webhooks/" + hook + "/deliveries/" + deliveryId, client), 200);
            assertThat(d.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(d.get("attempts")).hasSize(2);
        });
        assertThat(RECEIVER.findAll(postRequestedFor(urlEqualTo("/hook"))).stream()
                .map(r -> r.getHeader("webhook-id")).distinct()).hasSize(1);
        json(api.post("/aitp/webhooks/" + hook + "/deliveries/" + UUID.randomUUID() + "/redeliver", client, ""), 404);

        JsonNode test = json(api.post("/aitp/webhooks/" + hook + "/test", client, ""), 200);
        assertThat(test.get("event_type").asText()).isEqualTo("webhook.test");
        assertThat(test.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(test.at("/attempts/0/response_status").asInt()).isEqualTo(200);
        assertThat(test.at("/attempts/0/response_excerpt").asText()).isEqualTo("thanks");
        assertThat(byType("/hook", "webhook.test")).hasSize(1);

        RECEIVER.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(400).withBody("bad signature?")));
        JsonNode failed = json(api.post("/aitp/webhooks/" + hook + "/test", client, ""), 200);
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.at("/attempts/0/error").asText()).contains("400");
        assertThat(json(api.get("/aitp/webhooks/" + hook, client), 200).get("enabled").asBoolean()).isTrue();
    }

    @Test
    void anAgentStreamCarriesAssignmentsAndCancellationsAndResumesAfterAReconnect() throws Exception {
        Ains agent = Ains.builder().tasksUrl(target.getUri().toString().replaceAll("/$", "")).apiKey("ak_one").build();
        BlockingQueue<EventStream.Event> events = new LinkedBlockingQueue<>();
        EventStream stream = agent.streamAgentEvents(a1, null, events::add, null);
        streams.add(stream);
        await().atMost(Duration.ofSeconds(5)).until(stream::connected);

        String first = submit("{}");
        EventStream.Event assigned = next(events);
        assertThat(assigned.type()).isEqualTo("task.assigned");
        assertThat(Json.tree(assigned.data()).at("/data/task_id").asText()).isEqualTo(first);
        json(api.delete("/aitp/tasks/" + first, client), 200);
        EventStream.Event cancelled = next(events);
        assertThat(cancelled.type()).isEqualTo("task.cancelled");
        assertThat(Json.tree(cancelled.data()).at("/data/task_id").asText()).isEqualTo(first);

        // disconnected while a task is assigned and cancelled: a new stream from the last id replays both
        stream.close();
        String second = submit("{}");
        json(api.delete("/aitp/tasks/" + second, client), 200);
        BlockingQueue<EventStream.Event> resumed = new LinkedBlockingQueue<>();
        streams.add(agent.streamAgentEvents(a1, cancelled.id(), resumed::add, null));
        EventStream.Event r1 = next(resumed);
        EventStream.Event r2 = next(resumed);
        assertThat(List.of(r1.type(), r2.type())).containsExactly("task.assigned", "task.cancelled");
        assertThat(Json.tree(r1.data()).at("/data/task_id").asText()).isEqualTo(second);
        assertThat(Long.parseLong(r1.id())).isGreaterThan(Long.parseLong(cancelled.id()));

        // economic-service invites the agent to an auction: the stream carries it too
        UUID auction = UUID.randomUUID();
        json(api.post("/internal/agent-events", Auth.bearer(jwt.issue("economic-service", List.of(Roles.SERVICE), 60)),
                "{\"events\":[{\"event_id\":\"" + UUID.randomUUID() + "\",\"event_type\":\"auction.invited\","
                        + "\"agent_id\":\"" + a1 + "\",\"task_id\":\"" + auction + "\",\"budget\":500,"
                        + "\"currency\":\"USD\",\"occurred_at\":\"" + Instant.now() + "\"}]}"), 204);
        EventStream.Event invited = next(resumed);
        assertThat(invited.type()).isEqualTo("auction.invited");
        assertThat(Json.tree(invited.data()).at("/data/auction_id").asText()).isEqualTo(auction.toString());
        assertThat(Json.tree(invited.data()).at("/data/budget").asLong()).isEqualTo(500);
    }

    @Test
    void aPushingAgentStreamDeliversTheTaskItselfWithNoClaim() throws Exception {
        Ains agent = Ains.builder().tasksUrl(target.getUri().toString().replaceAll("/$", "")).apiKey("ak_one").build();
        BlockingQueue<EventStream.Event> events = new LinkedBlockingQueue<>();
        EventStream stream = agent.streamAgentEvents(a1, true, null, events::add, null);
        streams.add(stream);
        await().atMost(Duration.ofSeconds(5)).until(stream::connected);

        String id = submit("{}");
        EventStream.Event pushed = next(events);
        assertThat(pushed.type()).isEqualTo("task.claimed");
        ClaimedTask claimed = Ains.claimedTask(pushed);
        assertThat(claimed.getTask().getTaskId()).hasToString(id);
        assertThat(claimed.getTask().getStatus()).as("pushed is claimed and started").isEqualTo(TaskStatus.RUNNING);
        assertThat(claimed.getTask().getInputData()).containsEntry("n", 1);
        assertThat(claimed.getAttemptNo()).isEqualTo(1);
        assertThat(json(api.post("/aitp/agents/" + a1 + "/claims", AGENT1, ""), 200).get("items"))
                .as("nothing left to claim: never twice").isEmpty();

        var answer = agent.agentWork().reportResults(a1, new ResultBatch().items(List.of(new AttemptResult()
                .taskId(UUID.fromString(id)).attemptNo(1).outcome(AttemptResult.OutcomeEnum.COMPLETED))));
        assertThat(answer.getItems().get(0).getTaskStatus()).isEqualTo(TaskStatus.COMPLETED);

        // cancellations still come down the pushing stream; assignments do not (they come as task.claimed)
        String other = submit("{}");
        assertThat(next(events).type()).isEqualTo("task.claimed");
        json(api.delete("/aitp/tasks/" + other, client), 200);
        EventStream.Event cancelled = next(events);
        assertThat(cancelled.type()).isEqualTo("task.cancelled");
        assertThat(Json.tree(cancelled.data()).at("/data/task_id").asText()).isEqualTo(other);

        // a task routed while the stream was going away is neither lost nor doubled: whether the server
        // pushed it into the dying connection or handed it back, the next stream delivers it, on attempt 1
        stream.close();
        String later = submit("{}");
        BlockingQueue<EventStream.Event> again = new LinkedBlockingQueue<>();
        streams.add(agent.streamAgentEvents(a1, true, null, again::add, null));
        EventStream.Event redelivered = next(again);
        assertThat(redelivered.type()).isEqualTo("task.claimed");
        assertThat(Ains.claimedTask(redelivered).getTask().getTaskId()).hasToString(later);
        assertThat(Ains.claimedTask(redelivered).getAttemptNo()).isEqualTo(1);
        assertThat(json(api.get("/aitp/tasks/" + later + "/attempts", client), 200).get("items")).hasSize(1);
    }

    @Test
    void aClientStreamFollowsItsOwnTaskAndRefusesWhatItMayNotSee() throws Exception {
        String base = target.getUri().toString().replaceAll("/$", "");
        String token = jwt.issue(clientId, List.of(Roles.CLIENT), 600);
        String mine = submit("{}");
        BlockingQueue<EventStream.Event> events = new LinkedBlockingQueue<>();
        EventStream stream = Ains.builder().tasksUrl(base).token(token).build()
                .streamEvents(UUID.fromString(mine), null, null, null, events::add, null);
        streams.add(stream);
        await().atMost(Duration.ofSeconds(5)).until(stream::connected);
        submit("{}"); // another task of the same client: filtered out
        json(api.delete("/aitp/tasks/" + mine, client), 200);
        EventStream.Event e = next(events);
        while (e.type().equals("task.created") || e.type().equals("task.assigned")) {
            // the relay journals events a moment after their commit: a stream opened right after the
            // submission may still see the task's creation and routing
            assertThat(Json.tree(e.data()).at("/data/task_id").asText()).isEqualTo(mine);
            e = next(events);
        }
        assertThat(e.type()).isEqualTo("task.cancelled");
        assertThat(Json.tree(e.data()).at("/data/task_id").asText()).isEqualTo(mine);

        // from the start of the journal: this client's events only, each once, in order
        BlockingQueue<EventStream.Event> replay = new LinkedBlockingQueue<>();
        streams.add(Ains.builder().tasksUrl(base).token(token).build()
                .streamEvents(null, null, "task.created", "0", replay::add, null));
        assertThat(Json.tree(next(replay).data()).at("/data/created_by").asText()).isEqualTo(clientId);
        assertThat(Json.tree(next(replay).data()).at("/data/created_by").asText()).isEqualTo(clientId);

        assertThat(streamError("/aitp/events?task_id=" + UUID.randomUUID(), client).status()).isEqualTo(404);
        Auth other = Auth.bearer(jwt.issue("someone-else", List.of(Roles.CLIENT), 600));
        assertThat(streamError("/aitp/events?task_id=" + mine, other).status()).isEqualTo(404);
        StreamError badType = streamError("/aitp/events?types=task.exploded", client);
        assertThat(badType.status()).isEqualTo(422);
        assertThat(fields(badType.problem())).containsExactly("types");
        assertThat(fields(streamError("/aitp/events?batch_id=nope", client).problem())).containsExactly("batch_id");
        assertThat(streamError("/aitp/agents/" + UUID.randomUUID() + "/events", AGENT1).status()).isEqualTo(403);
        assertThat(streamError("/aitp/events", null).status()).isEqualTo(401);
    }

    private record StreamError(int status, JsonNode problem) {
    }

    /** A stream request that must be refused, asked for as a stream (Accept: text/event-stream). */
    private StreamError streamError(String path, Auth auth) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(target.getUri().resolve(path))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10));
        if (auth != null) {
            b.header(auth.header(), auth.value());
        }
        var r = java.net.http.HttpClient.newHttpClient().send(b.build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("content-type").orElse("")).as(r.body())
                .startsWith("application/problem+json");
        return new StreamError(r.statusCode(), Json.tree(r.body()));
    }

    private static EventStream.Event next(BlockingQueue<EventStream.Event> q) throws InterruptedException {
        EventStream.Event e = q.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("an event within 10 s").isNotNull();
        return e;
    }

    private String submit(String extra) {
        return json(api.post("/aitp/tasks", client, taskJson(extra)), 201).get("task_id").asText();
    }

    private static String taskJson(String extra) {
        String fields = extra.substring(1, extra.length() - 1);
        return "{\"task_type\":\"hooked\",\"capability_required\":\"cap\",\"input_data\":{\"n\":1}"
                + (fields.isBlank() ? "" : "," + fields) + "}";
    }

    private static String hook(String path, String... events) {
        return "{\"url\":\"" + RECEIVER.baseUrl() + path + "\",\"events\":[\"" + String.join("\",\"", events) + "\"]}";
    }

    private static List<JsonNode> received(String path) {
        return RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).stream()
                .map(r -> Json.tree(r.getBodyAsString())).toList();
    }

    private static List<JsonNode> byType(String path, String type) {
        return received(path).stream().filter(b -> type.equals(b.get("type").asText())).toList();
    }
}
