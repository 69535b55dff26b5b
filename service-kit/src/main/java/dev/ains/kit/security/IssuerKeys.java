package dev.ains.kit.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;

import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The public keys of the other services, read from their {@code /.well-known/jwks.json}: a token signed by
 * service X's key is X speaking. Where X's key set lives: {@code ains.auth.issuers.<X>.jwks-url}, else X's REST
 * client address ({@code <X>/mp-rest/url}) with the well-known path; a service nobody configured is not trusted.
 * A set is kept for {@code ains.auth.jwks-refresh-seconds} and read again sooner only for a key id it does not
 * have (at most once per {@code ains.auth.jwks-min-refetch-ms}, so unknown ids cannot flood the issuer). A failed
 * read keeps the keys already known.
 */
@ApplicationScoped
public class IssuerKeys {
    private static final Logger LOG = Logger.getLogger(IssuerKeys.class.getName());
    static final String WELL_KNOWN = "/.well-known/jwks.json";

    private record KeySet(Map<String, PublicKey> keys, Instant fetchedAt) {
    }

    private final Map<String, KeySet> sets = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastAttempt = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Function<String, Optional<String>> urls;
    private final MetricRegistry metrics;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration refresh;
    private final Duration minRefetch;
    private final Clock clock = Clock.systemUTC();

    @Inject
    public IssuerKeys(Config config, @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry metrics) {
        this(issuer -> url(config, issuer),
                Duration.ofMillis(config.getOptionalValue("ains.auth.jwks-timeout-ms", Long.class).orElse(2000L)),
                Duration.ofSeconds(config.getOptionalValue("ains.auth.jwks-refresh-seconds", Long.class).orElse(60L)),
                Duration.ofMillis(config.getOptionalValue("ains.auth.jwks-min-refetch-ms", Long.class).orElse(1000L)),
                metrics);
    }

    /** @param metrics null: not counted */
    IssuerKeys(Function<String, Optional<String>> urls, Duration timeout, Duration refresh, Duration minRefetch,
               MetricRegistry metrics) {
        this.urls = urls;
        this.metrics = metrics;
        this.timeout = timeout;
        this.refresh = refresh;
        this.minRefetch = minRefetch;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** The issuer's key with this id, if the issuer is trusted and publishes it. */
    Optional<PublicKey> find(String issuer, String kid) {
        Optional<String> url = urls.apply(issuer);
        if (url.isEmpty()) {
            return Optional.empty();
        }
        KeySet set = sets.get(issuer);
        if (needsFetch(set, kid)) {
            // one read per issuer at a time; who waited for it uses what it brought
            synchronized (locks.computeIfAbsent(issuer, i -> new Object())) {
                KeySet current = sets.get(issuer);
                if (current == set || needsFetch(current, kid)) {
                    set = mayFetch(issuer) ? fetch(issuer, url.get()).orElse(current) : current;
                } else {
                    set = current;
                }
            }
        }
        return set == null ? Optional.empty() : Optional.ofNullable(set.keys().get(kid));
    }

    private boolean needsFetch(KeySet set, String kid) {
        return set == null || !set.keys().containsKey(kid) || set.fetchedAt().plus(refresh).isBefore(clock.instant());
    }

    private boolean mayFetch(String issuer) {
        Instant now = clock.instant();
        Instant last = lastAttempt.get(issuer);
        if (last != null && last.plus(minRefetch).isAfter(now)) {
            return false;
        }
        lastAttempt.put(issuer, now);
        return true;
    }

    private Optional<KeySet> fetch(String issuer, String url) {
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + res.statusCode());
            }
            JwkSet parsed = Jwks.setParser().build().parse(res.body());
            Map<String, PublicKey> keys = new HashMap<>();
            for (Jwk<?> jwk : parsed) {
                Key k = jwk.toKey();
                // only keys named for this issuer: one document may not speak for another service
                if (k instanceof PublicKey pk && jwk.getId() != null && jwk.getId().startsWith(issuer + "/")) {
                    keys.put(jwk.getId(), pk);
                }
            }
            KeySet set = new KeySet(Map.copyOf(keys), clock.instant());
            sets.put(issuer, set);
            count(issuer, "ok");
            return Optional.of(set);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            count(issuer, "failed");
            LOG.warning(() -> "the key set of " + issuer + " at " + url + " could not be read (" + e
                    + "); the keys known before stay");
            return Optional.empty();
        }
    }

    private void count(String issuer, String result) {
        if (metrics != null) {
            metrics.counter("ains_auth_jwks_fetches_total", new Tag("issuer", issuer), new Tag("result", result)).inc();
        }
    }

    private static Optional<String> url(Config config, String issuer) {
        Optional<String> explicit = config.getOptionalValue("ains.auth.issuers." + issuer + ".jwks-url", String.class);
        if (explicit.isPresent()) {
            return explicit;
        }
        return config.getOptionalValue(issuer + "/mp-rest/url", String.class)
                .map(base -> base.replaceAll("/+$", "") + WELL_KNOWN);
    }
}
