package dev.ains.registry.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.ains.kit.testing.Api.fields;
import static dev.ains.kit.testing.Api.json;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.security.JwtService;
import dev.ains.kit.security.Roles;
import dev.ains.kit.testing.Api;
import dev.ains.kit.testing.Api.Auth;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** agent-registry on a random port against a real (embedded) PostgreSQL, over HTTP. */
@HelidonTest
@AddConfig(key = "ains.db.embedded.durable", value = "false")
@AddConfig(key = "ains.registry.heartbeat.missed-intervals", value = "1")
@AddConfig(key = "ains.registry.offline-check-ms", value = "200")
class RegistryApiIT {
    @Inject
    WebTarget target;
    @Inject
    JwtService jwt;

    private Api api;
    private Auth token;

    @BeforeEach
    void signUp() {
        api = new Api(target);
        JsonNode c = json(api.post("/ains/clients", null, "{\"name\":\"tester\"}"), 201);
        assertThat(c.get("client_secret").asText()).startsWith("cs_");
        JsonNode t = json(api.post("/ains/auth/token", null, "{\"client_id\":\"" + c.get("client_id").asText()
                + "\",\"client_secret\":\"" + c.get("client_secret").asText() + "\"}"), 200);
        token = Auth.bearer(t.get("access_token").asText());
    }

    @Test
    void observabilityAndContractAreServed() {
        Response health = target.path("/health/ready").request().get();
        assertThat(health.getStatus()).isEqualTo(200);
        assertThat(health.readEntity(String.class)).contains("\"database\"", "UP");
        api.post("/ains/clients", null, "{}").close();
        String metrics = api.text("/metrics");
        assertThat(metrics).contains("http_server_request_duration_seconds_bucket", "route=\"/ains/clients\"",
                "status=\"422\"", "ains_agents{");
        assertThat(api.text("/openapi")).contains("AINS agent registry",
                "/ains/agents/{agent_id}/heartbeat");
        assertThat(target.path("/openapi/ui/").request().get().getStatus()).isEqualTo(200);
    }

    @Test
    void credentialsAreRequiredAndChecked() {
        Response none = api.post("/ains/agents", null, agentJson("x", "echo"));
        assertThat(none.getStatus()).isEqualTo(401);
        assertThat(none.getMediaType().toString()).isEqualTo("application/problem+json");
        assertThat(api.post("/ains/agents", Auth.bearer("not-a-jwt"), agentJson("x", "echo")).getStatus()).isEqualTo(401);
        assertThat(json(api.post("/ains/auth/token", null, "{\"client_id\":\"nobody\",\"client_secret\":\"x\"}"), 401)
                .get("title").asText()).isEqualTo("Authentication required");
        assertThat(api.post("/ains/clients", null, "{\"name\":\"x\",\"roles\":[\"admin\"]}").getStatus()).isEqualTo(403);
    }

