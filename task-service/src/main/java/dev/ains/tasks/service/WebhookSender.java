package dev.ains.tasks.service;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.ains.kit.db.Database;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.jobs.WakeableWorker;
import dev.ains.kit.outbox.Outbox;
import dev.ains.tasks.client.EventSinks;
import dev.ains.tasks.lifecycle.WebhookSignature;
import dev.ains.tasks.store.WebhookStore;
import dev.ains.tasks.store.WebhookStore.AttemptRecord;
import dev.ains.tasks.store.WebhookStore.Claimed;
import io.helidon.dbclient.DbExecute;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Sends webhook deliveries. One loop claims due deliveries (any number of replicas can run it: claims
 * use SKIP LOCKED and a lease) and hands each to its own virtual thread, so a slow or dead receiver
 * holds up only its own deliveries — and at most a few of those at a time — never task processing or
 * other receivers. Each attempt is logged; failures are retried on the configured schedule, honouring
 * {@code Retry-After}; {@code 410 Gone}, or too many failures in a row, switches the endpoint off.
 */
@ApplicationScoped
public class WebhookSender {
    private static final Logger LOG = Logger.getLogger(WebhookSender.class.getName());
    static final int EXCERPT_CHARS = 1000;

    @Inject
    WebhookStore store;
    @Inject
    Database database;
    @Inject
    WebhookSettings settings;
    @Inject
    WebhookMetrics metrics;
    @Inject
    BackgroundJobs jobs;

    private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private HttpClient http;
    private WakeableWorker worker;

