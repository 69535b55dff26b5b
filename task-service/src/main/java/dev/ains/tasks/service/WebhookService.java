package dev.ains.tasks.service;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.Caller;
import dev.ains.kit.store.Cursor;
import dev.ains.tasks.lifecycle.WebhookSignature;
import dev.ains.tasks.store.WebhookStore;
import dev.ains.tasks.store.WebhookStore.AttemptRecord;
import dev.ains.tasks.store.WebhookStore.Claimed;
import dev.ains.tasks.store.WebhookStore.DeliveryRecord;
import dev.ains.tasks.store.WebhookStore.WebhookRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Webhook registrations and their delivery logs. A client owns the webhooks it registers and receives
 * events about the tasks it created; an agent (API key) receives events about itself; an admin's
 * webhooks receive every event. Nobody sees another owner's webhooks.
 */
@ApplicationScoped
public class WebhookService {
    /** The event types a webhook can subscribe to ({@code *}: all of them). */
    public static final Set<String> EVENT_TYPES = Stream.concat(TaskEventType.subscribable().stream(),
            Stream.of("batch.completed", "agent.offline", "auction.invited", "webhook.disabled"))
            .collect(Collectors.toUnmodifiableSet());
    public static final String ALL = "*";

    @Inject
    WebhookStore store;
    @Inject
    Database database;
    @Inject
    WebhookSettings settings;
    @Inject
    WebhookSender sender;

    /** A webhook with its secret when this call made or replaced it (shown once). */
    public record Saved(WebhookRecord webhook, String newSecret) {
    }

    public record DeliveryView(DeliveryRecord delivery, List<AttemptRecord> attempts) {
    }

    public Saved create(Caller caller, String url, List<String> events, String secret, Boolean enabled,
                        String description) {
        Check check = Check.of().required("url", url).maxLength("url", url, 2000)
                .maxLength("description", description, 500);
        checkUrl(check, url);
        checkEvents(check, events);
        if (secret != null) {
            String why = WebhookSignature.problem(secret);
            check.that(why == null, "secret", why);
        }
        check.orThrow();
        long owned = store.list(caller.id(), null, settings.maxWebhooksPerOwner()).size();
        if (owned >= settings.maxWebhooksPerOwner()) {
            throw ApiProblem.invalid("url", "at most " + settings.maxWebhooksPerOwner() + " webhooks per owner");
        }
        String key = secret != null ? secret : WebhookSignature.newSecret();
        UUID id = UUID.randomUUID();
        database.inTransactionRun(tx -> store.insert(tx, id, ownerType(caller), caller.id(), url,
                List.copyOf(events), key, enabled == null || enabled, description));
        return new Saved(store.find(id).orElseThrow(), key);
    }

    public WebhookRecord get(Caller caller, UUID id) {
        return store.find(id).filter(w -> mayManage(caller, w)).orElseThrow(() -> ApiProblem.notFound("webhook", id));
    }

    public List<WebhookRecord> list(Caller caller, Cursor after, int limit) {
        return store.list(caller.isAdmin() ? null : caller.id(), after, limit);
    }

    /** Partial update: fields given replace the stored ones. */
    public Saved update(Caller caller, UUID id, String url, List<String> events, Boolean enabled, String description,
                        String secret, Boolean rotate) {
        WebhookRecord w = get(caller, id);
        Check check = Check.of().maxLength("url", url, 2000).maxLength("description", description, 500);
        if (url != null) {
            checkUrl(check, url);
        }
        if (events != null) {
            checkEvents(check, events);
        }
        if (secret != null) {
            String why = WebhookSignature.problem(secret);
            check.that(why == null, "secret", why);
            check.that(!Boolean.TRUE.equals(rotate), "rotate_secret", "give either secret or rotate_secret, not both");
        }
        check.orThrow();
        String newSecret = secret != null ? secret : Boolean.TRUE.equals(rotate) ? WebhookSignature.newSecret() : null;
        boolean on = enabled != null ? enabled : w.enabled();
        database.inTransactionRun(tx -> {
            store.lock(tx, id).orElseThrow(() -> ApiProblem.notFound("webhook", id));
            store.update(tx, id, url != null ? url : w.url(), events != null ? List.copyOf(events) : w.events(),
                    description != null ? description : w.description(), on, on && !w.enabled());
            if (newSecret != null) {
                store.rotateSecret(tx, id, newSecret, settings.secretGraceSeconds());
            }
        });
        if (on && !w.enabled()) {
            sender.wake(); // deliveries that waited while it was off
        }
        return new Saved(store.find(id).orElseThrow(), secret == null ? newSecret : null);
    }

