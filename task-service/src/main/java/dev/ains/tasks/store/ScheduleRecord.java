package dev.ains.tasks.store;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** A cron schedule as stored; {@code task} is the task request it submits on every tick. */
public record ScheduleRecord(UUID scheduleId, String name, String cron, String timeZone, JsonNode task,
                             boolean enabled, OffsetDateTime startAt, OffsetDateTime endAt, String misfirePolicy,
                             OffsetDateTime nextFireAt, OffsetDateTime lastFiredAt, UUID lastTaskId, long fireCount,
                             String createdBy, OffsetDateTime createdAt) {
}