    @Test
    void badInputIsAProblemNamingTheFieldAndWritesNothing() {
        long before = count();
        JsonNode p = json(api.post("/ains/agents", token, "{\"name\":\"\",\"capabilities\":[],\"max_concurrency\":0}"), 422);
        assertThat(fields(p)).contains("name", "capabilities", "max_concurrency");
        JsonNode missing = json(api.post("/ains/agents", token, "{\"max_concurrency\":2}"), 422);
        assertThat(fields(missing)).containsAnyOf("name", "capabilities");
        JsonNode types = json(api.post("/ains/agents", token, "{\"name\":\"a\",\"max_concurrency\":\"many\"}"), 400);
        assertThat(fields(types)).containsExactly("max_concurrency");
        json(api.post("/ains/agents", token, "{\"name\":"), 400);
        JsonNode dup = json(api.post("/ains/agents", token,
                "{\"name\":\"a\",\"capabilities\":[{\"name\":\"x\"},{\"name\":\"x\"}]}"), 422);
        assertThat(fields(dup)).containsExactly("capabilities[1].name");
        json(api.get("/ains/agents/" + UUID.randomUUID(), token), 404);
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void registerListPageAndUpdate() throws Exception {
        String cap = "cap-" + UUID.randomUUID();
        JsonNode a = json(api.post("/ains/agents", token, agentJson("first", cap)), 201);
        json(api.post("/ains/agents", token, agentJson("second", cap)), 201);
        assertThat(a.get("api_key").asText()).startsWith("ak_");
        assertThat(a.at("/agent/trust_score").asDouble()).isEqualTo(0.5);
        assertThat(a.at("/agent/status").asText()).isEqualTo("ONLINE");

        JsonNode page1 = json(api.get("/ains/agents?limit=1&capability=" + cap, token), 200);
        assertThat(page1.get("items")).hasSize(1);
        JsonNode page2 = json(api.get("/ains/agents?limit=1&capability=" + cap + "&cursor="
                + page1.get("next_cursor").asText(), token), 200);
        assertThat(page2.get("items")).hasSize(1);
        assertThat(page2.at("/items/0/name").asText()).isEqualTo("first");
        assertThat(page2.has("next_cursor")).isFalse();
        json(api.get("/ains/agents?status=SLEEPY", token), 400);
        json(api.get("/ains/agents?cursor=garbage", token), 400);

        String id = a.at("/agent/agent_id").asText();
        JsonNode updated = api.patch("/ains/agents/" + id, token,
                "{\"max_concurrency\":7,\"capabilities\":[{\"name\":\"other\"}]}", 200);
        assertThat(updated.get("max_concurrency").asInt()).isEqualTo(7);
        assertThat(updated.at("/capabilities/0/name").asText()).isEqualTo("other");
    }

    @Test
    void heartbeatsKeepAnAgentOnlineAndMissedOnesTakeItOffline() {
        JsonNode a = json(api.post("/ains/agents", token, "{\"name\":\"hb\",\"heartbeat_interval_seconds\":1,"
                + "\"capabilities\":[{\"name\":\"hb\"}]}"), 201);
        String id = a.at("/agent/agent_id").asText();
        String key = a.get("api_key").asText();
        JsonNode other = json(api.post("/ains/agents", token, agentJson("other", "hb")), 201);

        assertThat(heartbeat(id, other.get("api_key").asText()).getStatus()).isEqualTo(403);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(json(api.get("/ains/agents/" + id, token), 200).get("status").asText()).isEqualTo("OFFLINE"));
        JsonNode ack = json(heartbeat(id, key), 200);
        assertThat(ack.get("status").asText()).isEqualTo("ONLINE");
        assertThat(api.text("/metrics")).contains("ains_agent_status_changes_total");

        json(api.delete("/ains/agents/" + id, token), 200);
        assertThat(heartbeat(id, key).getStatus()).as("a deactivated agent's key is dead").isEqualTo(401);
    }

    @Test
    void outcomesMoveTrustOnceAndOnlyServicesMayReportThem() {
        String cap = "trust-" + UUID.randomUUID();
        String id = json(api.post("/ains/agents", token, agentJson("t", cap)), 201).at("/agent/agent_id").asText();
        Auth service = Auth.bearer(jwt.issue("task-service", List.of(Roles.SERVICE), 60));
        String event = UUID.randomUUID().toString();
        String batch = "{\"events\":[{\"event_id\":\"" + event + "\",\"task_id\":\"" + UUID.randomUUID()
                + "\",\"agent_id\":\"" + id + "\",\"outcome\":\"SUCCEEDED\",\"execution_ms\":100,"
                + "\"promised_ms\":1000,\"occurred_at\":\"" + OffsetDateTime.now() + "\"}]}";

        assertThat(api.post("/ains/internal/outcomes", token, batch).getStatus()).isEqualTo(403);
        assertThat(json(api.post("/ains/internal/outcomes", service, batch), 200).get("accepted").asInt()).isEqualTo(1);
        assertThat(json(api.post("/ains/internal/outcomes", service, batch), 200).get("duplicates").asInt()).isEqualTo(1);

        JsonNode trust = json(api.get("/ains/agents/" + id + "/trust", token), 200);
        assertThat(trust.get("score").asDouble()).isGreaterThan(0.5);
        assertThat(trust.get("outcomes").asInt()).isEqualTo(1);
        assertThat(trust.at("/breakdown/successes").asDouble()).isEqualTo(1.0);
        assertThat(json(api.get("/ains/agents/" + id + "/trust/history", token), 200).get("items")).hasSize(1);

        JsonNode none = json(api.post("/ains/internal/candidates", service,
                "{\"capability\":\"" + cap + "\",\"min_trust\":0.9}"), 200);
        assertThat(none.get("candidates")).isEmpty();
        JsonNode some = json(api.post("/ains/internal/candidates", service,
                "{\"capability\":\"" + cap + "\",\"min_trust\":0.5}"), 200);
        assertThat(some.at("/candidates/0/agent_id").asText()).isEqualTo(id);
    }

    private Response heartbeat(String id, String key) {
        return target.path("/ains/agents/" + id + "/heartbeat").request().header("X-API-Key", key)
                .post(Entity.json(""));
    }

    private long count() {
        return json(api.get("/ains/agents?limit=200", token), 200).get("items").size();
    }

    private static String agentJson(String name, String capability) {
        return "{\"name\":\"" + name + "\",\"capabilities\":[{\"name\":\"" + capability + "\",\"version\":\"1\"}]}";
    }

}
