package dev.ains.tasks.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** A task request in its JSON form (the API's TaskRequest, snake_case) as a submission. */
public final class TaskRequests {
    private TaskRequests() {
    }

    public static TaskService.NewTask fromJson(JsonNode t) {
        JsonNode rp = t.get("retry_policy");
        List<UUID> deps = new ArrayList<>();
        if (t.has("depends_on")) {
            t.get("depends_on").forEach(d -> deps.add(UUID.fromString(d.asText())));
        }
        return new TaskService.NewTask(text(t, "task_type"), text(t, "capability_required"),
                t.hasNonNull("input_data") ? t.get("input_data") : null,
                t.hasNonNull("priority") ? t.get("priority").asInt() : null,
                t.hasNonNull("timeout_seconds") ? t.get("timeout_seconds").asInt() : null,
                t.hasNonNull("max_retries") ? t.get("max_retries").asInt() : null,
                t.hasNonNull("min_trust") ? t.get("min_trust").asDouble() : null,
                rp == null || rp.isNull() ? null : new TaskService.RetryPolicy(text(rp, "strategy"),
                        rp.hasNonNull("base_delay_ms") ? rp.get("base_delay_ms").asLong() : null,
                        rp.hasNonNull("max_delay_ms") ? rp.get("max_delay_ms").asLong() : null,
                        rp.hasNonNull("jitter") ? rp.get("jitter").asDouble() : null),
                deps, t.hasNonNull("budget") ? t.get("budget").asLong() : null, text(t, "currency"),
                t.hasNonNull("auction_seconds") ? t.get("auction_seconds").asInt() : null);
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
