package dev.ains.tasks.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.ains.kit.testing.Api.json;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.ains.kit.testing.Api;
import dev.ains.kit.testing.Api.Auth;

/**
 * WireMock stubs standing in for agent-registry, analytics-service and economic-service in task-service's
 * own tests: API
 * keys {@code ak_one} and {@code ak_two} belong to the two given agents, both online; outcomes and
 * events are accepted; the first agent is the only candidate, with room for one task.
 */
final class Neighbours {
    private Neighbours() {
    }

    /**
     * A started WireMock that the registry and analytics REST clients point at. Call it before the CDI
     * container starts (a test class's static initialiser), so that the clients read the URLs.
     */
    static WireMockServer start() {
        WireMockServer neighbours = new WireMockServer(options().dynamicPort());
        neighbours.start();
        System.setProperty("agent-registry/mp-rest/url", neighbours.baseUrl());
        System.setProperty("analytics-service/mp-rest/url", neighbours.baseUrl());
        System.setProperty("economic-service/mp-rest/url", neighbours.baseUrl());
        return neighbours;
    }

    /** Leftover unfinished tasks would be routed to the next test's agent: cancels the client's. */
    static void cancelLeftovers(Api api, Auth client) {
        for (JsonNode t : json(api.get("/aitp/tasks?limit=200", client), 200).get("items")) {
            if (!List.of("COMPLETED", "DEAD_LETTERED", "CANCELLED").contains(t.get("status").asText())) {
                api.delete("/aitp/tasks/" + t.get("task_id").asText() + "?reason=test%20cleanup", client).close();
            }
        }
    }

    static void stub(WireMockServer neighbours, UUID agent1, UUID agent2) {
        neighbours.resetAll();
        neighbours.stubFor(post(urlEqualTo("/ains/internal/api-keys/verify")).atPriority(10)
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"type\":\"x\",\"title\":\"Not found\",\"status\":404}")));
        neighbours.stubFor(post(urlEqualTo("/ains/internal/api-keys/verify")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.api_key", equalTo("ak_one")))
                .willReturn(okJson("{\"agent_id\":\"" + agent1 + "\",\"status\":\"ONLINE\"}")));
        neighbours.stubFor(post(urlEqualTo("/ains/internal/api-keys/verify")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.api_key", equalTo("ak_two")))
                .willReturn(okJson("{\"agent_id\":\"" + agent2 + "\",\"status\":\"ONLINE\"}")));
        neighbours.stubFor(post(urlEqualTo("/ains/internal/agents/activity")).willReturn(okJson("{\"agents\":[]}")));
        neighbours.stubFor(post(urlEqualTo("/ains/internal/agents/status")).willReturn(okJson(
                "{\"agents\":[{\"agent_id\":\"" + agent1 + "\",\"status\":\"ONLINE\"},{\"agent_id\":\"" + agent2
                        + "\",\"status\":\"ONLINE\"}]}")));
        neighbours.stubFor(post(urlEqualTo("/ains/internal/outcomes"))
                .willReturn(okJson("{\"accepted\":1,\"duplicates\":0}")));
        neighbours.stubFor(post(urlEqualTo("/ains/analytics/internal/events"))
                .willReturn(okJson("{\"accepted\":1,\"duplicates\":0}")));
        neighbours.stubFor(post(urlEqualTo("/economy/internal/auctions")).willReturn(aResponse().withStatus(204)));
        neighbours.stubFor(post(urlEqualTo("/economy/internal/task-outcomes")).willReturn(aResponse().withStatus(204)));
        neighbours.stubFor(get(urlPathEqualTo("/ains/internal/revocations")).atPriority(10).willReturn(okJson(
                "{\"items\":[],\"as_of\":\"" + java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC) + "\"}")));
        candidates(neighbours, agent1, 1);
    }

    static void candidates(WireMockServer neighbours, UUID agent, int capacity) {
        neighbours.stubFor(post(urlEqualTo("/ains/internal/candidates")).atPriority(5)
                .willReturn(okJson(candidateJson(agent, capacity))));
    }

    static String candidateJson(UUID agent, int capacity) {
        return "{\"candidates\":[{\"agent_id\":\"" + agent + "\",\"trust_score\":0.7,\"max_concurrency\":"
                + capacity + "}]}";
    }
}
