package dev.ains.registry.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/** Business metrics of agent-registry (docs/metrics.md). */
@ApplicationScoped
public class RegistryMetrics {
    static final String[] STATUSES = {"ONLINE", "OFFLINE", "DEACTIVATED"};
    static final String[] BANDS = {"0.0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0"};

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    private final Map<String, AtomicLong> byStatus = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> byBand = new ConcurrentHashMap<>();

    void register() {
        for (String s : STATUSES) {
            AtomicLong v = byStatus.computeIfAbsent(s, k -> new AtomicLong());
            registry.gauge("ains_agents", v, AtomicLong::get, new Tag("status", s.toLowerCase()));
        }
        for (String b : BANDS) {
            AtomicLong v = byBand.computeIfAbsent(b, k -> new AtomicLong());
            registry.gauge("ains_agent_trust_score_agents", v, AtomicLong::get, new Tag("band", b));
        }
    }

    public void registered() {
        registry.counter("ains_agents_registered_total").inc();
    }

    public void heartbeat() {
        registry.counter("ains_agent_heartbeats_total").inc();
    }

    public void statusChanged(String to) {
        registry.counter("ains_agent_status_changes_total", new Tag("to", to.toLowerCase())).inc();
    }

    public void outcome(String kind) {
        registry.counter("ains_trust_outcomes_total", new Tag("outcome", kind.toLowerCase())).inc();
    }

    /** A token request's end: succeeded, failed (wrong secret or unknown id), locked (this failure locked the id), locked_out (refused while locked). */
    public void revoked(String kind) {
        registry.counter("ains_auth_revocations_total", new Tag("kind", kind)).inc();
    }

    public void login(String result) {
        registry.counter("ains_auth_token_requests_total", new Tag("result", result)).inc();
    }

    public void rating(int stars) {
        registry.counter("ains_agent_ratings_total", new Tag("stars", String.valueOf(stars))).inc();
    }

    void snapshot(Map<String, Long> counts, Iterable<Double> scores) {
        for (String s : STATUSES) {
            byStatus.get(s).set(counts.getOrDefault(s, 0L));
        }
        long[] bands = new long[BANDS.length];
        for (double d : scores) {
            bands[Math.min(BANDS.length - 1, (int) (d * BANDS.length))]++;
        }
        for (int i = 0; i < BANDS.length; i++) {
            byBand.get(BANDS[i]).set(bands[i]);
        }
    }
}
