package dev.ains.analytics.rest;

import static dev.ains.kit.testing.Api.fields;
import static dev.ains.kit.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

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
import jakarta.ws.rs.client.WebTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** analytics-service over HTTP against a real PostgreSQL: idempotent intake and the summary. */
@HelidonTest
@AddConfig(key = "ains.db.embedded.durable", value = "false")
class AnalyticsApiIT {
    @Inject
    WebTarget target;
    @Inject
    JwtService jwt;

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

    @Test
    void badRequestsAreProblems() {
        assertThat(fields(json(api.get("/ains/analytics/summary?from=2026-02-01&to=2026-01-01", client), 422)))
                .containsExactly("from");
        json(api.get("/ains/analytics/summary?from=yesterday", client), 400);
        json(api.post("/ains/analytics/internal/events", client, batch()), 403);
        json(api.post("/ains/analytics/internal/events", null, batch()), 401);
        assertThat(fields(json(api.post("/ains/analytics/internal/events", service,
                "{\"events\":[{\"event_id\":\"" + UUID.randomUUID() + "\",\"event_type\":\"task.created\","
                        + "\"task_id\":\"" + UUID.randomUUID() + "\",\"occurred_at\":\"" + OffsetDateTime.now()
                        + "\"}]}"), 422))).containsExactly("events[0].status");
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
