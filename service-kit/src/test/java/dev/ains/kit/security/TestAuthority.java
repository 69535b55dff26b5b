package dev.ains.kit.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import com.sun.net.httpserver.HttpServer;

/**
 * The token authority (the registry) for tests of the other services: it signs clients', agents', operators'
 * and services' tokens with a key of its own and publishes that key on loopback, where the service under test is
 * told to look for the registry's key set ({@code ains.auth.issuers.agent-registry.jwks-url}). Start it in a
 * test class's static initialiser, before the service's container starts.
 */
public final class TestAuthority {
    private static TestAuthority running;

    private final JwtService jwt;
    private final SigningKeys keys;

    private TestAuthority() {
        KeyPair pair = SigningKeys.generate();
        Clock clock = Clock.systemUTC();
        keys = new SigningKeys("agent-registry", clock, List.of(new SigningKeys.Key("agent-registry/" + UUID.randomUUID(),
                pair.getPrivate(), pair.getPublic(), clock.instant().minusSeconds(60))));
        jwt = new JwtService(keys, null, null, 3600, "agent-registry", "agent-registry", clock);
    }

    /** The one authority of this JVM, publishing its key set; the property points the services at it. */
    public static synchronized TestAuthority start() {
        if (running == null) {
            TestAuthority authority = new TestAuthority();
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.createContext(IssuerKeys.WELL_KNOWN, exchange -> {
                    byte[] body = authority.keys.jwks().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                server.start();
                System.setProperty("ains.auth.issuers.agent-registry.jwks-url",
                        "http://127.0.0.1:" + server.getAddress().getPort() + IssuerKeys.WELL_KNOWN);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            running = authority;
        }
        return running;
    }

    /** A token the services accept as the registry's: any subject, any roles. */
    public String issue(String subject, Collection<String> roles, long ttlSeconds) {
        return jwt.issue(subject, roles, ttlSeconds);
    }
}
