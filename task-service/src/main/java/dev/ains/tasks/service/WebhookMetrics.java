package dev.ains.tasks.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/** Webhook and event stream metrics (docs/metrics.md). */
@ApplicationScoped
public class WebhookMetrics {
    private static final Metadata FIRST_ATTEMPT = Metadata.builder()
            .withName("ains_webhook_first_attempt_latency_seconds")
            .withDescription("Time from an event to the first attempt to deliver it to a webhook")
            .withUnit(MetricUnits.NONE).build();
    private static final Metadata SUCCESS = Metadata.builder()
            .withName("ains_webhook_delivery_latency_seconds")
            .withDescription("Time from an event to its successful delivery to a webhook")
            .withUnit(MetricUnits.NONE).build();

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    private final AtomicLong disabled = new AtomicLong();
    private final AtomicLong streams = new AtomicLong();

    void registerGauges() {
        registry.gauge("ains_webhooks_disabled", disabled, AtomicLong::get);
        registry.gauge("ains_event_streams_open", streams, AtomicLong::get);
        // present at 0 from the start: increase() in the AinsWebhookEndpointDisabled alert only sees a
        // switch-off if the series existed before it (a counter born at 1 has not "increased")
        for (String reason : List.of("gone", "failures")) {
            registry.counter("ains_webhook_endpoints_disabled_total", new Tag("reason", reason));
        }
    }

    void disabledNow(long n) {
        disabled.set(n);
    }

    public void streamOpened() {
        streams.incrementAndGet();
    }

    public void streamClosed() {
        streams.decrementAndGet();
    }

    /** outcome: success, http_error, timeout, connection_error, refused_address */
    void attempt(String outcome) {
        registry.counter("ains_webhook_attempts_total", new Tag("outcome", outcome)).inc();
    }

    /** A delivery reached its final state (succeeded or failed). */
    void delivery(String eventType, String outcome) {
        registry.counter("ains_webhook_deliveries_total", new Tag("event", eventType), new Tag("outcome", outcome))
                .inc();
    }

    void firstAttempt(Duration sinceEvent) {
        registry.timer(FIRST_ATTEMPT).update(sinceEvent.isNegative() ? Duration.ZERO : sinceEvent);
    }

    void success(Duration sinceEvent) {
        registry.timer(SUCCESS).update(sinceEvent.isNegative() ? Duration.ZERO : sinceEvent);
    }

    void endpointDisabled(String why) {
        registry.counter("ains_webhook_endpoints_disabled_total", new Tag("reason", why)).inc();
    }

    public void streamed(long n) {
        registry.counter("ains_events_streamed_total").inc(n);
    }
}
