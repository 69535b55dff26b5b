package dev.ains.kit.security;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/**
 * The registry's revocations over HTTP ({@code GET /ains/internal/revocations}), asked with this service's own
 * token at the registry's address ({@code agent-registry/mp-rest/url}), with {@code ains.auth.revocation-timeout-ms}
 * as the timeout. A failed read is retried at the next poll (no retry within one: the next comes in a second);
 * what is known stays.
 */
@ApplicationScoped
public class RegistryRevocationFeed implements RevocationFeed {
    private final HttpClient http;
    private final Config config;
    private final Duration timeout;

    @Inject
    JwtService jwt;

    @Inject
    public RegistryRevocationFeed(Config config) {
        this.config = config;
        this.timeout = Duration.ofMillis(config.getOptionalValue("ains.auth.revocation-timeout-ms", Long.class)
                .orElse(2000L));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    @Override
    public Page since(Instant since) {
        // read at each call, like the REST clients: the address may be set after this bean was made (tests)
        String registry = config.getOptionalValue("agent-registry/mp-rest/url", String.class)
                .orElse("http://localhost:8081").replaceAll("/+$", "");
        String url = registry + "/ains/internal/revocations"
                + (since == null ? "" : "?since=" + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8));
        HttpResponse<String> res;
        try {
            res = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Authorization", "Bearer " + jwt.serviceToken()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("agent-registry unreachable at " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (res.statusCode() != 200) {
            throw new IllegalStateException("agent-registry answered " + res.statusCode() + " at " + url);
        }
        JsonNode body = Json.tree(res.body());
        List<Revocations.Entry> items = new ArrayList<>();
        for (JsonNode e : body.path("items")) {
            items.add(new Revocations.Entry(e.path("kind").asText(), e.path("subject").asText(), text(e, "jti"),
                    time(e, "issued_before"), time(e, "recorded_at"), time(e, "expires_at")));
        }
        return new Page(items, time(body, "as_of"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant time(JsonNode n, String field) {
        String v = text(n, field);
        return v == null ? null : java.time.OffsetDateTime.parse(v).toInstant();
    }
}
