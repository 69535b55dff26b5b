package dev.ains.kit.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.ains.kit.jobs.BackgroundJobs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * What the registry has revoked, as this process knows it: tokens by id, a subject's tokens issued before a time,
 * and agents whose key checks must be asked again. Read from the registry's feed ({@link RevocationFeed}) every
 * {@code ains.auth.revocation-poll-ms} by every replica of every service, so a revocation is refused everywhere
 * within about that time (a verified token or key check in a cache included).
 */
@ApplicationScoped
public class Revocations {
    private static final Logger LOG = Logger.getLogger(Revocations.class.getName());
    /** Commits can land out of order; each poll asks again for this much before the last answer. */
    static final Duration OVERLAP = Duration.ofSeconds(10);

    /** One entry of the feed; {@code jti} for a token, {@code issuedBefore} for a subject. */
    public record Entry(String kind, String subject, String jti, Instant issuedBefore, Instant recordedAt,
                        Instant expiresAt) {
    }

    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<String, Instant> subjects = new ConcurrentHashMap<>();
    private final Map<String, Instant> agents = new ConcurrentHashMap<>();
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private volatile Instant asOf;
    private volatile Instant lastSuccess;

    @Inject
    RevocationFeed feed;
    @Inject
    BackgroundJobs jobs;
    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry metrics;
    @Inject
    @ConfigProperty(name = "ains.auth.revocation-poll-ms", defaultValue = "1000")
    long pollMs;

    private final Clock clock = Clock.systemUTC();

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        metrics.gauge("ains_auth_revocations_known", this, r -> (double) (r.tokens.size() + r.subjects.size()
                + r.agents.size()));
        // how stale this process's view is: alert when it grows (the registry unreachable)
        metrics.gauge("ains_auth_revocation_feed_age_seconds", this, r -> r.lastSuccess == null ? -1
                : Duration.between(r.lastSuccess, r.clock.instant()).toMillis() / 1000.0);
        jobs.every("revocations", pollMs, this::poll);
    }

    /** Reads what was revoked since the last answer (with an overlap) and applies it. */
    public void poll() {
        try {
            RevocationFeed.Page page = feed.since(asOf == null ? null : asOf.minus(OVERLAP));
            apply(page.items());
            asOf = page.asOf();
            lastSuccess = clock.instant();
            forgetExpired();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the registry's revocations could not be read; the known ones stay: " + e, e);
        }
    }

    void apply(List<Entry> entries) {
        for (Entry e : entries) {
            switch (e.kind()) {
                case "token" -> {
                    if (e.jti() != null) {
                        tokens.put(e.jti(), e.expiresAt());
                    }
                }
                case "subject" -> subjects.merge(e.subject(), e.issuedBefore(), (a, b) -> a.isAfter(b) ? a : b);
                case "agent" -> agents.merge(e.subject(), e.recordedAt(), (a, b) -> a.isAfter(b) ? a : b);
                default -> LOG.fine(() -> "unknown revocation kind " + e.kind());
            }
            expiries.merge(e.kind() + ":" + e.subject() + ":" + e.jti(), e.expiresAt(), (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    private void forgetExpired() {
        Instant now = clock.instant();
        tokens.values().removeIf(exp -> exp.isBefore(now));
        expiries.entrySet().removeIf(x -> {
            if (!x.getValue().isBefore(now)) {
                return false;
            }
            String[] k = x.getKey().split(":", 3);
            if (k[0].equals("subject")) {
                subjects.remove(k[1]);
            } else if (k[0].equals("agent")) {
                agents.remove(k[1]);
            }
            return true;
        });
    }

    /** Whether a token of this subject, with this id and issue time, has been revoked. */
    public boolean tokenRevoked(String subject, String jti, Instant issuedAt) {
        if (jti != null && tokens.containsKey(jti)) {
            return true;
        }
        Instant before = subjects.get(subject);
        return before != null && (issuedAt == null || issuedAt.isBefore(before));
    }

    /** Whether the agent's key checks made at {@code checkedAt} must be asked again. */
    public boolean agentRevokedSince(String agentId, Instant checkedAt) {
        Instant at = agents.get(agentId);
        return at != null && !at.isBefore(checkedAt.minusSeconds(1));
    }
}
