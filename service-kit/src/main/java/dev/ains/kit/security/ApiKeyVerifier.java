package dev.ains.kit.security;

import java.util.Optional;

/** Implemented by a service that accepts agent API keys ({@code X-API-Key}). */
public interface ApiKeyVerifier {
    /** The agent the key belongs to, or empty when the key is unknown or revoked. */
    Optional<Caller> verify(String apiKey);
}
