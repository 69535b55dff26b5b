package dev.ains.registry.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** An agent as stored. */
public record AgentRecord(UUID agentId, String name, String owner, String description, int maxConcurrency,
                          int heartbeatIntervalSeconds, String endpointUrl, JsonNode metadata,
                          List<CapabilityRecord> capabilities, String status, OffsetDateTime lastHeartbeatAt,
                          double trustScore, double trustSuccesses, double trustFailures, double trustOnTime,
                          long trustOutcomes, OffsetDateTime trustUpdatedAt, String createdBy,
                          OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    public record CapabilityRecord(String name, String version) {
    }
}
