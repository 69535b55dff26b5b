package dev.ains.tasks.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.security.Caller;
import dev.ains.tasks.client.RegistryGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * An agent that claims, reports or follows its event stream is alive: it should not also have to
 * heartbeat the registry. Agents seen here are gathered in memory and reported to the registry every
 * {@code ains.tasks.activity-report-ms} (1 s) in one call, which counts as a heartbeat for each; agents
 * with an open event stream on this replica are reported every time. Each replica reports what it saw;
 * a report the registry did not take is kept for the next one.
 */
@ApplicationScoped
public class AgentActivity {
    private static final Logger LOG = Logger.getLogger(AgentActivity.class.getName());
    /** The registry takes at most this many ids a call. */
    private static final int MAX_PER_CALL = 1000;

    @Inject
    RegistryGateway registry;
    @Inject
    EventHub hub;
    @Inject
    TaskSettings settings;
    @Inject
    TaskMetrics metrics;
    @Inject
    BackgroundJobs jobs;

    private final Set<UUID> seen = ConcurrentHashMap.newKeySet();

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        jobs.every("agent-activity", settings.activityReportMs(), this::report);
    }

    /** The caller, when it is an agent, was seen working. */
    public void saw(Caller caller) {
        if (caller.isAgent()) {
            seen.add(UUID.fromString(caller.id()));
        }
    }

    /** Sends what was seen since the last report; answers how many agents it reported. */
    int report() {
        Set<UUID> batch = new java.util.HashSet<>(hub.streamingAgents());
        for (UUID id : seen) {
            seen.remove(id);
            batch.add(id);
        }
        if (batch.isEmpty()) {
            return 0;
        }
        List<UUID> all = new ArrayList<>(batch);
        for (int from = 0; from < all.size(); from += MAX_PER_CALL) {
            List<UUID> part = all.subList(from, Math.min(all.size(), from + MAX_PER_CALL));
            try {
                registry.activity(part);
                metrics.activityReported(part.size());
            } catch (RuntimeException e) {
                seen.addAll(part); // the next report carries them
                LOG.log(Level.FINE, "registry unavailable; " + part.size() + " active agents reported next time", e);
            }
        }
        return all.size();
    }
}