    /** What one attempt came to. */
    record Result(Integer status, long latencyMs, String excerpt, String error, Duration retryAfter, String outcome) {
        boolean ok() {
            return "success".equals(outcome);
        }
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).executor(senders).build();
        metrics.registerGauges();
        worker = jobs.start(new WakeableWorker("webhook-sender", this::sendDue, 500, 0, settings.claimBatch()));
        jobs.every("webhook-gauges", 5000, () -> metrics.disabledNow(store.countDisabled()));
        jobs.every("webhook-log-pruning", 3_600_000, () -> store.pruneDeliveries(settings.deliveryRetentionDays()));
    }

    /** Look for due deliveries now (new ones were just queued). */
    public void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    /** One pass: claim what is due and start sending it; returns how many were started. */
    public int sendDue() {
        List<UUID> saturated = inFlight.entrySet().stream()
                .filter(e -> e.getValue().get() >= settings.maxInFlightPerEndpoint()).map(Map.Entry::getKey).toList();
        List<Claimed> due = store.claim(saturated, settings.maxInFlightPerEndpoint(), settings.claimBatch(),
                settings.leaseSeconds());
        for (Claimed c : due) {
            AtomicInteger n = inFlight.computeIfAbsent(c.webhookId(), k -> new AtomicInteger());
            n.incrementAndGet();
            senders.submit(() -> {
                try {
                    Result r = send(c);
                    database.inTransactionRun(tx -> record(tx, c, r));
                } catch (RuntimeException e) {
                    // the lease runs out and the delivery is tried again
                    LOG.log(Level.WARNING, "delivery " + c.deliveryId() + " could not be recorded", e);
                } finally {
                    n.decrementAndGet();
                }
            });
        }
        return due.size();
    }

    /** Sends one attempt; never throws. */
    Result send(Claimed c) {
        if (c.firstAttempt() && c.occurredAt() != null) {
            metrics.firstAttempt(Duration.between(c.occurredAt(), OffsetDateTime.now()));
        }
        String refused = settings.guard().problem(c.url());
        if (refused != null) {
            return done(new Result(null, 0, null, "address refused: the URL " + refused, null, "refused_address"));
        }
        long now = System.currentTimeMillis() / 1000;
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(c.url())).timeout(settings.requestTimeout())
                    .header("content-type", "application/json")
                    .header("user-agent", "AINS-Webhooks/1")
                    .header("webhook-id", c.eventId())
                    .header("webhook-timestamp", String.valueOf(now))
                    .header("webhook-signature", WebhookSignature.header(c.eventId(), now, c.body(), c.secrets()))
                    .POST(HttpRequest.BodyPublishers.ofString(c.body(), StandardCharsets.UTF_8)).build();
        } catch (IllegalArgumentException e) {
            return done(new Result(null, 0, null, "invalid URL: " + e.getMessage(), null, "refused_address"));
        }
        long t0 = System.nanoTime();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String excerpt;
            try (InputStream in = response.body()) {
                excerpt = new String(in.readNBytes(EXCERPT_CHARS * 4), StandardCharsets.UTF_8);
            }
            if (excerpt.length() > EXCERPT_CHARS) {
                excerpt = excerpt.substring(0, EXCERPT_CHARS);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            int status = response.statusCode();
            boolean ok = status >= 200 && status < 300;
            Duration retryAfter = response.headers().firstValue("retry-after").map(WebhookSender::retryAfter)
                    .orElse(null);
            return done(new Result(status, ms, excerpt, ok ? null : "the endpoint answered " + status, retryAfter,
                    ok ? "success" : "http_error"));
        } catch (HttpConnectTimeoutException e) {
            return done(failure(t0, "connection timed out after " + settings.connectTimeout().toMillis() + " ms",
                    "timeout"));
        } catch (HttpTimeoutException e) {
            return done(failure(t0, "no answer within " + settings.requestTimeout().toMillis() + " ms", "timeout"));
        } catch (IOException e) {
            return done(failure(t0, "connection failed: " + e, "connection_error"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return done(failure(t0, "interrupted (shutting down)", "connection_error"));
        }
    }

    private Result done(Result r) {
        metrics.attempt(r.outcome());
        return r;
    }

    private static Result failure(long t0, String error, String outcome) {
        return new Result(null, (System.nanoTime() - t0) / 1_000_000, null, error, null, outcome);
    }

    /** Logs the attempt and moves the delivery (and, on failures, the endpoint) on. */
    void record(DbExecute tx, Claimed c, Result r) {
        store.attempt(tx, new AttemptRecord(c.deliveryId(), c.attempt(), OffsetDateTime.now()
                .minusNanos(r.latencyMs() * 1_000_000), r.status(), r.latencyMs(), r.excerpt(), r.error()));
        if (r.ok()) {
            store.deliverySucceeded(tx, c.deliveryId());
            store.succeeded(tx, c.webhookId());
            metrics.delivery(c.eventType(), "succeeded");
            if (c.occurredAt() != null) {
                metrics.success(Duration.between(c.occurredAt(), OffsetDateTime.now()));
            }
            return;
        }
        int failures = store.failed(tx, c.webhookId());
        if (r.status() != null && r.status() == 410) {
            store.deliveryFailed(tx, c.deliveryId());
            metrics.delivery(c.eventType(), "failed");
            disable(tx, c.webhookId(), "the endpoint answered 410 Gone", "gone");
            return;
        }
        Duration next = settings.schedule().next(c.attempt() - c.scheduleBase(), r.retryAfter(),
                settings.maxRetryAfter());
        if (next == null) {
            store.deliveryFailed(tx, c.deliveryId());
            metrics.delivery(c.eventType(), "failed");
            LOG.info(() -> "webhook " + c.webhookId() + ": delivery " + c.deliveryId() + " of " + c.eventType()
                    + " failed for good after " + c.attempt() + " attempts: " + r.error());
        } else {
            store.retryIn(tx, c.deliveryId(), next.toMillis() / 1000.0);
            LOG.fine(() -> "webhook " + c.webhookId() + ": attempt " + c.attempt() + " of delivery " + c.deliveryId()
                    + " failed (" + r.error() + "), next in " + next);
        }
        if (failures >= settings.disableAfterFailures()) {
            disable(tx, c.webhookId(), failures + " consecutive failed attempts", "failures");
        }
    }

    /** Switches an endpoint off (once, whichever replica gets there) and records webhook.disabled. */
    void disable(DbExecute tx, UUID webhookId, String reason, String metricReason) {
        store.disable(tx, webhookId, reason).ifPresent(owner -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("webhook_id", webhookId);
            data.put("reason", reason);
            data.put("agent".equals(owner[0]) ? "agent_id" : "created_by", owner[1]);
            Outbox.add(tx, List.of(EventSinks.EVENTS), "webhook.disabled", data);
            metrics.endpointDisabled(metricReason);
            LOG.warning(() -> "webhook " + webhookId + " of " + owner[0] + " " + owner[1] + " disabled: " + reason);
        });
    }

    /** Retry-After as seconds or an HTTP date; null when unreadable. */
    static Duration retryAfter(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    @PreDestroy
    void stop() {
        senders.shutdownNow();
    }
}
