package dev.ains.tasks.rest;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Page;
import dev.ains.tasks.api.WebhooksApi;
import dev.ains.tasks.api.model.Delivery;
import dev.ains.tasks.api.model.DeliveryAttempt;
import dev.ains.tasks.api.model.DeliveryPage;
import dev.ains.tasks.api.model.DeliveryStatus;
import dev.ains.tasks.api.model.Event;
import dev.ains.tasks.api.model.Webhook;
import dev.ains.tasks.api.model.WebhookPage;
import dev.ains.tasks.api.model.WebhookRequest;
import dev.ains.tasks.api.model.WebhookUpdate;
import dev.ains.tasks.service.WebhookService;
import dev.ains.tasks.service.WebhookService.DeliveryView;
import dev.ains.tasks.store.WebhookStore.WebhookRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

@ApplicationScoped
@Allow({Roles.CLIENT, Roles.AGENT})
public class WebhooksResource implements WebhooksApi {
    @Inject
    WebhookService webhooks;
    @Context
    SecurityContext security;

    @Override
    public Response createWebhook(WebhookRequest body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        var saved = webhooks.create(Caller.of(security), body.getUrl(), body.getEvents(), body.getSecret(),
                body.getEnabled(), body.getDescription());
        return Response.created(URI.create("/aitp/webhooks/" + saved.webhook().webhookId()))
                .entity(webhook(saved.webhook()).secret(saved.newSecret())).build();
    }

    @Override
    public Response listWebhooks(Integer limit, String cursor) {
        int l = Cursor.limit(limit);
        List<WebhookRecord> rows = webhooks.list(Caller.of(security), Cursor.decode(cursor), l + 1);
        var page = Page.of(rows, l, WebhooksResource::webhook, w -> Cursor.after(w.createdAt(), w.webhookId()));
        return Response.ok(new WebhookPage().items(page.items()).nextCursor(page.nextCursor())).build();
    }

    @Override
    public Response getWebhook(UUID webhookId) {
        return Response.ok(webhook(webhooks.get(Caller.of(security), webhookId))).build();
    }

    @Override
    public Response updateWebhook(UUID webhookId, WebhookUpdate body) {
        if (body == null) {
            throw ApiProblem.invalid("body", "is required");
        }
        // the generated model turns an absent list into an empty one: treat empty as "not given"
        List<String> events = body.getEvents() == null || body.getEvents().isEmpty() ? null : body.getEvents();
        var saved = webhooks.update(Caller.of(security), webhookId, body.getUrl(), events, body.getEnabled(),
                body.getDescription(), body.getSecret(), body.getRotateSecret());
        return Response.ok(webhook(saved.webhook()).secret(saved.newSecret())).build();
    }

    @Override
    public Response deleteWebhook(UUID webhookId) {
        webhooks.delete(Caller.of(security), webhookId);
        return Response.noContent().build();
    }

    @Override
    public Response listDeliveries(UUID webhookId, Integer limit, String cursor, DeliveryStatus status) {
        int l = Cursor.limit(limit);
        List<DeliveryView> rows = webhooks.deliveries(Caller.of(security), webhookId,
                status == null ? null : status.toString(), Cursor.decode(cursor), l + 1);
        var page = Page.of(rows, l, WebhooksResource::delivery,
                d -> Cursor.after(d.delivery().createdAt(), d.delivery().deliveryId()));
        return Response.ok(new DeliveryPage().items(page.items()).nextCursor(page.nextCursor())).build();
    }

    @Override
    public Response getDelivery(UUID webhookId, UUID deliveryId) {
        return Response.ok(delivery(webhooks.delivery(Caller.of(security), webhookId, deliveryId))).build();
    }

    @Override
    public Response redeliver(UUID webhookId, UUID deliveryId) {
        return Response.accepted(delivery(webhooks.redeliver(Caller.of(security), webhookId, deliveryId))).build();
    }

    @Override
    public Response testWebhook(UUID webhookId) {
        return Response.ok(delivery(webhooks.test(Caller.of(security), webhookId))).build();
    }

    private static Webhook webhook(WebhookRecord w) {
        return new Webhook().webhookId(w.webhookId()).ownerId(w.ownerId())
                .ownerType(Webhook.OwnerTypeEnum.fromValue(w.ownerType())).url(w.url()).events(w.events())
                .enabled(w.enabled()).description(w.description())
                .previousSecretExpiresAt(w.previousSecret() == null ? null : w.previousSecretExpiresAt())
                .consecutiveFailures(w.consecutiveFailures()).disabledAt(w.disabledAt())
                .disabledReason(w.disabledReason()).createdAt(w.createdAt()).updatedAt(w.updatedAt());
    }

    private static Delivery delivery(DeliveryView v) {
        var d = v.delivery();
        return new Delivery().deliveryId(d.deliveryId()).webhookId(d.webhookId()).eventId(d.eventId())
                .eventType(d.eventType()).status(DeliveryStatus.fromValue(d.status())).attemptCount(d.attemptCount())
                .nextAttemptAt("PENDING".equals(d.status()) ? d.nextAttemptAt() : null).createdAt(d.createdAt())
                .deliveredAt(d.deliveredAt()).payload(Json.readLenient(d.body(), Event.class))
                .attempts(v.attempts().stream().map(a -> new DeliveryAttempt().attempt(a.attempt())
                        .attemptedAt(a.attemptedAt()).responseStatus(a.responseStatus()).latencyMs(a.latencyMs())
                        .responseExcerpt(a.responseExcerpt()).error(a.error())).toList());
    }
}
