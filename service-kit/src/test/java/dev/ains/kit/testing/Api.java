package dev.ains.kit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.json.Json;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * HTTP helpers for service tests: calls with a bearer token or an API key against the service under
 * test, status assertions that show the body, and problem+json field extraction. Shared through the
 * service kit's test jar.
 */
public final class Api {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final WebTarget target;

    public Api(WebTarget target) {
        this.target = target;
    }

    /** A credential: {@code Bearer <jwt>} or an agent's {@code X-API-Key}; null for none. */
    public record Auth(String header, String value) {
        public static Auth bearer(String token) {
            return new Auth("Authorization", "Bearer " + token);
        }

        public static Auth apiKey(String key) {
            return new Auth("X-API-Key", key);
        }
    }

    public Invocation.Builder call(String path, Auth auth) {
        String p = path;
        String query = null;
        int q = path.indexOf('?');
        if (q >= 0) {
            p = path.substring(0, q);
            query = path.substring(q + 1);
        }
        WebTarget t = target.path(p);
        if (query != null) {
            for (String kv : query.split("&")) {
                String[] parts = kv.split("=", 2);
                t = t.queryParam(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        Invocation.Builder b = t.request(MediaType.APPLICATION_JSON_TYPE, MediaType.valueOf("application/problem+json"));
        return auth == null ? b : b.header(auth.header(), auth.value());
    }

    public Response post(String path, Auth auth, String body) {
        return call(path, auth).post(Entity.entity(body, MediaType.APPLICATION_JSON_TYPE));
    }

    public Response put(String path, Auth auth, String body) {
        return call(path, auth).put(Entity.entity(body, MediaType.APPLICATION_JSON_TYPE));
    }

    public Response get(String path, Auth auth) {
        return call(path, auth).get();
    }

    public Response delete(String path, Auth auth) {
        return call(path, auth).delete();
    }

    /** PATCH through java.net.http: the JDK's HttpURLConnection under the test client has no PATCH. */
    public JsonNode patch(String path, Auth auth, String body, int expectedStatus) throws Exception {
        var req = HttpRequest.newBuilder(target.getUri().resolve(path)).header(auth.header(), auth.value())
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build();
        var r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expectedStatus);
        return Json.tree(r.body());
    }

    public String text(String path) {
        return target.path(path).request().get(String.class);
    }

    public static JsonNode json(Response r, int expectedStatus) {
        String body = r.readEntity(String.class);
        assertThat(r.getStatus()).as(body).isEqualTo(expectedStatus);
        if (expectedStatus >= 400) {
            assertThat(r.getMediaType().toString()).isEqualTo("application/problem+json");
        }
        return body == null || body.isEmpty() ? null : Json.tree(body);
    }

    /** The fields a problem names. */
    public static List<String> fields(JsonNode problem) {
        assertThat(problem.get("type").asText()).startsWith("https://");
        return problem.get("errors").findValuesAsText("field");
    }
}
