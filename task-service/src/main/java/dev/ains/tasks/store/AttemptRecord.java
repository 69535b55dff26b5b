package dev.ains.tasks.store;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One attempt at a task: who had it, when, and how it ended. */
public record AttemptRecord(int attemptNo, UUID agentId, String outcome, OffsetDateTime assignedAt,
                            OffsetDateTime claimedAt, OffsetDateTime startedAt, OffsetDateTime endedAt,
                            String error, Boolean retryable, Long retryDelayMs) {
}
