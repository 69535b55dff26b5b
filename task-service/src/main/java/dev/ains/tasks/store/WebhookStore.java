package dev.ains.tasks.store;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.ains.kit.db.Database;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Webhooks, their deliveries and attempts; the statements are in {@code db/statements.yaml}. */
@ApplicationScoped
public class WebhookStore {
    @Inject
    Database database;

    public record WebhookRecord(UUID webhookId, String ownerType, String ownerId, String url, List<String> events,
                                String secret, String previousSecret, OffsetDateTime previousSecretExpiresAt,
                                boolean enabled, String description, int consecutiveFailures,
                                OffsetDateTime disabledAt, String disabledReason, OffsetDateTime createdAt,
                                OffsetDateTime updatedAt) {
        /** The secrets that sign right now: the current one, and the previous one during its grace period. */
        public List<String> signingSecrets() {
            return signing(secret, previousSecret, previousSecretExpiresAt);
        }

        static List<String> signing(String current, String previous, OffsetDateTime previousUntil) {
            return previous != null && previousUntil != null && previousUntil.isAfter(OffsetDateTime.now())
                    ? List.of(current, previous) : List.of(current);
        }
    }

    public record DeliveryRecord(UUID deliveryId, UUID webhookId, String eventId, String eventType, String body,
                                 String status, int attemptCount, OffsetDateTime nextAttemptAt,
                                 OffsetDateTime createdAt, OffsetDateTime deliveredAt) {
    }

    public record AttemptRecord(UUID deliveryId, int attempt, OffsetDateTime attemptedAt, Integer responseStatus,
                                Long latencyMs, String responseExcerpt, String error) {
    }

    /** A delivery taken for an attempt, with what is needed to send it. */
    public record Claimed(UUID deliveryId, UUID webhookId, String eventId, String eventType, String body, int attempt,
                          int scheduleBase, OffsetDateTime occurredAt, boolean firstAttempt, String url,
                          List<String> secrets) {
    }

    public void insert(DbExecute tx, UUID id, String ownerType, String ownerId, String url, List<String> events,
                       String secret, boolean enabled, String description) {
        tx.namedInsert("insert-webhook", id, ownerType, ownerId, url, String.join(",", events), secret, enabled,
                description);
    }

    public Optional<WebhookRecord> find(UUID id) {
        return database.client().execute().namedGet("select-webhook", id).map(WebhookStore::webhook);
    }

    public Optional<WebhookRecord> lock(DbExecute tx, UUID id) {
        return tx.namedGet("lock-webhook", id).map(WebhookStore::webhook);
    }

    public List<WebhookRecord> list(String owner, Cursor after, int limit) {
        var at = after == null ? null : Rows.ts(after.at());
        var id = after == null ? null : after.uuid();
        return database.client().execute().namedQuery("list-webhooks", owner, owner, at, at, id, limit)
                .map(WebhookStore::webhook).toList();
    }

    public void update(DbExecute tx, UUID id, String url, List<String> events, String description, boolean enabled,
                       boolean reEnable) {
        tx.namedUpdate("update-webhook", url, String.join(",", events), description, reEnable, reEnable, reEnable,
                enabled, id);
    }

    public void rotateSecret(DbExecute tx, UUID id, String secret, long graceSeconds) {
        tx.namedUpdate("rotate-webhook-secret", (double) graceSeconds, secret, id);
    }

    public void delete(UUID id) {
        database.client().execute().namedDelete("delete-webhook", id);
    }

    /** Switches the endpoint off; returns its owner (type, id) when this call switched it, empty otherwise. */
    public Optional<String[]> disable(DbExecute tx, UUID id, String reason) {
        return tx.namedQuery("disable-webhook", reason, id).findFirst()
                .map(r -> new String[] {Rows.string(r, "owner_type"), Rows.string(r, "owner_id")});
    }

    /** Counts a failed attempt; returns the consecutive failures now, or -1 if the endpoint is already off. */
    public int failed(DbExecute tx, UUID id) {
        return tx.namedQuery("webhook-failed", id).findFirst()
                .map(r -> Boolean.TRUE.equals(Rows.bool(r, "enabled")) ? r.column("consecutive_failures").getInt() : -1)
                .orElse(-1);
    }

    public void succeeded(DbExecute tx, UUID id) {
        tx.namedUpdate("webhook-succeeded", id);
    }

    public long countDisabled() {
        return database.client().execute().namedGet("count-disabled-webhooks").map(r -> r.column("n").getLong())
                .orElse(0L);
    }

    /** One delivery per event (a JSON array of journal entries) and matching webhook; returns how many. */
    public long fanOut(DbExecute tx, String eventsJson) {
        return tx.namedInsert("insert-deliveries", eventsJson);
    }

