package dev.ains.tasks.service;

import java.time.Duration;

import dev.ains.tasks.lifecycle.AddressGuard;
import dev.ains.tasks.lifecycle.RetrySchedule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/** Webhook delivery and event stream settings, read once (docs/webhooks.md lists the keys). */
@ApplicationScoped
public class WebhookSettings {
    private final RetrySchedule schedule;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration maxRetryAfter;
    private final int disableAfterFailures;
    private final long secretGraceSeconds;
    private final int maxInFlightPerEndpoint;
    private final int claimBatch;
    private final AddressGuard guard;
    private final long heartbeatSeconds;
    private final int journalRetentionHours;
    private final int deliveryRetentionDays;
    private final long streamPollMs;
    private final int maxWebhooksPerOwner;

    @Inject
    public WebhookSettings(Config c) {
        schedule = RetrySchedule.parse(c.getOptionalValue("ains.webhooks.retry-schedule", String.class)
                .orElse("0s,5s,5m,30m,2h,5h,10h,10h"));
        connectTimeout = Duration.ofMillis(c.getOptionalValue("ains.webhooks.connect-timeout-ms", Long.class)
                .orElse(2000L));
        requestTimeout = Duration.ofMillis(c.getOptionalValue("ains.webhooks.timeout-ms", Long.class).orElse(10_000L));
        maxRetryAfter = Duration.ofSeconds(c.getOptionalValue("ains.webhooks.max-retry-after-seconds", Long.class)
                .orElse(86_400L));
        disableAfterFailures = c.getOptionalValue("ains.webhooks.disable-after-failures", Integer.class).orElse(10);
        secretGraceSeconds = c.getOptionalValue("ains.webhooks.secret-grace-seconds", Long.class).orElse(86_400L);
        maxInFlightPerEndpoint = c.getOptionalValue("ains.webhooks.max-in-flight-per-endpoint", Integer.class)
                .orElse(8);
        claimBatch = c.getOptionalValue("ains.webhooks.claim-batch", Integer.class).orElse(100);
        guard = AddressGuard.jdk(c.getOptionalValue("ains.webhooks.allow-loopback", Boolean.class).orElse(false),
                c.getOptionalValue("ains.webhooks.allow-private", Boolean.class).orElse(false));
        heartbeatSeconds = c.getOptionalValue("ains.events.heartbeat-seconds", Long.class).orElse(15L);
        journalRetentionHours = c.getOptionalValue("ains.events.retention-hours", Integer.class).orElse(24);
        deliveryRetentionDays = c.getOptionalValue("ains.webhooks.delivery-retention-days", Integer.class).orElse(30);
        streamPollMs = c.getOptionalValue("ains.events.poll-ms", Long.class).orElse(200L);
        maxWebhooksPerOwner = c.getOptionalValue("ains.webhooks.max-per-owner", Integer.class).orElse(50);
    }

    public RetrySchedule schedule() {
        return schedule;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    public int disableAfterFailures() {
        return disableAfterFailures;
    }

    public long secretGraceSeconds() {
        return secretGraceSeconds;
    }

    public int maxInFlightPerEndpoint() {
        return maxInFlightPerEndpoint;
    }

    public int claimBatch() {
        return claimBatch;
    }

    public AddressGuard guard() {
        return guard;
    }

    public long heartbeatSeconds() {
        return heartbeatSeconds;
    }

    public int journalRetentionHours() {
        return journalRetentionHours;
    }

    public int deliveryRetentionDays() {
        return deliveryRetentionDays;
    }

    public long streamPollMs() {
        return streamPollMs;
    }

    public int maxWebhooksPerOwner() {
        return maxWebhooksPerOwner;
    }

    /** How long a claimed delivery stays leased: the send's own time limit, plus a margin. */
    public long leaseSeconds() {
        return connectTimeout.plus(requestTimeout).toSeconds() + 5;
    }
}
