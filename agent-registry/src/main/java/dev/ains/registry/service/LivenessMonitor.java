package dev.ains.registry.service;

import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.outbox.OutboxRelay;
import dev.ains.registry.store.RegistryStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Marks agents OFFLINE once they miss {@code missed-intervals} heartbeats, and refreshes the agent
 * gauges. The change writes an agent.offline event to the outbox (for task-service's webhooks and streams)
 * in the same statement. One conditional UPDATE per pass, so several registry replicas can run it at once.
 */
@ApplicationScoped
public class LivenessMonitor {
    private static final Logger LOG = Logger.getLogger(LivenessMonitor.class.getName());

    @Inject
    RegistryStore store;
    @Inject
    RegistrySettings settings;
    @Inject
    RegistryMetrics metrics;
    @Inject
    BackgroundJobs jobs;
    @Inject
    OutboxRelay relay;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        metrics.register();
        jobs.every("offline-check", settings.offlineCheckMs(), this::checkOnce);
        jobs.every("agent-gauges", 5000, this::refreshGauges);
        refreshGauges();
    }

    public List<UUID> checkOnce() {
        List<UUID> gone = store.markOffline(settings.missedIntervals());
        for (UUID id : gone) {
            metrics.statusChanged("OFFLINE");
            LOG.info(() -> "agent " + id + " went OFFLINE after " + settings.missedIntervals() + " missed heartbeats");
        }
        if (!gone.isEmpty()) {
            relay.wake(); // agent.offline events were written with the change
        }
        return gone;
    }

    void refreshGauges() {
        metrics.snapshot(store.countByStatus(), store.trustScores());
    }
}