    /** A delivery sent outside the schedule (a test event): recorded as attempted once, not retried. */
    public UUID insertSent(DbExecute tx, UUID webhookId, String eventId, String eventType, String body,
                           OffsetDateTime occurredAt) {
        return tx.namedQuery("insert-delivery", webhookId, eventId, eventType, body, Rows.ts(occurredAt))
                .findFirst().map(r -> Rows.uuid(r, "delivery_id")).orElseThrow();
    }

    public List<Claimed> claim(List<UUID> saturated, int perEndpoint, int limit, long leaseSeconds) {
        String skip = String.join(",", saturated.stream().map(UUID::toString).toList());
        return database.client().execute()
                .namedQuery("claim-deliveries", skip, perEndpoint, limit, (double) leaseSeconds).map(WebhookStore::claimed)
                .toList();
    }

    public void attempt(DbExecute tx, AttemptRecord a) {
        tx.namedInsert("insert-webhook-attempt", a.deliveryId(), a.attempt(), Rows.ts(a.attemptedAt()), a.responseStatus(),
                a.latencyMs(), a.responseExcerpt(), a.error());
    }

    public void deliverySucceeded(DbExecute tx, UUID id) {
        tx.namedUpdate("delivery-succeeded", id);
    }

    public void deliveryFailed(DbExecute tx, UUID id) {
        tx.namedUpdate("delivery-failed", id);
    }

    public void retryIn(DbExecute tx, UUID id, double seconds) {
        tx.namedUpdate("delivery-retry", seconds, id);
    }

    public long redeliver(UUID webhookId, UUID deliveryId) {
        return database.client().execute().namedUpdate("redeliver", deliveryId, webhookId);
    }

    public Optional<DeliveryRecord> delivery(UUID webhookId, UUID deliveryId) {
        return database.client().execute().namedGet("select-delivery", deliveryId, webhookId)
                .map(WebhookStore::delivery);
    }

    public List<DeliveryRecord> deliveries(UUID webhookId, String status, Cursor after, int limit) {
        var at = after == null ? null : Rows.ts(after.at());
        var id = after == null ? null : after.uuid();
        return database.client().execute()
                .namedQuery("list-deliveries", webhookId, status, status, at, at, id, limit)
                .map(WebhookStore::delivery).toList();
    }

    public List<AttemptRecord> attempts(List<UUID> deliveryIds) {
        if (deliveryIds.isEmpty()) {
            return List.of();
        }
        return database.client().execute()
                .namedQuery("attempts-of", String.join(",", deliveryIds.stream().map(UUID::toString).toList()))
                .map(r -> new AttemptRecord(Rows.uuid(r, "delivery_id"), r.column("attempt").getInt(),
                        Rows.time(r, "attempted_at"), Rows.intOrNull(r, "response_status"),
                        Rows.longOrNull(r, "latency_ms"), Rows.string(r, "response_excerpt"),
                        Rows.string(r, "error")))
                .toList();
    }

    public long pruneDeliveries(int days) {
        return database.client().execute().namedDelete("prune-deliveries", days);
    }

    private static WebhookRecord webhook(DbRow r) {
        String list = Rows.string(r, "event_list");
        return new WebhookRecord(Rows.uuid(r, "webhook_id"), Rows.string(r, "owner_type"), Rows.string(r, "owner_id"),
                Rows.string(r, "url"), list == null || list.isEmpty() ? List.of() : Arrays.asList(list.split(",")),
                Rows.string(r, "secret"), Rows.string(r, "previous_secret"),
                Rows.time(r, "previous_secret_expires_at"), Boolean.TRUE.equals(Rows.bool(r, "enabled")),
                Rows.string(r, "description"), r.column("consecutive_failures").getInt(), Rows.time(r, "disabled_at"),
                Rows.string(r, "disabled_reason"), Rows.time(r, "created_at"), Rows.time(r, "updated_at"));
    }

    private static DeliveryRecord delivery(DbRow r) {
        return new DeliveryRecord(Rows.uuid(r, "delivery_id"), Rows.uuid(r, "webhook_id"), Rows.string(r, "event_id"),
                Rows.string(r, "event_type"), Rows.string(r, "body"), Rows.string(r, "status"),
                r.column("attempt_count").getInt(), Rows.time(r, "next_attempt_at"), Rows.time(r, "created_at"),
                Rows.time(r, "delivered_at"));
    }

    private static Claimed claimed(DbRow r) {
        List<String> secrets = WebhookRecord.signing(Rows.string(r, "secret"), Rows.string(r, "previous_secret"),
                Rows.time(r, "previous_secret_expires_at"));
        int attempt = r.column("attempt_count").getInt();
        return new Claimed(Rows.uuid(r, "delivery_id"), Rows.uuid(r, "webhook_id"), Rows.string(r, "event_id"),
                Rows.string(r, "event_type"), Rows.string(r, "body"), attempt, r.column("schedule_base").getInt(),
                Rows.time(r, "occurred_at"), attempt == 1, Rows.string(r, "url"), secrets);
    }
}
