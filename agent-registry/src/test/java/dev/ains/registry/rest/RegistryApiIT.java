package dev.ains.registry.rest;

import static dev.ains.kit.testing.Api.fields;
import static dev.ains.kit.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.ains.kit.security.JwtService;
import dev.ains.kit.security.Roles;
import dev.ains.kit.testing.Api;
import dev.ains.kit.testing.Api.Auth;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** agent-registry on a random port against a real (embedded) PostgreSQL, over HTTP. */
@HelidonTest
@AddConfig(key = "ains.local", value = "true")
@AddConfig(key = "ains.db.embedded.durable", value = "false")
@AddConfig(key = "ains.registry.heartbeat.missed-intervals", value = "1")
@AddConfig(key = "ains.registry.offline-check-ms", value = "200")
@AddConfig(key = "ains.registry.login.max-failures", value = "3")
@AddConfig(key = "ains.registry.login.lockout-seconds", value = "2")
@AddConfig(key = "ains.registry.login.slowdown-ms", value = "20")
@AddConfig(key = "ains.auth.key-publish-seconds", value = "2")
class RegistryApiIT {
    @Inject
    WebTarget target;
    @Inject
    JwtService jwt;

    private Api api;
    private Auth token;

    @BeforeEach
    void signUp() {
        api = new Api(target);
        JsonNode c = json(api.post("/ains/clients", null, "{\"name\":\"tester\"}"), 201);
        assertThat(c.get("client_secret").asText()).startsWith("cs_");
        JsonNode t = json(api.post("/ains/auth/token", null, "{\"client_id\":\"" + c.get("client_id").asText()
                + "\",\"client_secret\":\"" + c.get("client_secret").asText() + "\"}"), 200);
        token = Auth.bearer(t.get("access_token").asText());
    }

    @Test
    void observabilityAndContractAreServed() {
        Response health = target.path("/health/ready").request().get();
        assertThat(health.getStatus()).isEqualTo(200);
        assertThat(health.readEntity(String.class)).contains("\"database\"", "UP");
        api.post("/ains/clients", null, "{}").close();
        String metrics = api.text("/metrics");
        assertThat(metrics).contains("http_server_request_duration_seconds_bucket", "route=\"/ains/clients\"",
                "status=\"422\"", "ains_agents{");
        assertThat(api.text("/openapi")).contains("AINS agent registry",
                "/ains/agents/{agent_id}/heartbeat");
        assertThat(target.path("/openapi/ui/").request().get().getStatus()).isEqualTo(200);
    }

