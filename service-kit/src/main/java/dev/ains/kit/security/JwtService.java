package dev.ains.kit.security;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import javax.crypto.SecretKey;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signs and verifies the platform's JWTs (HMAC-SHA, HS256 to HS512 by secret length, with a secret shared by the services through
 * {@code ains.auth.jwt-secret}, which must be set and strong: see {@link SecretPolicy}). The registry issues client tokens; every service mints its own
 * short-lived service token for the calls it makes.
 */
@ApplicationScoped
public class JwtService {
    private static final Logger LOG = Logger.getLogger(JwtService.class.getName());
    private static final String ISSUER = "ains";

    private final SecretKey key;
    private final JwtParser parser;
    private final long ttlSeconds;
    private volatile String serviceToken;
    private volatile Instant serviceTokenRenewAt = Instant.EPOCH;
    private final String serviceName;
    private final Clock clock;
    /**
     * Tokens already verified, until they expire: a client sends the same token with every call, and
     * parsing it again (base64, JSON, HMAC) was a large share of a cheap request's cost. Bounded; emptied
     * when full, which costs one parse per token in use.
     */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    static final int MAX_CACHED = 10_000;

    private record Verified(Caller caller, Instant expiresAt) {
    }

    @Inject
    public JwtService(@ConfigProperty(name = "ains.auth.jwt-secret") Optional<String> secret,
                      @ConfigProperty(name = "ains.local", defaultValue = "false") boolean local,
                      @ConfigProperty(name = "ains.auth.token-ttl-seconds", defaultValue = "3600") long ttlSeconds,
                      @ConfigProperty(name = "ains.service.name", defaultValue = "ains") String serviceName) {
        this(SecretPolicy.tokenSecret(secret, local), ttlSeconds, serviceName, Clock.systemUTC());
    }

    /** Created at start, not at the first request: a service with a bad secret must not start at all. */
    void atStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        LOG.fine(() -> "token secret checked for " + serviceName);
    }

    JwtService(String secret, long ttlSeconds, String serviceName, Clock clock) {
        byte[] bytes = SecretPolicy.requireStrong("ains.auth.jwt-secret", secret, SecretPolicy.MIN_TOKEN_SECRET_BYTES)
                .getBytes(StandardCharsets.UTF_8);
        this.key = Keys.hmacShaKeyFor(bytes);
        this.clock = clock;
        this.parser = Jwts.parser().verifyWith(key).requireIssuer(ISSUER)
                .clock(() -> java.util.Date.from(clock.instant())).build();
        this.ttlSeconds = ttlSeconds;
        this.serviceName = serviceName;
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }

    public String issue(String subject, Collection<String> roles, long ttl) {
        Instant now = clock.instant();
        return Jwts.builder()
                .issuer(ISSUER)
                .subject(subject)
                .claim("roles", List.copyOf(roles))
                .issuedAt(java.util.Date.from(now))
                .expiration(java.util.Date.from(now.plusSeconds(ttl)))
                .signWith(key)
                .compact();
    }

    public Optional<Caller> verify(String token) {
        Verified seen = verified.get(token);
        if (seen != null) {
            if (clock.instant().isBefore(seen.expiresAt())) {
                return Optional.of(seen.caller());
            }
            verified.remove(token);
            return Optional.empty();
        }
        try {
            Claims claims = parser.parseSignedClaims(token).getPayload();
            Set<String> roles = new LinkedHashSet<>();
            if (claims.get("roles") instanceof Collection<?> c) {
                c.forEach(r -> roles.add(String.valueOf(r)));
            }
            Caller caller = new Caller(claims.getSubject(), Set.copyOf(roles));
            if (claims.getExpiration() != null) { // a token without an expiry is parsed every time
                if (verified.size() >= MAX_CACHED) {
                    verified.clear();
                }
                verified.put(token, new Verified(caller, claims.getExpiration().toInstant()));
            }
            return Optional.of(caller);
        } catch (JwtException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** How many verified tokens are remembered (tests). */
    int cachedTokens() {
        return verified.size();
    }

    /** This service's own token for service-to-service calls, renewed well before it expires. */
    public String serviceToken() {
        if (clock.instant().isAfter(serviceTokenRenewAt)) {
            synchronized (this) {
                if (clock.instant().isAfter(serviceTokenRenewAt)) {
                    serviceToken = issue(serviceName, List.of(Roles.SERVICE), 3600);
                    serviceTokenRenewAt = clock.instant().plusSeconds(1800);
                }
            }
        }
        return serviceToken;
    }
}
