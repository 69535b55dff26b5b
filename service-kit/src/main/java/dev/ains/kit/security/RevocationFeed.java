package dev.ains.kit.security;

import java.time.Instant;
import java.util.List;

/**
 * Where {@link Revocations} reads the registry's revocations: over HTTP in the other services
 * ({@link RegistryRevocationFeed}), from its own database in the registry.
 */
public interface RevocationFeed {
    /** The entries recorded at or after {@code since} (all unexpired ones when null), and the registry's time. */
    Page since(Instant since);

    record Page(List<Revocations.Entry> items, Instant asOf) {
    }
}
