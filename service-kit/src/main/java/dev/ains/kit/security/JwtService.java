package dev.ains.kit.security;

import java.security.Key;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.MalformedJwtException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signs and verifies the platform's JWTs (ES256). Every service signs with its own keys ({@link SigningKeys}) and
 * publishes their public halves; no service holds a secret that lets it speak for another. The key id names the
 * service that signed ({@code <service>/<id>}), and what a signer may say is limited: the token authority
 * ({@code ains.auth.authority}, the registry) issues tokens for clients, agents and operators; any other
 * service's key only vouches for that service's own identity (role {@code service}, subject its name).
 */
@ApplicationScoped
public class JwtService {
    private static final Logger LOG = Logger.getLogger(JwtService.class.getName());
    private static final String ISSUER = "ains";

    private final SigningKeys keys;
    private final IssuerKeys issuers;
    private final Revocations revocations;
    private final JwtParser parser;
    private final long ttlSeconds;
    private volatile String serviceToken;
    private volatile Instant serviceTokenRenewAt = Instant.EPOCH;
    private final String serviceName;
    private final String authority;
    private final Clock clock;
    /**
     * Tokens already verified, until they expire: a client sends the same token with every call, and
     * parsing it again (base64, JSON, signature) was a large share of a cheap request's cost. Bounded; emptied
     * when full, which costs one parse per token in use.
     */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    static final int MAX_CACHED = 10_000;

    @Inject
    public JwtService(SigningKeys keys, IssuerKeys issuers, Revocations revocations,
                      @ConfigProperty(name = "ains.auth.token-ttl-seconds", defaultValue = "3600") long ttlSeconds,
                      @ConfigProperty(name = "ains.service.name", defaultValue = "ains") String serviceName,
                      @ConfigProperty(name = "ains.auth.authority", defaultValue = "agent-registry") String authority) {
        this(keys, issuers, revocations, ttlSeconds, serviceName, authority, Clock.systemUTC());
    }

    /** @param revocations null: nothing is ever revoked (tests of signing and verifying alone) */
    JwtService(SigningKeys keys, IssuerKeys issuers, Revocations revocations, long ttlSeconds, String serviceName,
               String authority, Clock clock) {
        this.keys = keys;
        this.issuers = issuers;
        this.revocations = revocations;
        this.clock = clock;
        this.parser = Jwts.parser().keyLocator(new LocatorAdapter<Key>() {
                    @Override
                    protected Key locate(JwsHeader header) {
                        return publicKey(header.getKeyId());
                    }
                }).requireIssuer(ISSUER).clock(() -> java.util.Date.from(clock.instant())).build();
        this.ttlSeconds = ttlSeconds;
        this.serviceName = serviceName;
        this.authority = authority;
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }

    /** A token signed with this service's current key; only the authority's tokens may carry other roles. */
    public String issue(String subject, Collection<String> roles, long ttl) {
        Instant now = clock.instant();
        SigningKeys.Key key = keys.signingKey();
        return Jwts.builder()
                .header().keyId(key.kid()).and()
                .id(UUID.randomUUID().toString()) // what a revocation names
                .issuer(ISSUER)
                .subject(subject)
                .claim("roles", List.copyOf(roles))
                .issuedAt(java.util.Date.from(now))
                .expiration(java.util.Date.from(now.plusSeconds(ttl)))
                .signWith(key.privateKey(), Jwts.SIG.ES256)
                .compact();
    }

    /** The caller a valid token speaks for: signed by a key its signer publishes, unexpired, not revoked. */
    public Optional<Caller> verify(String token) {
        return read(token).filter(v -> !revoked(v)).map(Verified::caller);
    }

    /** What a token says, when its signature and expiry hold; revoked or not. */
    public record Verified(Caller caller, Instant expiresAt, String jti, Instant issuedAt) {
    }

    /** A token's facts when it is genuine and unexpired, whether or not it has been revoked (revocation reads it). */
    public Optional<Verified> read(String token) {
        Verified seen = verified.get(token);
        if (seen != null) {
            if (clock.instant().isBefore(seen.expiresAt())) {
                return Optional.of(seen);
            }
            verified.remove(token);
            return Optional.empty();
        }
        try {
            Jws<Claims> jws = parser.parseSignedClaims(token);
            Claims claims = jws.getPayload();
            Set<String> roles = new LinkedHashSet<>();
            if (claims.get("roles") instanceof Collection<?> c) {
                c.forEach(r -> roles.add(String.valueOf(r)));
            }
            Caller caller = new Caller(claims.getSubject(), Set.copyOf(roles));
            String signer = signerOf(jws.getHeader().getKeyId());
            if (!signer.equals(authority) && !(roles.equals(Set.of(Roles.SERVICE)) && signer.equals(caller.id()))) {
                LOG.warning(() -> "a token signed by " + signer + " claimed to be " + caller.id() + " with roles "
                        + roles + ": refused (a service's key vouches only for that service)");
                return Optional.empty();
            }
            Verified v = new Verified(caller, claims.getExpiration() == null ? null : claims.getExpiration().toInstant(),
                    claims.getId(), claims.getIssuedAt() == null ? null : claims.getIssuedAt().toInstant());
            if (v.expiresAt() != null) { // a token without an expiry is parsed every time
                if (verified.size() >= MAX_CACHED) {
                    verified.clear();
                }
                verified.put(token, v);
            }
            return Optional.of(v);
        } catch (JwtException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private boolean revoked(Verified v) {
        return revocations != null && revocations.tokenRevoked(v.caller().id(), v.jti(), v.issuedAt());
    }

    /** The service a key id names: {@code <service>/<id>}. */
    private static String signerOf(String kid) {
        int slash = kid == null ? -1 : kid.indexOf('/');
        if (slash <= 0) {
            throw new MalformedJwtException("the token's key id names no signer");
        }
        return kid.substring(0, slash);
    }

    private Key publicKey(String kid) {
        String signer = signerOf(kid);
        Optional<java.security.PublicKey> key = signer.equals(serviceName) ? keys.publicKey(kid)
                : issuers.find(signer, kid);
        return key.orElseThrow(() -> new MalformedJwtException("unknown signing key " + kid));
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
                    long life = SigningKeys.SERVICE_TOKEN_LIFETIME.toSeconds();
                    serviceToken = issue(serviceName, List.of(Roles.SERVICE), life);
                    serviceTokenRenewAt = clock.instant().plusSeconds(life / 2);
                }
            }
        }
        return serviceToken;
    }
}