    /**
     * #12: the signing key rotates while clients sign in and call: the next key is published before it signs, the
     * old one still verifies what it signed, and not one request fails.
     */
    @Test
    void theSigningKeyRotatesWhileRequestsFlowAndNoneFails() throws Exception {
        JsonNode c = json(api.post("/ains/clients", null, "{\"name\":\"busy\"}"), 201);
        String login = "{\"client_id\":\"" + c.get("client_id").asText() + "\",\"client_secret\":\""
                + c.get("client_secret").asText() + "\"}";
        String oldToken = json(api.post("/ains/auth/token", null, login), 200).get("access_token").asText();
        String oldKid = kid(oldToken);
        assertThat(oldKid).startsWith("agent-registry/");
        json(api.post("/ains/auth/keys/rotate", token, ""), 403);
        json(api.post("/ains/auth/keys/rotate", Auth.bearer(oldToken), ""), 403);

        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.List<String> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Thread traffic = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                Response t = api.post("/ains/auth/token", null, login);
                String body = t.readEntity(String.class);
                if (t.getStatus() != 200) {
                    failures.add("token " + t.getStatus() + " " + body);
                    continue;
                }
                String fresh = dev.ains.kit.json.Json.tree(body).get("access_token").asText();
                for (String tk : new String[] {fresh, oldToken}) {
                    int status = api.get("/ains/agents", Auth.bearer(tk)).getStatus();
                    calls.incrementAndGet();
                    if (status != 200) {
                        failures.add("call " + status + " with the token of key " + kid(tk));
                    }
                }
            }
        });
        try {
            JsonNode rotation = json(api.post("/ains/auth/keys/rotate", Auth.bearer(jwt.issue("ops",
                    java.util.List.of(Roles.ADMIN), 60)), ""), 202);
            String newKid = rotation.get("kid").asText();
            assertThat(newKid).startsWith("agent-registry/").isNotEqualTo(oldKid);
            String jwks = api.text("/.well-known/jwks.json");
            assertThat(jwks).as("published before it signs").contains(newKid).contains(oldKid);
            assertThat(kid(json(api.post("/ains/auth/token", null, login), 200).get("access_token").asText()))
                    .as("the old key signs until the new one's time").isEqualTo(oldKid);
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> newKid.equals(kid(json(api.post(
                    "/ains/auth/token", null, login), 200).get("access_token").asText())));
            int before = calls.get();
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> calls.get() > before + 20);
        } finally {
            running.set(false);
            traffic.join();
        }
        assertThat(failures).isEmpty();
        assertThat(calls.get()).isPositive();
        assertThat(api.text("/.well-known/jwks.json")).as("the old key verifies its tokens until they expire")
                .contains(oldKid);

        // #12: the rotation and the refused attempts are in the audit log; sign-ins too
        Auth ops = Auth.bearer(jwt.issue("ops", java.util.List.of(Roles.ADMIN), 60));
        JsonNode rotations = json(api.get("/ains/audit?operation=rotateSigningKey&limit=3", ops), 200).get("items");
        assertThat(rotations.findValuesAsText("status")).containsExactly("202", "403", "403");
        assertThat(rotations.get(0).get("actor").asText()).isEqualTo("ops");
        String clientId = c.get("client_id").asText();
        await().atMost(java.time.Duration.ofSeconds(5)).alias("a sign-in is audited under the client it names")
                .until(() -> json(api.get("/ains/audit?operation=issueToken&actor=" + clientId + "&limit=1", ops), 200)
                        .at("/items/0/status").asInt() == 200);
        json(api.post("/ains/auth/token", null, "{\"client_id\":\"" + clientId + "\",\"client_secret\":\"wrong\"}"),
                401);
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> json(api.get("/ains/audit?operation=issueToken&actor="
                + clientId + "&limit=1", ops), 200).at("/items/0/status").asInt() == 401);
        json(api.get("/ains/audit", token), 403);
    }

    /** #12: a revoked token, and a client's tokens when its secret is revoked at once, are refused within seconds. */
    @Test
    void revokedTokensAreRefusedWithinSecondsAndTheFeedListsThem() {
        JsonNode c = json(api.post("/ains/clients", null, "{\"name\":\"leaky\"}"), 201);
        String id = c.get("client_id").asText();
        String login = "{\"client_id\":\"" + id + "\",\"client_secret\":\"" + c.get("client_secret").asText() + "\"}";
        Auth first = Auth.bearer(json(api.post("/ains/auth/token", null, login), 200).get("access_token").asText());
        Auth second = Auth.bearer(json(api.post("/ains/auth/token", null, login), 200).get("access_token").asText());
        assertThat(api.get("/ains/agents", first).getStatus()).isEqualTo(200);

        // RFC 7009: the form, by the token's own client; someone else's client may not; nonsense changes nothing
        assertThat(api.call("/ains/auth/revoke", token).post(jakarta.ws.rs.client.Entity.form(
                new jakarta.ws.rs.core.Form("token", first.value().substring(7)))).getStatus()).isEqualTo(403);
        assertThat(api.call("/ains/auth/revoke", second).post(jakarta.ws.rs.client.Entity.form(
                new jakarta.ws.rs.core.Form("token", "not-a-token"))).getStatus()).isEqualTo(200);
        assertThat(fields(json(api.post("/ains/auth/revoke", second, "{}"), 422))).containsExactly("token");
        assertThat(api.call("/ains/auth/revoke", second).post(jakarta.ws.rs.client.Entity.form(
                new jakarta.ws.rs.core.Form("token", first.value().substring(7)))).getStatus()).isEqualTo(200);
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> api.get("/ains/agents", first).getStatus() == 401);
        assertThat(api.get("/ains/agents", second).getStatus()).as("only that token").isEqualTo(200);

        // the secret revoked at once: every token issued before goes with it, a new sign-in works
        JsonNode rotated = json(api.post("/ains/clients/" + id + "/secret", second, "{\"grace_seconds\":0}"), 200);
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> api.get("/ains/agents", second).getStatus() == 401);
        try {
            Thread.sleep(1100); // a token's issue time is in whole seconds: sign in again in the next one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Auth fresh = Auth.bearer(json(api.post("/ains/auth/token", null, "{\"client_id\":\"" + id
                + "\",\"client_secret\":\"" + rotated.get("secret").asText() + "\"}"), 200).get("access_token").asText());
        assertThat(api.get("/ains/agents", fresh).getStatus()).isEqualTo(200);

        // what the other services read
        Auth service = Auth.bearer(jwt.issue("task-service", java.util.List.of(Roles.SERVICE), 60));
        JsonNode feed = json(api.get("/ains/internal/revocations", service), 200);
        assertThat(feed.get("as_of").asText()).isNotBlank();
        assertThat(feed.get("items").findValuesAsText("subject")).contains(id);
        assertThat(feed.get("items").findValuesAsText("kind")).contains("token", "subject");
        json(api.get("/ains/internal/revocations", fresh), 403);
    }

    private static String kid(String jwt) {
        String header = new String(java.util.Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
                java.nio.charset.StandardCharsets.UTF_8);
        return dev.ains.kit.json.Json.tree(header).get("kid").asText();
    }

    /** RFC 6749 §4.4: a form-encoded client credentials grant, the secret in the form or in HTTP Basic. */
    @Test
    void theTokenEndpointSpeaksOAuth2ClientCredentials() {
        JsonNode c = json(api.post("/ains/clients", null, "{\"name\":\"oauth\"}"), 201);
        String id = c.get("client_id").asText();
        String secret = c.get("client_secret").asText();
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((id + ":" + secret).getBytes());

        Response post = form("grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret
                + "&scope=anything", null);
        String body = post.readEntity(String.class);
        assertThat(post.getStatus()).as(body).isEqualTo(200);
        assertThat(post.getHeaderString("Cache-Control")).isEqualTo("no-store");
        JsonNode issued = dev.ains.kit.json.Json.tree(body);
        assertThat(issued.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(issued.get("expires_in").asLong()).isPositive();
        assertThat(api.get("/ains/agents", Auth.bearer(issued.get("access_token").asText())).getStatus())
                .isEqualTo(200);
        assertThat(form("grant_type=client_credentials", basic).getStatus()).isEqualTo(200);
        // a caller that sends its current Bearer token along with JSON credentials still gets a token
        json(api.post("/ains/auth/token", Auth.bearer(issued.get("access_token").asText()), "{\"client_id\":\""
                + id + "\",\"client_secret\":\"" + secret + "\"}"), 200);

        // errors in RFC 6749 §5.2 shape, as application/json to a form request
        Response wrong = form("grant_type=client_credentials&client_id=" + id + "&client_secret=wrong", null);
        assertOAuthError(wrong, 401, "invalid_client");
        Response wrongBasic = form("grant_type=client_credentials", "Basic "
                + java.util.Base64.getEncoder().encodeToString((id + ":wrong").getBytes()));
        assertThat(wrongBasic.getHeaderString("WWW-Authenticate")).startsWith("Basic");
        assertOAuthError(wrongBasic, 401, "invalid_client");
        assertOAuthError(form("grant_type=password&username=a&password=b", basic), 400, "unsupported_grant_type");
        assertOAuthError(form("client_id=" + id + "&client_secret=" + secret, null), 400, "invalid_request");
        assertOAuthError(form("grant_type=client_credentials&grant_type=client_credentials", basic), 400,
                "invalid_request");
        assertOAuthError(form("grant_type=client_credentials&client_secret=" + secret, basic), 400,
                "invalid_request");
        assertOAuthError(form("grant_type=client_credentials&client_id=" + id, null), 400, "invalid_request");
        assertOAuthError(form("grant_type=client_credentials", "Basic !!!"), 400, "invalid_request");
        // Basic credentials anywhere else are still refused
        assertThat(target.path("/ains/agents").request().header("Authorization", basic).get().getStatus())
                .isEqualTo(401);
        // the JSON form keeps working, and its errors stay problem+json with the OAuth fields beside
        JsonNode jsonWrong = json(api.post("/ains/auth/token", null, "{\"client_id\":\"" + id
                + "\",\"client_secret\":\"wrong\"}"), 401);
        assertThat(jsonWrong.get("error").asText()).isEqualTo("invalid_client");
        assertThat(json(api.post("/ains/auth/token", null, "{\"grant_type\":\"implicit\",\"client_id\":\"" + id
                + "\",\"client_secret\":\"" + secret + "\"}"), 400).get("error").asText())
                .isEqualTo("unsupported_grant_type");
    }

    /**
     * The token endpoint driven by Nimbus OAuth 2.0 SDK, a widely used client library: both ways of sending
     * the client secret get a token that works, and a wrong secret comes back as an error the library reads.
     */
    @Test
    void aStandardOAuth2ClientGetsTokensAndReadsErrors() throws Exception {
        JsonNode c = json(api.post("/ains/clients", null, "{\"name\":\"oauth-library\"}"), 201);
        ClientID id = new ClientID(c.get("client_id").asText());
        Secret secret = new Secret(c.get("client_secret").asText());
        URI endpoint = target.getUri().resolve("/ains/auth/token");

        for (ClientAuthentication auth : new ClientAuthentication[] {new ClientSecretBasic(id, secret),
            new ClientSecretPost(id, secret)}) {
            TokenResponse answer = TokenResponse.parse(
                    new TokenRequest(endpoint, auth, new ClientCredentialsGrant()).toHTTPRequest().send());
            assertThat(answer.indicatesSuccess()).as(auth.getMethod().getValue()).isTrue();
            var token = answer.toSuccessResponse().getTokens().getAccessToken();
            assertThat(token.getLifetime()).isPositive();
            assertThat(api.get("/ains/agents", Auth.bearer(token.getValue())).getStatus()).isEqualTo(200);
        }

        TokenResponse refused = TokenResponse.parse(new TokenRequest(endpoint,
                new ClientSecretBasic(id, new Secret("not-the-secret")), new ClientCredentialsGrant())
                .toHTTPRequest().send());
        assertThat(refused.indicatesSuccess()).isFalse();
        TokenErrorResponse error = refused.toErrorResponse();
        assertThat(error.getErrorObject().getCode()).isEqualTo(OAuth2Error.INVALID_CLIENT.getCode());
        assertThat(error.getErrorObject().getHTTPStatusCode()).isEqualTo(401);
        assertThat(error.getErrorObject().getDescription()).isNotBlank();
    }

    /** A secret or key is replaced without a failed request (both work for the grace period), or revoked. */
    @Test
    void clientSecretsAndAgentKeysRotateWithAGracePeriodOrAreRevoked() {
        JsonNode c = json(api.post("/ains/clients", null, "{\"name\":\"rotating\"}"), 201);
        String id = c.get("client_id").asText();
        String s1 = c.get("client_secret").asText();
        Auth me = Auth.bearer(signIn(id, s1, 200).get("access_token").asText());
        json(api.post("/ains/clients/" + id + "/secret", token, "{}"), 403); // another client
        assertThat(fields(json(api.post("/ains/clients/" + id + "/secret", me, "{\"grace_seconds\":-1}"), 422)))
                .containsExactly("grace_seconds");
        JsonNode r2 = json(api.post("/ains/clients/" + id + "/secret", me, "{}"), 200);
        String s2 = r2.get("secret").asText();
        assertThat(OffsetDateTime.parse(r2.get("previous_valid_until").asText())).isAfter(OffsetDateTime.now()
                .plusHours(23));
        signIn(id, s1, 200); // the old one still works during the grace period
        signIn(id, s2, 200);
        String s3 = json(api.post("/ains/clients/" + id + "/secret", me, "{\"grace_seconds\":0}"), 200)
                .get("secret").asText();
        signIn(id, s2, 401); // revoked at once
        signIn(id, s1, 401);
        signIn(id, s3, 200);
        Auth admin = Auth.bearer(jwt.issue("operator", List.of(Roles.ADMIN), 60));
        json(api.post("/ains/clients/nobody-" + UUID.randomUUID() + "/secret", admin, "{}"), 404);
        json(api.post("/ains/clients/" + id + "/secret", admin, "{\"grace_seconds\":0}"), 200);
        signIn(id, s3, 401);

        JsonNode agent = json(api.post("/ains/agents", me, agentJson("rotor", "rotate")), 201);
        String agentId = agent.at("/agent/agent_id").asText();
        String k1 = agent.get("api_key").asText();
        json(api.post("/ains/agents/" + agentId + "/api-key", token, "{}"), 403); // not its owner
        // the agent itself may rotate its own key
        String k2 = json(target.path("/ains/agents/" + agentId + "/api-key").request().header("X-API-Key", k1)
                .post(Entity.json("{}")), 200).get("secret").asText();
        assertThat(heartbeat(agentId, k1).getStatus()).isEqualTo(200);
        assertThat(heartbeat(agentId, k2).getStatus()).isEqualTo(200);
        String k3 = json(api.post("/ains/agents/" + agentId + "/api-key", me, "{\"grace_seconds\":0}"), 200)
                .get("secret").asText();
        assertThat(heartbeat(agentId, k2).getStatus()).isEqualTo(401);
        assertThat(heartbeat(agentId, k1).getStatus()).isEqualTo(401);
        assertThat(heartbeat(agentId, k3).getStatus()).isEqualTo(200);
    }

    private JsonNode signIn(String id, String secret, int status) {
        Response r = api.post("/ains/auth/token", null, "{\"client_id\":\"" + id + "\",\"client_secret\":\""
                + secret + "\"}");
        if (status == 200) {
            return json(r, 200);
        }
        assertThat(r.getStatus()).isEqualTo(status);
        r.close();
        return null;
    }

    /** Guessing a client's secret is slowed, then locked out for a while, whatever secret comes. */
    @Test
    void repeatedWrongSecretsLockTheClientIdOut() {
        JsonNode c = json(api.post("/ains/clients", null, "{\"name\":\"target\"}"), 201);
        String id = c.get("client_id").asText();
        String good = "grant_type=client_credentials&client_id=" + id + "&client_secret="
                + c.get("client_secret").asText();
        String bad = "grant_type=client_credentials&client_id=" + id + "&client_secret=guess";
        assertOAuthError(form(bad, null), 401, "invalid_client");
        long t0 = System.nanoTime();
        assertOAuthError(form(bad, null), 401, "invalid_client"); // the second failure waits (20 ms here)
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
        assertOAuthError(form(bad, null), 401, "invalid_client"); // the third locks the id out
        Response locked = form(good, null);
        assertThat(locked.getHeaderString("Retry-After")).isNotNull();
        assertOAuthError(locked, 429, "invalid_client");
        assertThat(json(api.post("/ains/auth/token", null, "{\"client_id\":\"" + id + "\",\"client_secret\":\""
                + c.get("client_secret").asText() + "\"}"), 429).get("type").asText()).endsWith("locked-out");
        assertThat(api.text("/metrics")).containsPattern("ains_auth_token_requests_total\\{[^}]*result=\"locked\"");
        // other clients are not affected, and the lock-out ends
        assertThat(form("grant_type=client_credentials&client_id=nobody-" + UUID.randomUUID()
                + "&client_secret=x", null).getStatus()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(10)).until(() -> form(good, null).getStatus() == 200);
        assertThat(form(bad, null).getStatus()).as("a success starts the count again").isEqualTo(401);
        assertThat(form(good, null).getStatus()).isEqualTo(200);
    }

    private Response form(String body, String authorization) {
        var request = target.path("/ains/auth/token").request();
        if (authorization != null) {
            request = request.header("Authorization", authorization);
        }
        return request.post(Entity.entity(body, jakarta.ws.rs.core.MediaType.APPLICATION_FORM_URLENCODED_TYPE));
    }

    private static void assertOAuthError(Response r, int status, String error) {
        String body = r.readEntity(String.class);
        assertThat(r.getStatus()).as(body).isEqualTo(status);
        assertThat(r.getMediaType().toString()).startsWith("application/json");
        JsonNode e = dev.ains.kit.json.Json.tree(body);
        assertThat(e.get("error").asText()).as(body).isEqualTo(error);
        assertThat(e.get("error_description").asText()).isNotBlank();
        assertThat(e.get("status").asInt()).isEqualTo(status);
    }

    @Test
    void credentialsAreRequiredAndChecked() {
        Response none = api.post("/ains/agents", null, agentJson("x", "echo"));
        assertThat(none.getStatus()).isEqualTo(401);
        assertThat(none.getMediaType().toString()).isEqualTo("application/problem+json");
        assertThat(api.post("/ains/agents", Auth.bearer("not-a-jwt"), agentJson("x", "echo")).getStatus()).isEqualTo(401);
        assertThat(json(api.post("/ains/auth/token", null, "{\"client_id\":\"nobody\",\"client_secret\":\"x\"}"), 401)
                .get("title").asText()).isEqualTo("Authentication required");
        assertThat(api.post("/ains/clients", null, "{\"name\":\"x\",\"roles\":[\"admin\"]}").getStatus()).isEqualTo(403);
    }

    @Test
    void badInputIsAProblemNamingTheFieldAndWritesNothing() {
        long before = count();
        JsonNode p = json(api.post("/ains/agents", token, "{\"name\":\"\",\"capabilities\":[],\"max_concurrency\":0}"), 422);
        assertThat(fields(p)).contains("name", "capabilities", "max_concurrency");
        JsonNode missing = json(api.post("/ains/agents", token, "{\"max_concurrency\":2}"), 422);
        assertThat(fields(missing)).containsAnyOf("name", "capabilities");
        JsonNode types = json(api.post("/ains/agents", token, "{\"name\":\"a\",\"max_concurrency\":\"many\"}"), 400);
        assertThat(fields(types)).containsExactly("max_concurrency");
        json(api.post("/ains/agents", token, "{\"name\":"), 400);
        JsonNode dup = json(api.post("/ains/agents", token,
                "{\"name\":\"a\",\"capabilities\":[{\"name\":\"x\"},{\"name\":\"x\"}]}"), 422);
        assertThat(fields(dup)).containsExactly("capabilities[1].name");
        json(api.get("/ains/agents/" + UUID.randomUUID(), token), 404);
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void registerListPageAndUpdate() throws Exception {
        String cap = "cap-" + UUID.randomUUID();
        JsonNode a = json(api.post("/ains/agents", token, agentJson("first", cap)), 201);
        json(api.post("/ains/agents", token, agentJson("second", cap)), 201);
        assertThat(a.get("api_key").asText()).startsWith("ak_");
        assertThat(a.at("/agent/trust_score").asDouble()).isEqualTo(0.5);
        assertThat(a.at("/agent/status").asText()).isEqualTo("ONLINE");

        JsonNode page1 = json(api.get("/ains/agents?limit=1&capability=" + cap, token), 200);
        assertThat(page1.get("items")).hasSize(1);
        JsonNode page2 = json(api.get("/ains/agents?limit=1&capability=" + cap + "&cursor="
                + page1.get("next_cursor").asText(), token), 200);
        assertThat(page2.get("items")).hasSize(1);
        assertThat(page2.at("/items/0/name").asText()).isEqualTo("first");
        assertThat(page2.has("next_cursor")).isFalse();
        json(api.get("/ains/agents?status=SLEEPY", token), 400);
        json(api.get("/ains/agents?cursor=garbage", token), 400);

        String id = a.at("/agent/agent_id").asText();
        JsonNode updated = api.patch("/ains/agents/" + id, token,
                "{\"max_concurrency\":7,\"capabilities\":[{\"name\":\"other\"}]}", 200);
        assertThat(updated.get("max_concurrency").asInt()).isEqualTo(7);
        assertThat(updated.at("/capabilities/0/name").asText()).isEqualTo("other");
    }

    @Test
    void heartbeatsKeepAnAgentOnlineAndMissedOnesTakeItOffline() {
        JsonNode a = json(api.post("/ains/agents", token, "{\"name\":\"hb\",\"heartbeat_interval_seconds\":1,"
                + "\"capabilities\":[{\"name\":\"hb\"}]}"), 201);
        String id = a.at("/agent/agent_id").asText();
        String key = a.get("api_key").asText();
        JsonNode other = json(api.post("/ains/agents", token, agentJson("other", "hb")), 201);

        assertThat(heartbeat(id, other.get("api_key").asText()).getStatus()).isEqualTo(403);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(json(api.get("/ains/agents/" + id, token), 200).get("status").asText()).isEqualTo("OFFLINE"));
        JsonNode ack = json(heartbeat(id, key), 200);
        assertThat(ack.get("status").asText()).isEqualTo("ONLINE");
        assertThat(api.text("/metrics")).contains("ains_agent_status_changes_total");

        json(api.delete("/ains/agents/" + id, token), 200);
        assertThat(heartbeat(id, key).getStatus()).as("a deactivated agent's key is dead").isEqualTo(401);
    }

    @Test
    void activityReportedByTaskServiceCountsAsAHeartbeat() {
        JsonNode a = json(api.post("/ains/agents", token, "{\"name\":\"busy\",\"heartbeat_interval_seconds\":1,"
                + "\"capabilities\":[{\"name\":\"busy\"}]}"), 201);
        String id = a.at("/agent/agent_id").asText();
        String gone = json(api.post("/ains/agents", token, agentJson("gone", "busy")), 201).at("/agent/agent_id").asText();
        json(api.delete("/ains/agents/" + gone, token), 200);
        Auth service = Auth.bearer(jwt.issue("task-service", List.of(Roles.SERVICE), 60));
        String body = "{\"agent_ids\":[\"" + id + "\",\"" + gone + "\",\"" + UUID.randomUUID() + "\"]}";

        assertThat(api.post("/ains/internal/agents/activity", token, body).getStatus()).isEqualTo(403);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(json(api.get("/ains/agents/" + id, token), 200).get("status").asText()).isEqualTo("OFFLINE"));
        String before = json(api.get("/ains/agents/" + id, token), 200).get("last_heartbeat_at").asText();

        JsonNode seen = json(api.post("/ains/internal/agents/activity", service, body), 200);
        assertThat(seen.get("agents")).as("deactivated and unknown agents are left out").hasSize(1);
        assertThat(seen.at("/agents/0/status").asText()).isEqualTo("ONLINE");
        JsonNode now = json(api.get("/ains/agents/" + id, token), 200);
        assertThat(now.get("status").asText()).as("seen working: back online").isEqualTo("ONLINE");
        assertThat(OffsetDateTime.parse(now.get("last_heartbeat_at").asText())).isAfter(OffsetDateTime.parse(before));
        assertThat(json(api.get("/ains/agents/" + gone, token), 200).get("status").asText()).isEqualTo("DEACTIVATED");
        assertThat(fields(json(api.post("/ains/internal/agents/activity", service, "{}"), 422)))
                .containsExactly("agent_ids");
    }

    @Test
    void outcomesMoveTrustOnceAndOnlyServicesMayReportThem() {
        String cap = "trust-" + UUID.randomUUID();
        String id = json(api.post("/ains/agents", token, agentJson("t", cap)), 201).at("/agent/agent_id").asText();
        Auth service = Auth.bearer(jwt.issue("task-service", List.of(Roles.SERVICE), 60));
        String event = UUID.randomUUID().toString();
        String batch = "{\"events\":[{\"event_id\":\"" + event + "\",\"task_id\":\"" + UUID.randomUUID()
                + "\",\"agent_id\":\"" + id + "\",\"outcome\":\"SUCCEEDED\",\"execution_ms\":100,"
                + "\"promised_ms\":1000,\"occurred_at\":\"" + OffsetDateTime.now() + "\"}]}";

        assertThat(api.post("/ains/internal/outcomes", token, batch).getStatus()).isEqualTo(403);
        // nor an operator: internal operations take a service's own identity
        assertThat(api.post("/ains/internal/outcomes", Auth.bearer(jwt.issue("operator", List.of(Roles.ADMIN), 60)),
                batch).getStatus()).isEqualTo(403);
        assertThat(json(api.post("/ains/internal/outcomes", service, batch), 200).get("accepted").asInt()).isEqualTo(1);
        assertThat(json(api.post("/ains/internal/outcomes", service, batch), 200).get("duplicates").asInt()).isEqualTo(1);

        JsonNode trust = json(api.get("/ains/agents/" + id + "/trust", token), 200);
        assertThat(trust.get("score").asDouble()).isGreaterThan(0.5);
        assertThat(trust.get("outcomes").asInt()).isEqualTo(1);
        assertThat(trust.at("/breakdown/successes").asDouble()).isEqualTo(1.0);
        assertThat(json(api.get("/ains/agents/" + id + "/trust/history", token), 200).get("items")).hasSize(1);

        JsonNode none = json(api.post("/ains/internal/candidates", service,
                "{\"capability\":\"" + cap + "\",\"min_trust\":0.9}"), 200);
        assertThat(none.get("candidates")).isEmpty();
        JsonNode some = json(api.post("/ains/internal/candidates", service,
                "{\"capability\":\"" + cap + "\",\"min_trust\":0.5}"), 200);
        assertThat(some.at("/candidates/0/agent_id").asText()).isEqualTo(id);

        JsonNode states = json(api.post("/ains/internal/agents/status", service,
                "{\"agent_ids\":[\"" + id + "\",\"" + UUID.randomUUID() + "\"]}"), 200);
        assertThat(states.get("agents")).as("an unknown id is left out").hasSize(1);
        assertThat(states.at("/agents/0/trust_score").asDouble()).isEqualTo(trust.get("score").asDouble());
    }

    /**
     * The owner is an identity: a client cannot register an agent under someone else's name (which let it
     * feed the agent its own tasks and rate it as if it were a stranger); an admin may, for a real client.
     */
    @Test
    void anAgentsOwnerIsTheClientThatRegisteredIt() {
        String mine = json(api.post("/ains/agents", token, agentJson("self", "own")), 201).at("/agent/owner").asText();
        String someone = json(api.post("/ains/clients", null, "{\"name\":\"someone\"}"), 201).get("client_id")
                .asText();
        String named = "{\"name\":\"x\",\"owner\":\"" + someone + "\",\"capabilities\":[{\"name\":\"own\"}]}";
        assertThat(json(api.post("/ains/agents", token, named), 403).get("detail").asText()).contains("owner");
        assertThat(json(api.post("/ains/agents", token, "{\"name\":\"x\",\"owner\":\"" + mine
                + "\",\"capabilities\":[{\"name\":\"own\"}]}"), 201).at("/agent/owner").asText()).isEqualTo(mine);
        Auth admin = Auth.bearer(jwt.issue("operator", List.of(Roles.ADMIN), 60));
        assertThat(json(api.post("/ains/agents", admin, named), 201).at("/agent/owner").asText()).isEqualTo(someone);
        assertThat(fields(json(api.post("/ains/agents", admin, "{\"name\":\"x\",\"owner\":\"nobody-"
                + UUID.randomUUID() + "\",\"capabilities\":[{\"name\":\"own\"}]}"), 422))).containsExactly("owner");
    }

    /**
     * A batch is recorded in one transaction, agent by agent, and must move trust exactly as the same
     * outcomes sent one at a time: weights by client, the owner's tasks, failures, consistency, duplicates.
     */
    @Test
    void aBatchOfOutcomesMovesTrustAsTheSameOutcomesOneByOne() {
        String cap = "batch-" + UUID.randomUUID();
        String batched = json(api.post("/ains/agents", token, agentJson("b", cap)), 201).at("/agent/agent_id").asText();
        String single = json(api.post("/ains/agents", token, agentJson("s", cap)), 201).at("/agent/agent_id").asText();
        String owner = json(api.get("/ains/agents/" + batched, token), 200).get("owner").asText();
        Auth service = Auth.bearer(jwt.issue("task-service", List.of(Roles.SERVICE), 60));
        OffsetDateTime t0 = OffsetDateTime.now().minusMinutes(5);
        // client, outcome, execution ms, minutes after t0
        Object[][] story = {{"customer-1", "SUCCEEDED", 120L, 0}, {owner, "SUCCEEDED", 5L, 1},
            {"customer-1", "SUCCEEDED", 300L, 2}, {"customer-2", "FAILED", null, 3}, {null, "SUCCEEDED", 90L, 4}};
        List<String> batchEvents = new java.util.ArrayList<>();
        for (int i = 0; i < story.length; i++) {
            Object[] e = story[i];
            batchEvents.add(outcomeEvent(UUID.randomUUID(), batched, (String) e[0], (String) e[1], (Long) e[2],
                    t0.plusMinutes((Integer) e[3])));
            String one = outcomeEvent(UUID.randomUUID(), single, (String) e[0], (String) e[1], (Long) e[2],
                    t0.plusMinutes((Integer) e[3]));
            json(api.post("/ains/internal/outcomes", service, "{\"events\":[" + one + "]}"), 200);
        }
        // the first event again inside the batch, and an agent nobody registered
        batchEvents.add(batchEvents.get(0));
        batchEvents.add(outcomeEvent(UUID.randomUUID(), UUID.randomUUID().toString(), null, "SUCCEEDED", 1L, t0));
        JsonNode intake = json(api.post("/ains/internal/outcomes", service,
                "{\"events\":[" + String.join(",", batchEvents) + "]}"), 200);
        assertThat(intake.get("accepted").asInt()).isEqualTo(story.length);
        assertThat(intake.get("duplicates").asInt()).isEqualTo(2);
        // the whole batch again: nothing moves
        assertThat(json(api.post("/ains/internal/outcomes", service,
                "{\"events\":[" + String.join(",", batchEvents) + "]}"), 200).get("accepted").asInt()).isZero();

        JsonNode a = json(api.get("/ains/agents/" + batched + "/trust", token), 200);
        JsonNode b = json(api.get("/ains/agents/" + single + "/trust", token), 200);
        assertThat(a.get("outcomes").asInt()).isEqualTo(story.length).isEqualTo(b.get("outcomes").asInt());
        assertThat(a.get("score").asDouble()).isCloseTo(b.get("score").asDouble(), within(1e-9));
        assertThat(a.get("breakdown")).isEqualTo(b.get("breakdown"));
        JsonNode history = json(api.get("/ains/agents/" + batched + "/trust/history", token), 200).get("items");
        JsonNode expected = json(api.get("/ains/agents/" + single + "/trust/history", token), 200).get("items");
        assertThat(history).hasSize(story.length);
        for (int i = 0; i < story.length; i++) {
            assertThat(history.get(i).get("score_after").asDouble())
                    .isCloseTo(expected.get(i).get("score_after").asDouble(), within(1e-9));
        }
    }

    private static String outcomeEvent(UUID eventId, String agent, String client, String outcome, Long executionMs,
                                       OffsetDateTime at) {
        return "{\"event_id\":\"" + eventId + "\",\"task_id\":\"" + UUID.randomUUID() + "\",\"agent_id\":\""
                + agent + "\",\"outcome\":\"" + outcome + "\"" + (executionMs == null ? ""
                : ",\"execution_ms\":" + executionMs) + ",\"promised_ms\":1000"
                + (client == null ? "" : ",\"client_id\":\"" + client + "\"") + ",\"occurred_at\":\"" + at + "\"}";
    }

    @Test
    void ratingsOwnerOutcomesEarningsReputationAndTheLeaderboard() {
        String cap = "rep-" + UUID.randomUUID();
        String owner = json(api.post("/ains/clients", null, "{\"name\":\"owner\"}"), 201).get("client_id").asText();
        String id = json(api.post("/ains/agents", token, agentJson("rep", cap)), 201).at("/agent/agent_id").asText();
        String ownerId = json(api.get("/ains/agents/" + id, token), 200).get("owner").asText();
        // a customer who is not the agent's owner
        JsonNode c = json(api.post("/ains/clients", null, "{\"name\":\"customer\"}"), 201);
        String customer = c.get("client_id").asText();
        Auth asCustomer = Auth.bearer(json(api.post("/ains/auth/token", null, "{\"client_id\":\"" + customer
                + "\",\"client_secret\":\"" + c.get("client_secret").asText() + "\"}"), 200)
                .get("access_token").asText());
        Auth service = Auth.bearer(jwt.issue("task-service", List.of(Roles.SERVICE), 60));
        UUID t1 = UUID.randomUUID();
        UUID t2 = UUID.randomUUID();
        UUID t3 = UUID.randomUUID();
        json(api.post("/ains/internal/outcomes", service, outcome(id, t1, customer)), 200);
        json(api.post("/ains/internal/outcomes", service, outcome(id, t2, ownerId)), 200);
        json(api.post("/ains/internal/outcomes", service, outcome(id, t3, customer)), 200);
        // the owner's own task counts nothing; the customer's second task counts 1/sqrt(2)
        JsonNode trust = json(api.get("/ains/agents/" + id + "/trust", token), 200);
        assertThat(trust.at("/breakdown/successes").asDouble()).isCloseTo(1 + 1 / Math.sqrt(2), within(0.01));
        assertThat(trust.at("/breakdown/weights/rating").asDouble()).isEqualTo(0.1);
        double before = trust.get("score").asDouble();

        assertThat(fields(json(api.post("/ains/agents/" + id + "/ratings", asCustomer,
                "{\"task_id\":\"" + t1 + "\",\"stars\":6}"), 422))).containsExactly("stars");
        assertThat(fields(json(api.post("/ains/agents/" + id + "/ratings", asCustomer,
                "{\"task_id\":\"" + UUID.randomUUID() + "\",\"stars\":5}"), 422))).containsExactly("task_id");
        json(api.post("/ains/agents/" + id + "/ratings", token, "{\"task_id\":\"" + t2 + "\",\"stars\":5}"), 403);
        JsonNode rated = json(api.post("/ains/agents/" + id + "/ratings", asCustomer,
                "{\"task_id\":\"" + t1 + "\",\"stars\":5,\"comment\":\"fast and right\"}"), 201);
        assertThat(rated.get("stars").asInt()).isEqualTo(5);
        assertThat(json(api.post("/ains/agents/" + id + "/ratings", asCustomer,
                "{\"task_id\":\"" + t1 + "\",\"stars\":1}"), 409).get("type").asText()).endsWith("already-rated");
        assertThat(json(api.get("/ains/agents/" + id + "/trust", token), 200).get("score").asDouble())
                .isGreaterThan(before);

        String earned = "{\"events\":[{\"event_id\":\"" + UUID.randomUUID() + "\",\"agent_id\":\"" + id
                + "\",\"amount\":150000,\"currency\":\"USD\",\"escrow_id\":\"task:x\",\"occurred_at\":\""
                + OffsetDateTime.now() + "\"}]}";
        json(api.post("/ains/internal/earnings", token, earned), 403);
        json(api.post("/ains/internal/earnings", service, earned), 204);
        json(api.post("/ains/internal/earnings", service, earned), 204); // counted once

        JsonNode rep = json(api.get("/ains/agents/" + id + "/reputation", asCustomer), 200);
        assertThat(rep.get("grade").asText()).isNotEmpty();
        assertThat(rep.get("rank_score").asDouble()).isLessThan(rep.get("score").asDouble());
        assertThat(rep.get("factors").findValuesAsText("name"))
                .containsExactly("reliability", "latency", "rating", "uptime", "consistency");
        assertThat(rep.at("/stats/tasks").asLong()).isEqualTo(3);
        assertThat(rep.at("/stats/successes").asLong()).isEqualTo(3);
        assertThat(rep.at("/stats/ratings").asLong()).isEqualTo(1);
        assertThat(rep.at("/stats/average_stars").asDouble()).isEqualTo(5.0);
        assertThat(rep.at("/stats/earnings/USD").asLong()).isEqualTo(150_000);
        assertThat(rep.get("badges").toString()).contains("Professional");
        json(api.get("/ains/agents/" + UUID.randomUUID() + "/reputation", token), 404);

        JsonNode byEarnings = json(api.get("/ains/leaderboard?metric=earnings&limit=100", token), 200);
        assertThat(byEarnings.at("/items/0/agent_id").asText()).isEqualTo(id);
        assertThat(byEarnings.at("/items/0/value").asDouble()).isEqualTo(150_000);
        assertThat(json(api.get("/ains/leaderboard?metric=tasks&limit=100", token), 200).get("items")
                .findValuesAsText("agent_id")).contains(id);
        JsonNode byTrust = json(api.get("/ains/leaderboard?limit=100", token), 200);
        assertThat(byTrust.get("metric").asText()).isEqualTo("trust_score");
        assertThat(byTrust.get("items").findValuesAsText("agent_id")).contains(id);
        assertThat(byTrust.at("/items/0/rank").asInt()).isEqualTo(1);
        assertThat(fields(json(api.get("/ains/leaderboard?metric=fame", token), 422))).containsExactly("metric");
        assertThat(owner).isNotBlank();
    }

    private static String outcome(String agent, UUID task, String client) {
        return "{\"events\":[{\"event_id\":\"" + UUID.randomUUID() + "\",\"task_id\":\"" + task
                + "\",\"agent_id\":\"" + agent + "\",\"outcome\":\"SUCCEEDED\",\"execution_ms\":100,"
                + "\"promised_ms\":1000,\"client_id\":\"" + client + "\",\"occurred_at\":\"" + OffsetDateTime.now()
                + "\"}]}";
    }

    private Response heartbeat(String id, String key) {
        return target.path("/ains/agents/" + id + "/heartbeat").request().header("X-API-Key", key)
                .post(Entity.json(""));
    }

    private long count() {
        return json(api.get("/ains/agents?limit=200", token), 200).get("items").size();
    }

    private static String agentJson(String name, String capability) {
        return "{\"name\":\"" + name + "\",\"capabilities\":[{\"name\":\"" + capability + "\",\"version\":\"1\"}]}";
    }

}
