package dev.ains.kit.security;

import io.helidon.http.HeaderNames;
import io.helidon.microprofile.server.RoutingPath;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * This service's public signing keys as a JWK set (RFC 7517) at the well-known path that OAuth 2.0 and OpenID
 * tooling look for: what the other services, and anyone checking a token, verify signatures with. Public, like
 * health: a key set is meant to be read by everyone.
 */
@ApplicationScoped
@RoutingPath(IssuerKeys.WELL_KNOWN)
public class JwksService implements HttpService {
    @Inject
    SigningKeys keys;

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/jwk-set+json");
            // verifiers keep a set for a minute; a rotation publishes the next key well before it signs
            res.header(HeaderNames.CACHE_CONTROL, "public, max-age=60");
            res.send(keys.jwks());
        });
    }
}
