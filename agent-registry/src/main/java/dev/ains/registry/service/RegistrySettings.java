package dev.ains.registry.service;

import dev.ains.registry.trust.TrustModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/** agent-registry's own configuration, read once. */
@ApplicationScoped
public class RegistrySettings {
    private final boolean openSignup;
    private final int defaultHeartbeatSeconds;
    private final int missedIntervals;
    private final long offlineCheckMs;
    private final TrustModel trust;
    private final String adminClientId;
    private final String adminClientSecret;
    private final int loginMaxFailures;
    private final int loginWindowSeconds;
    private final int loginLockoutSeconds;
    private final long loginSlowdownMs;
    private final int rotationGraceSeconds;

    @Inject
    public RegistrySettings(Config c) {
        openSignup = c.getOptionalValue("ains.registry.open-signup", Boolean.class).orElse(true);
        defaultHeartbeatSeconds = c.getOptionalValue("ains.registry.heartbeat.default-interval-seconds", Integer.class)
                .orElse(10);
        missedIntervals = c.getOptionalValue("ains.registry.heartbeat.missed-intervals", Integer.class).orElse(3);
        offlineCheckMs = c.getOptionalValue("ains.registry.offline-check-ms", Long.class).orElse(1000L);
        trust = new TrustModel(
                c.getOptionalValue("ains.trust.half-life-hours", Double.class).orElse(168.0),
                c.getOptionalValue("ains.trust.prior-successes", Double.class).orElse(2.0),
                c.getOptionalValue("ains.trust.prior-failures", Double.class).orElse(2.0),
                c.getOptionalValue("ains.trust.weight.reliability", Double.class).orElse(0.6),
                c.getOptionalValue("ains.trust.weight.latency", Double.class).orElse(0.15),
                c.getOptionalValue("ains.trust.weight.rating", Double.class).orElse(0.1),
                c.getOptionalValue("ains.trust.weight.uptime", Double.class).orElse(0.1),
                c.getOptionalValue("ains.trust.weight.consistency", Double.class).orElse(0.05));
        adminClientId = c.getOptionalValue("ains.registry.admin-client-id", String.class).orElse("");
        adminClientSecret = c.getOptionalValue("ains.registry.admin-client-secret", String.class).orElse("");
        loginMaxFailures = c.getOptionalValue("ains.registry.login.max-failures", Integer.class).orElse(5);
        loginWindowSeconds = c.getOptionalValue("ains.registry.login.window-seconds", Integer.class).orElse(900);
        loginLockoutSeconds = c.getOptionalValue("ains.registry.login.lockout-seconds", Integer.class).orElse(900);
        loginSlowdownMs = c.getOptionalValue("ains.registry.login.slowdown-ms", Long.class).orElse(250L);
        rotationGraceSeconds = c.getOptionalValue("ains.registry.rotation-grace-seconds", Integer.class)
                .orElse(86_400);
    }

    /** How long a replaced client secret or API key keeps working when the rotation does not say. */
    public int rotationGraceSeconds() {
        return rotationGraceSeconds;
    }

    /** Failed secrets for one client id, within the window, that lock it out. */
    public int loginMaxFailures() {
        return loginMaxFailures;
    }

    public int loginWindowSeconds() {
        return loginWindowSeconds;
    }

    public int loginLockoutSeconds() {
        return loginLockoutSeconds;
    }

    /** The answer to the second failure waits this long, doubling with each further one (at most 2 s). */
    public long loginSlowdownMs() {
        return loginSlowdownMs;
    }

    public boolean openSignup() {
        return openSignup;
    }

    public int defaultHeartbeatSeconds() {
        return defaultHeartbeatSeconds;
    }

    public int missedIntervals() {
        return missedIntervals;
    }

    public long offlineCheckMs() {
        return offlineCheckMs;
    }

    public TrustModel trust() {
        return trust;
    }

    public String adminClientId() {
        return adminClientId;
    }

    public String adminClientSecret() {
        return adminClientSecret;
    }
}
