package dev.ains.tasks.store;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.tasks.lifecycle.Backoff;
import dev.ains.tasks.lifecycle.TaskState;

/** A task as stored. */
public record TaskRecord(UUID taskId, String taskType, String capability, JsonNode inputData, int priority,
                         int timeoutSeconds, int maxRetries, double minTrust, TaskState status,
                         UUID assignedAgentId, int attemptCount, OffsetDateTime claimedAt,
                         OffsetDateTime leaseExpiresAt, OffsetDateTime nextAttemptAt, JsonNode result, String error,
                         String cancelReason, String cancelledBy, String createdBy, OffsetDateTime createdAt,
                         OffsetDateTime updatedAt, OffsetDateTime startedAt, OffsetDateTime completedAt,
                         Long executionMs, Backoff retryPolicy, int attemptsBase, UUID batchId,
                         Long budget, String currency, Integer auctionSeconds, UUID auctionWinnerId,
                         Long auctionPrice) {

    /** Attempts left in the current budget (a redrive renews it). */
    public boolean attemptsLeft() {
        return attemptCount - attemptsBase < maxRetries + 1;
    }
}
