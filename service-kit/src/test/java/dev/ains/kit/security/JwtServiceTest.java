package dev.ains.kit.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Test;

/**
 * Tokens are signed with the signer's own key and verified with its published one; a service's key vouches only
 * for that service; verified tokens are cached, but never past their expiry and never for a token that differs by
 * a byte.
 */
class JwtServiceTest {
    /** A clock the test moves by hand. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    /** The token authority (the registry), verifying its own tokens. */
    private final JwtService jwt = service("agent-registry", null);

    private JwtService service(String name, IssuerKeys issuers) {
        SigningKeys.Key key = key(name);
        return new JwtService(new SigningKeys(name, clock, List.of(key)), issuers, null, 3600, name, "agent-registry", clock);
    }

    private SigningKeys.Key key(String service) {
        KeyPair pair = SigningKeys.generate();
        return new SigningKeys.Key(service + "/" + UUID.randomUUID(), pair.getPrivate(), pair.getPublic(),
                clock.instant().minusSeconds(1));
    }

    /** Serves the given key sets at /{service}/.well-known/jwks.json; answers how often each was read. */
    private static final class KeySetServer implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, SigningKeys> sets = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

        KeySetServer() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                String service = exchange.getRequestURI().getPath().split("/")[1];
                SigningKeys keys = sets.get(service);
                byte[] body = keys == null ? new byte[0] : keys.jwks().getBytes(StandardCharsets.UTF_8);
                reads.computeIfAbsent(service, s -> new AtomicInteger()).incrementAndGet();
                exchange.sendResponseHeaders(keys == null ? 404 : 200, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        IssuerKeys issuerKeys() {
            return new IssuerKeys(issuer -> Optional.of("http://127.0.0.1:" + server.getAddress().getPort() + "/"
                    + issuer + IssuerKeys.WELL_KNOWN), Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ZERO, null);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void aVerifiedTokenIsAnsweredAgainUntilItExpires() {
        String token = jwt.issue("cl_1", List.of(Roles.CLIENT), 60);
        Caller first = jwt.verify(token).orElseThrow();
        assertThat(first.id()).isEqualTo("cl_1");
        assertThat(first.has(Roles.CLIENT)).isTrue();
        assertThat(jwt.verify(token)).containsSame(first); // from the cache

        clock.advance(Duration.ofSeconds(59));
        assertThat(jwt.verify(token)).isPresent();
        clock.advance(Duration.ofSeconds(2));
        assertThat(jwt.verify(token)).isEmpty(); // cached, but expired
        assertThat(jwt.verify(token)).isEmpty(); // and parsed again: still expired
    }

    @Test
    void aTamperedOrForeignTokenIsRefusedEvenWhenTheOriginalIsCached() {
        String token = jwt.issue("cl_1", List.of(Roles.CLIENT), 60);
        assertThat(jwt.verify(token)).isPresent();
        String[] parts = token.split("\\.");
        String admin = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"iss\":\"ains\",\"sub\":\"cl_1\",\"roles\":[\"admin\"]}".getBytes());
        assertThat(jwt.verify(parts[0] + "." + admin + "." + parts[2])).isEmpty();
        assertThat(jwt.verify(token.substring(0, token.length() - 2) + "AA")).isEmpty();
        JwtService stranger = service("agent-registry", null); // a key of the same name the verifier never saw
        assertThat(jwt.verify(stranger.issue("cl_1", List.of(Roles.ADMIN), 60))).isEmpty();
    }

    @Test
    void aServicesKeyVouchesForThatServiceAloneAndNeverForAnAdminOrAClient() throws IOException {
        try (KeySetServer published = new KeySetServer()) {
            SigningKeys taskKeys = new SigningKeys("task-service", clock, List.of(key("task-service")));
            published.sets.put("task-service", taskKeys);
            JwtService taskService = new JwtService(taskKeys, null, null, 3600, "task-service", "agent-registry", clock);
            JwtService analytics = service("analytics-service", published.issuerKeys());

            Caller caller = analytics.verify(taskService.serviceToken()).orElseThrow();
            assertThat(caller.id()).isEqualTo("task-service");
            assertThat(caller.has(Roles.SERVICE)).isTrue();
            // what a service with a leaked key, or a rogue one, would try
            assertThat(analytics.verify(taskService.issue("ops", List.of(Roles.ADMIN), 60))).isEmpty();
            assertThat(analytics.verify(taskService.issue("cl_1", List.of(Roles.CLIENT), 60))).isEmpty();
            assertThat(analytics.verify(taskService.issue("economic-service", List.of(Roles.SERVICE), 60))).isEmpty();
            assertThat(analytics.verify(taskService.issue("task-service", List.of(Roles.SERVICE, Roles.ADMIN), 60)))
                    .isEmpty();
            // a key its service does not publish is not trusted, whoever publishes it
            SigningKeys forged = new SigningKeys("economic-service", clock, List.of(key("economic-service")));
            published.sets.put("task-service", forged);
            JwtService forger = new JwtService(forged, null, null, 3600, "economic-service", "agent-registry", clock);
            assertThat(analytics.verify(forger.serviceToken())).isEmpty();
        }
    }

    @Test
    void callsThatMeetAnIssuerFirstAllWaitForItsKeySet() throws Exception {
        try (KeySetServer published = new KeySetServer()) {
            SigningKeys registryKeys = new SigningKeys("agent-registry", clock, List.of(key("agent-registry")));
            published.sets.put("agent-registry", registryKeys);
            JwtService registry = new JwtService(registryKeys, null, null, 3600, "agent-registry", "agent-registry", clock);
            JwtService tasks = service("task-service", published.issuerKeys());
            List<String> tokens = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                tokens.add(registry.issue("cl_" + i, List.of(Roles.CLIENT), 60));
            }
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                List<java.util.concurrent.Future<Optional<Caller>>> answers = new java.util.ArrayList<>();
                for (String t : tokens) {
                    answers.add(pool.submit(() -> tasks.verify(t)));
                }
                for (var a : answers) {
                    assertThat(a.get()).isPresent();
                }
            }
            assertThat(published.reads.get("agent-registry").get()).as("read once for all of them").isEqualTo(1);
        }
    }

    @Test
    void aRotatedKeyIsFoundByItsIdAndTheOldOneStillVerifiesUntilItsTokensExpire() throws IOException {
        try (KeySetServer published = new KeySetServer()) {
            SigningKeys.Key first = key("agent-registry");
            SigningKeys registryKeys = new SigningKeys("agent-registry", clock, List.of(first));
            published.sets.put("agent-registry", registryKeys);
            JwtService registry = new JwtService(registryKeys, null, null, 3600, "agent-registry", "agent-registry", clock);
            JwtService tasks = service("task-service", published.issuerKeys());
            String before = registry.issue("cl_1", List.of(Roles.CLIENT), 600);
            assertThat(tasks.verify(before)).isPresent();

            // the registry rotates: the next key is published, then signs
            KeyPair pair = SigningKeys.generate();
            SigningKeys.Key second = new SigningKeys.Key("agent-registry/" + UUID.randomUUID(), pair.getPrivate(),
                    pair.getPublic(), clock.instant().plusSeconds(60));
            SigningKeys rotated = new SigningKeys("agent-registry", clock, List.of(first, second));
            published.sets.put("agent-registry", rotated);
            JwtService registryAfter = new JwtService(rotated, null, null, 3600, "agent-registry", "agent-registry", clock);
            assertThat(registryAfter.issue("cl_1", List.of(Roles.CLIENT), 600)).as("not yet the new key")
                    .isNotNull();
            clock.advance(Duration.ofSeconds(61));
            String after = registryAfter.issue("cl_2", List.of(Roles.CLIENT), 600);
            assertThat(after).isNotEqualTo(before);
            assertThat(tasks.verify(after).orElseThrow().id()).as("unknown key id: the set is read again")
                    .isEqualTo("cl_2");
            assertThat(tasks.verify(before)).as("a token of the old key, before it expires").isPresent();
            assertThat(rotated.jwks()).contains(first.kid()).contains(second.kid());
            clock.advance(Duration.ofHours(2));
            assertThat(rotated.jwks()).as("published until the last token it signed has expired")
                    .doesNotContain(first.kid()).contains(second.kid());
        }
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceEvenFromTheCacheAndASubjectsOlderTokensWithIt() {
        Revocations revocations = new Revocations();
        JwtService registry = new JwtService(new SigningKeys("agent-registry", clock, List.of(key("agent-registry"))),
                null, revocations, 3600, "agent-registry", "agent-registry", clock);
        String one = registry.issue("cl_1", List.of(Roles.CLIENT), 600);
        String two = registry.issue("cl_1", List.of(Roles.CLIENT), 600);
        assertThat(registry.verify(one)).isPresent();
        assertThat(registry.verify(two)).isPresent();

        revocations.apply(List.of(new Revocations.Entry("token", "cl_1", claim(one, "jti"), null, clock.instant(),
                clock.instant().plusSeconds(600))));
        assertThat(registry.verify(one)).as("cached, and revoked").isEmpty();
        assertThat(registry.verify(two)).as("another token of the same client").isPresent();

        clock.advance(Duration.ofSeconds(5));
        revocations.apply(List.of(new Revocations.Entry("subject", "cl_1", null, clock.instant(), clock.instant(),
                clock.instant().plusSeconds(3600))));
        assertThat(registry.verify(two)).as("issued before the client's tokens were revoked").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(registry.verify(registry.issue("cl_1", List.of(Roles.CLIENT), 600))).as("signed in again")
                .isPresent();
        assertThat(registry.verify(registry.issue("cl_2", List.of(Roles.CLIENT), 600))).isPresent();
    }

    private static String claim(String jwt, String name) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
                StandardCharsets.UTF_8);
        return dev.ains.kit.json.Json.tree(payload).get(name).asText();
    }

    @Test
    void theCacheStaysBounded() {
        for (int i = 0; i < JwtService.MAX_CACHED + 10; i++) {
            assertThat(jwt.verify(jwt.issue("cl_" + i, List.of(Roles.CLIENT), 60))).isPresent();
        }
        assertThat(jwt.cachedTokens()).isLessThanOrEqualTo(JwtService.MAX_CACHED);
        String token = jwt.issue("cl_last", List.of(Roles.CLIENT), 60);
        assertThat(jwt.verify(token).orElseThrow().id()).isEqualTo("cl_last");
    }
}
