package dev.ains.registry.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.JwtService;
import dev.ains.kit.security.Roles;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.MediaType;
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

    private String token;

    @BeforeEach
    void signUp() {
        JsonNode c = json(post("/ains/clients", null, "{\"name\":\"tester\"}"), 201);
        assertThat(c.get("client_secret").asText()).startsWith("cs_");
        JsonNode t = json(post("/ains/auth/token", null, "{\"client_id\":\"" + c.get("client_id").asText()
                + "\",\"client_secret\":\"" + c.get("client_secret").asText() + "\"}"), 200);
        token = t.get("access_token").asText();
    }

    @Test
    void observabilityAndContractAreServed() {
        Response health = target.path("/health/ready").request().get();
        assertThat(health.getStatus()).isEqualTo(200);
        assertThat(health.readEntity(String.class)).contains("\"database\"", "UP");
        post("/ains/clients", null, "{}").close();
        String metrics = target.path("/metrics").request().get(String.class);
        assertThat(metrics).contains("http_server_request_duration_seconds_bucket", "route=\"/ains/clients\"",
                "status=\"422\"", "ains_agents{");
        assertThat(target.path("/openapi").request().get(String.class)).contains("AINS agent registry",
                "/ains/agents/{agent_id}/heartbeat");
        assertThat(target.path("/openapi/ui/").request().get().getStatus()).isEqualTo(200);
    }

    @Test
    void credentialsAreRequiredAndChecked() {
        Response none = post("/ains/agents", null, agentJson("x", "echo"));
        assertThat(none.getStatus()).isEqualTo(401);
        assertThat(none.getMediaType().toString()).isEqualTo("application/problem+json");
        assertThat(post("/ains/agents", "not-a-jwt", agentJson("x", "echo")).getStatus()).isEqualTo(401);
        assertThat(json(post("/ains/auth/token", null, "{\"client_id\":\"nobody\",\"client_secret\":\"x\"}"), 401)
                .get("title").asText()).isEqualTo("Authentication required");
        assertThat(post("/ains/clients", null, "{\"name\":\"x\",\"roles\":[\"admin\"]}").getStatus()).isEqualTo(403);
    }

    @Test
    void badInputIsAProblemNamingTheFieldAndWritesNothing() {
        long before = count();
        JsonNode p = json(post("/ains/agents", token, "{\"name\":\"\",\"capabilities\":[],\"max_concurrency\":0}"), 422);
        assertThat(fields(p)).contains("name", "capabilities", "max_concurrency");
        JsonNode missing = json(post("/ains/agents", token, "{\"max_concurrency\":2}"), 422);
        assertThat(fields(missing)).containsAnyOf("name", "capabilities");
        JsonNode types = json(post("/ains/agents", token, "{\"name\":\"a\",\"max_concurrency\":\"many\"}"), 400);
        assertThat(fields(types)).containsExactly("max_concurrency");
        json(post("/ains/agents", token, "{\"name\":"), 400);
        JsonNode dup = json(post("/ains/agents", token,
                "{\"name\":\"a\",\"capabilities\":[{\"name\":\"x\"},{\"name\":\"x\"}]}"), 422);
        assertThat(fields(dup)).containsExactly("capabilities[1].name");
        json(get("/ains/agents/" + UUID.randomUUID(), token), 404);
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void registerListPageAndUpdate() throws Exception {
        String cap = "cap-" + UUID.randomUUID();
        JsonNode a = json(post("/ains/agents", token, agentJson("first", cap)), 201);
        json(post("/ains/agents", token, agentJson("second", cap)), 201);
        assertThat(a.get("api_key").asText()).startsWith("ak_");
        assertThat(a.at("/agent/trust_score").asDouble()).isEqualTo(0.5);
        assertThat(a.at("/agent/status").asText()).isEqualTo("ONLINE");

        JsonNode page1 = json(get("/ains/agents?limit=1&capability=" + cap, token), 200);
        assertThat(page1.get("items")).hasSize(1);
        JsonNode page2 = json(get("/ains/agents?limit=1&capability=" + cap + "&cursor="
                + page1.get("next_cursor").asText(), token), 200);
        assertThat(page2.get("items")).hasSize(1);
        assertThat(page2.at("/items/0/name").asText()).isEqualTo("first");
        assertThat(page2.has("next_cursor")).isFalse();
        json(get("/ains/agents?status=SLEEPY", token), 400);
        json(get("/ains/agents?cursor=garbage", token), 400);

        String id = a.at("/agent/agent_id").asText();
        JsonNode updated = patch("/ains/agents/" + id, token,
                "{\"max_concurrency\":7,\"capabilities\":[{\"name\":\"other\"}]}");
        assertThat(updated.get("max_concurrency").asInt()).isEqualTo(7);
        assertThat(updated.at("/capabilities/0/name").asText()).isEqualTo("other");
    }

    @Test
    void heartbeatsKeepAnAgentOnlineAndMissedOnesTakeItOffline() {
        JsonNode a = json(post("/ains/agents", token, "{\"name\":\"hb\",\"heartbeat_interval_seconds\":1,"
                + "\"capabilities\":[{\"name\":\"hb\"}]}"), 201);
        String id = a.at("/agent/agent_id").asText();
        String key = a.get("api_key").asText();
        JsonNode other = json(post("/ains/agents", token, agentJson("other", "hb")), 201);

        assertThat(heartbeat(id, other.get("api_key").asText()).getStatus()).isEqualTo(403);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(json(get("/ains/agents/" + id, token), 200).get("status").asText()).isEqualTo("OFFLINE"));
        JsonNode ack = json(heartbeat(id, key), 200);
        assertThat(ack.get("status").asText()).isEqualTo("ONLINE");
        assertThat(target.path("/metrics").request().get(String.class)).contains("ains_agent_status_changes_total");

        json(call("/ains/agents/" + id, token).delete(), 200);
        assertThat(heartbeat(id, key).getStatus()).as("a deactivated agent's key is dead").isEqualTo(401);
    }

    @Test
    void outcomesMoveTrustOnceAndOnlyServicesMayReportThem() {
        String cap = "trust-" + UUID.randomUUID();
        String id = json(post("/ains/agents", token, agentJson("t", cap)), 201).at("/agent/agent_id").asText();
        String service = jwt.issue("task-service", List.of(Roles.SERVICE), 60);
        String event = UUID.randomUUID().toString();
        String batch = "{\"events\":[{\"event_id\":\"" + event + "\",\"task_id\":\"" + UUID.randomUUID()
                + "\",\"agent_id\":\"" + id + "\",\"outcome\":\"SUCCEEDED\",\"execution_ms\":100,"
                + "\"promised_ms\":1000,\"occurred_at\":\"" + OffsetDateTime.now() + "\"}]}";

        assertThat(post("/ains/internal/outcomes", token, batch).getStatus()).isEqualTo(403);
        assertThat(json(post("/ains/internal/outcomes", service, batch), 200).get("accepted").asInt()).isEqualTo(1);
        assertThat(json(post("/ains/internal/outcomes", service, batch), 200).get("duplicates").asInt()).isEqualTo(1);

        JsonNode trust = json(get("/ains/agents/" + id + "/trust", token), 200);
        assertThat(trust.get("score").asDouble()).isGreaterThan(0.5);
        assertThat(trust.get("outcomes").asInt()).isEqualTo(1);
        assertThat(trust.at("/breakdown/successes").asDouble()).isEqualTo(1.0);
        assertThat(json(get("/ains/agents/" + id + "/trust/history", token), 200).get("items")).hasSize(1);

        JsonNode none = json(post("/ains/internal/candidates", service,
                "{\"capability\":\"" + cap + "\",\"min_trust\":0.9}"), 200);
        assertThat(none.get("candidates")).isEmpty();
        JsonNode some = json(post("/ains/internal/candidates", service,
                "{\"capability\":\"" + cap + "\",\"min_trust\":0.5}"), 200);
        assertThat(some.at("/candidates/0/agent_id").asText()).isEqualTo(id);
    }

    /** PATCH through java.net.http: the JDK's HttpURLConnection under the test client has no PATCH. */
    private JsonNode patch(String path, String bearer, String body) throws Exception {
        var req = java.net.http.HttpRequest.newBuilder(target.getUri().resolve(path))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        var r = java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.tree(r.body());
    }

    private Response heartbeat(String id, String key) {
        return target.path("/ains/agents/" + id + "/heartbeat").request().header("X-API-Key", key)
                .post(Entity.json(""));
    }

    private long count() {
        return json(get("/ains/agents?limit=200", token), 200).get("items").size();
    }

    private static String agentJson(String name, String capability) {
        return "{\"name\":\"" + name + "\",\"capabilities\":[{\"name\":\"" + capability + "\",\"version\":\"1\"}]}";
    }

    private Invocation.Builder call(String path, String bearer) {
        String p = path;
        String query = null;
        int q = path.indexOf('?');
        if (q >= 0) {
            p = path.substring(0, q);
            query = path.substring(q + 1);
        }
        WebTarget t = target.path(p);
        if (query != null) {
            for (String kv : query.split("&")) {
                String[] parts = kv.split("=", 2);
                t = t.queryParam(parts[0], parts[1]);
            }
        }
        Invocation.Builder b = t.request(MediaType.APPLICATION_JSON_TYPE, MediaType.valueOf("application/problem+json"));
        return bearer == null ? b : b.header("Authorization", "Bearer " + bearer);
    }

    private Response post(String path, String bearer, String body) {
        return call(path, bearer).post(Entity.entity(body, MediaType.APPLICATION_JSON_TYPE));
    }

    private Response get(String path, String bearer) {
        return call(path, bearer).get();
    }

    private static JsonNode json(Response r, int expectedStatus) {
        String body = r.readEntity(String.class);
        assertThat(r.getStatus()).as(body).isEqualTo(expectedStatus);
        return Json.tree(body);
    }

    private static List<String> fields(JsonNode problem) {
        assertThat(problem.get("type").asText()).startsWith("https://");
        return problem.get("errors").findValuesAsText("field");
    }
}