    public void delete(Caller caller, UUID id) {
        get(caller, id);
        store.delete(id);
    }

    public List<DeliveryView> deliveries(Caller caller, UUID webhookId, String status, Cursor after, int limit) {
        get(caller, webhookId);
        List<DeliveryRecord> rows = store.deliveries(webhookId, status, after, limit);
        return withAttempts(rows);
    }

    public DeliveryView delivery(Caller caller, UUID webhookId, UUID deliveryId) {
        get(caller, webhookId);
        DeliveryRecord d = store.delivery(webhookId, deliveryId)
                .orElseThrow(() -> ApiProblem.notFound("delivery", deliveryId));
        return withAttempts(List.of(d)).get(0);
    }

    /** Sends the delivery again now, with a fresh retry schedule and the same webhook-id and body. */
    public DeliveryView redeliver(Caller caller, UUID webhookId, UUID deliveryId) {
        WebhookRecord w = get(caller, webhookId);
        if (!w.enabled()) {
            throw ApiProblem.conflict("webhook-disabled",
                    "webhook " + webhookId + " is disabled; enable it (PUT enabled=true) before redelivering");
        }
        if (store.redeliver(webhookId, deliveryId) == 0) {
            throw ApiProblem.notFound("delivery", deliveryId);
        }
        sender.wake();
        return delivery(caller, webhookId, deliveryId);
    }

    /** Sends a signed webhook.test event now and answers with the logged outcome (no retries). */
    public DeliveryView test(Caller caller, UUID webhookId) {
        WebhookRecord w = get(caller, webhookId);
        String eventId = UUID.randomUUID().toString();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("webhook_id", webhookId);
        data.put("reason", "test event requested by " + caller.id());
        JsonNode tree = Json.MAPPER.valueToTree(data);
        String body = EventJournal.body(eventId, "webhook.test", now, tree);
        UUID deliveryId = database.inTransaction(tx -> store.insertSent(tx, webhookId, eventId, "webhook.test", body,
                now));
        Claimed c = new Claimed(deliveryId, webhookId, eventId, "webhook.test", body, 1, 0, null, false, w.url(),
                w.signingSecrets());
        WebhookSender.Result r = sender.send(c);
        database.inTransactionRun(tx -> {
            store.attempt(tx, new AttemptRecord(deliveryId, 1, now, r.status(), r.latencyMs(), r.excerpt(),
                    r.error()));
            if (r.ok()) {
                store.deliverySucceeded(tx, deliveryId);
            } else {
                store.deliveryFailed(tx, deliveryId);
            }
        });
        return delivery(caller, webhookId, deliveryId);
    }

    private List<DeliveryView> withAttempts(List<DeliveryRecord> rows) {
        List<AttemptRecord> attempts = store.attempts(rows.stream().map(DeliveryRecord::deliveryId).toList());
        List<DeliveryView> out = new ArrayList<>(rows.size());
        for (DeliveryRecord d : rows) {
            out.add(new DeliveryView(d, attempts.stream().filter(a -> a.deliveryId().equals(d.deliveryId()))
                    .toList()));
        }
        return out;
    }

    private void checkUrl(Check check, String url) {
        if (url != null && url.length() <= 2000) {
            String why = settings.guard().problem(url);
            check.that(why == null, "url", why);
        }
    }

    private static void checkEvents(Check check, List<String> events) {
        check.that(events != null && !events.isEmpty(), "events", "must name at least one event type, or *");
        if (events != null) {
            for (int i = 0; i < events.size(); i++) {
                String e = events.get(i);
                check.that(ALL.equals(e) || EVENT_TYPES.contains(e), "events[" + i + "]",
                        "unknown event type '" + e + "'; one of " + new java.util.TreeSet<>(EVENT_TYPES) + " or *");
            }
        }
    }

    private static String ownerType(Caller caller) {
        return caller.isAgent() ? "agent" : caller.isAdmin() ? "admin" : "client";
    }

    private static boolean mayManage(Caller caller, WebhookRecord w) {
        return caller.isAdmin() || caller.id().equals(w.ownerId());
    }
}
