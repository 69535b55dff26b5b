package dev.ains.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ains.launcher.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * #12: the authorization matrix. Every operation of the four OpenAPI documents is called by every kind of caller
 * (anonymous, client A, client B, an agent of client A, an operator, and each service's own identity) against the
 * real services, and the answer must be what {@code authorization-matrix.txt} says: {@code 401} (no or a wrong
 * credential for this operation), {@code 403} (the caller may not), {@code 404} (hidden from this caller), or
 * {@code ok} (anything else: the caller got through to the operation, which may still refuse the request for what it
 * says). An operation without a row, or a row without an operation, fails the test, so a new operation cannot ship
 * without a decision about who may call it.
 *
 * <p>Path parameters name client A's own things where the name says what they are ({@code agent_id}: A's agent,
 * {@code client_id}/{@code owner_id}: A, {@code task_id}: A's task), so that ownership shows. Bodies carry every
 * required field, filled from the schema, so that they pass validation and the operation's own checks answer (an
 * empty body would be refused for its shape first); what a permitted caller creates that way stays (a throw-away
 * platform).
 */
class AuthorizationMatrixIT {
    private static final List<String> SERVICES = List.of("agent-registry", "task-service", "economic-service",
            "analytics-service");
    private static final List<String> ACTORS = List.of("anonymous", "client", "other-client", "agent", "admin",
            "svc-registry", "svc-tasks", "svc-economy", "svc-analytics");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static Platform platform;
    private static Path home;
    private static final Map<String, String[]> CREDENTIALS = new LinkedHashMap<>();
    private static final Map<String, String> OWN = new LinkedHashMap<>();
    private static String SPARE_AGENT;

    private record Operation(String service, String id, String method, String path, JsonNode spec) {
        String key() {
            return service + " " + id;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        home = Path.of(System.getProperty("ains.home", "..")).toAbsolutePath().normalize();
        platform = Platform.start(new Platform.Options(home, true, false, null, Map.of()));
        Platform.ClientLogin a = platform.newClient("matrix-a");
        Platform.ClientLogin b = platform.newClient("matrix-b");
        JsonNode agent = post(platform.url("agent-registry") + "/ains/agents", a.token(),
                "{\"name\":\"matrix-agent\",\"max_concurrency\":1,\"capabilities\":[{\"name\":\"matrix\"}]}");
        // what operations that change an agent's identity name as A's agent (see changesTheAgent)
        JsonNode spare = post(platform.url("agent-registry") + "/ains/agents", a.token(),
                "{\"name\":\"matrix-spare\",\"max_concurrency\":1,\"capabilities\":[{\"name\":\"matrix\"}]}");
        SPARE_AGENT = spare.at("/agent/agent_id").asText();
        JsonNode task = post(platform.url("task-service") + "/aitp/tasks", a.token(),
                "{\"task_type\":\"matrix\",\"capability_required\":\"nobody-takes-it\"}");
        OWN.put("client_id", a.clientId());
        OWN.put("owner_id", a.clientId());
        OWN.put("agent_id", agent.at("/agent/agent_id").asText());
        OWN.put("task_id", task.get("task_id").asText());
        CREDENTIALS.put("client", bearer(a.token()));
        CREDENTIALS.put("other-client", bearer(b.token()));
        CREDENTIALS.put("agent", new String[] {"X-API-Key", agent.get("api_key").asText()});
        CREDENTIALS.put("admin", bearer(platform.adminToken()));
        CREDENTIALS.put("svc-registry", bearer(platform.serviceToken("agent-registry")));
        CREDENTIALS.put("svc-tasks", bearer(platform.serviceToken("task-service")));
        CREDENTIALS.put("svc-economy", bearer(platform.serviceToken("economic-service")));
        CREDENTIALS.put("svc-analytics", bearer(platform.serviceToken("analytics-service")));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void everyOperationAnswersEveryKindOfCallerAsTheMatrixSays() throws Exception {
        List<Operation> operations = operations();
        Map<String, List<String>> matrix = matrix();
        List<String> problems = new ArrayList<>();
        Map<String, String> observedRows = new TreeMap<>();
        for (Operation op : operations) {
            List<String> observed = new ArrayList<>();
            for (String actor : ACTORS) {
                observed.add(outcome(call(op, CREDENTIALS.get(actor))));
            }
            observedRows.put(op.key(), op.key() + " " + String.join(" ", observed));
            List<String> expected = matrix.get(op.key());
            if (expected == null) {
                problems.add("no row for " + op.key() + " (" + op.method() + " " + op.path() + "); observed: "
                        + String.join(" ", observed));
            } else if (!expected.equals(observed)) {
                problems.add(op.key() + " (" + op.method() + " " + op.path() + "): expected " + expected + ", got "
                        + observed + " for " + ACTORS);
            }
        }
        matrix.keySet().stream().filter(k -> operations.stream().noneMatch(o -> o.key().equals(k)))
                .forEach(k -> problems.add("a row for " + k + ", which no document declares"));
        Path observed = Path.of("target", "authorization-matrix.observed.txt");
        Files.createDirectories(observed.getParent());
        Files.writeString(observed, String.join("\n", observedRows.values()) + "\n");
        assertThat(problems).as("see " + observed.toAbsolutePath() + " for every observed row").isEmpty();
        assertThat(operations).hasSizeGreaterThan(80);
    }

    /** Every operation the four documents declare. */
    private static List<Operation> operations() throws IOException {
        List<Operation> out = new ArrayList<>();
        for (String service : SERVICES) {
            JsonNode doc = YAML.readTree(home.resolve("openapi").resolve(service + ".yaml").toFile());
            for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> p = paths.next();
                for (Iterator<Map.Entry<String, JsonNode>> ms = p.getValue().fields(); ms.hasNext(); ) {
                    Map.Entry<String, JsonNode> m = ms.next();
                    if (m.getValue().has("operationId")) {
                        out.add(new Operation(service, m.getValue().get("operationId").asText(),
                                m.getKey().toUpperCase(), p.getKey(), m.getValue()));
                    }
                }
            }
        }
        return out;
    }

    /** {@code <service> <operationId> <outcome per actor>}, in the order of {@link #ACTORS}. */
    private static Map<String, List<String>> matrix() throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        try (InputStream in = AuthorizationMatrixIT.class.getResourceAsStream("/authorization-matrix.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] f = t.split("\\s+");
                assertThat(f).as(line).hasSize(2 + ACTORS.size());
                rows.put(f[0] + " " + f[1], List.of(f).subList(2, f.length));
            }
        }
        return rows;
    }

    private static String outcome(int status) {
        return switch (status) {
            case 401, 403, 404 -> String.valueOf(status);
            default -> "ok";
        };
    }

    private static int call(Operation op, String[] credential) throws Exception {
        String path = op.path();
        StringBuilder query = new StringBuilder();
        for (JsonNode param : op.spec().path("parameters")) {
            JsonNode p = param.has("$ref") ? resolve(op.service(), param.get("$ref").asText()) : param;
            String name = p.path("name").asText();
            String value = "agent_id".equals(name) && changesTheAgent(op) ? SPARE_AGENT : value(name, p.path("schema"));
            if ("path".equals(p.path("in").asText())) {
                path = path.replace("{" + name + "}", URLEncoder.encode(value, StandardCharsets.UTF_8));
            } else if ("query".equals(p.path("in").asText()) && p.path("required").asBoolean()) {
                query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        // path-level parameters
        path = path.replaceAll("\\{task_id}", OWN.get("task_id"))
                .replaceAll("\\{agent_id}", changesTheAgent(op) ? SPARE_AGENT : OWN.get("agent_id"))
                .replaceAll("\\{client_id}", OWN.get("client_id")).replaceAll("\\{owner_id}", OWN.get("owner_id"))
                .replaceAll("\\{[a-z_]+}", UUID.randomUUID().toString());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.url(op.service()) + path + query))
                .timeout(Duration.ofSeconds(10));
        if (credential != null) {
            b.header(credential[0], credential[1]);
        }
        boolean json = op.spec().path("requestBody").path("content").has("application/json");
        boolean form = op.spec().path("requestBody").path("content").has("application/x-www-form-urlencoded");
        String example = json ? MAPPER.writeValueAsString(example(op.service(),
                op.spec().path("requestBody").path("content").path("application/json").path("schema"), 0)) : "";
        HttpRequest.BodyPublisher body = json || form ? HttpRequest.BodyPublishers.ofString(example)
                : HttpRequest.BodyPublishers.noBody();
        if (json || form) {
            b.header("Content-Type", json ? "application/json" : "application/x-www-form-urlencoded");
        }
        b.method(op.method(), body);
        // headers only: streams and exports keep the body open
        HttpResponse<InputStream> res = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        res.body().close();
        return res.statusCode();
    }

    /**
     * Deactivating the agent, or replacing its key (each caller that may does, and only one previous key is kept),
     * would change the answers the agent gets after it: those name A's spare agent.
     */
    private static boolean changesTheAgent(Operation op) {
        return "DELETE".equals(op.method()) || op.path().endsWith("/api-key");
    }

    private static String value(String name, JsonNode schema) {
        if (OWN.containsKey(name)) {
            return OWN.get(name);
        }
        if ("uuid".equals(schema.path("format").asText())) {
            return UUID.randomUUID().toString();
        }
        if ("date-time".equals(schema.path("format").asText())) {
            return "2026-01-01T00:00:00Z";
        }
        if ("date".equals(schema.path("format").asText())) {
            return "2026-01-01";
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(0).asText();
        }
        return switch (schema.path("type").asText()) {
            case "integer", "number" -> "1";
            case "boolean" -> "false";
            default -> "x";
        };
    }

    private static JsonNode resolve(String service, String ref) throws IOException {
        int hash = ref.indexOf('#');
        String file = hash == 0 ? service + ".yaml" : ref.substring(0, hash);
        JsonNode doc = YAML.readTree(home.resolve("openapi").resolve(file).toFile());
        return doc.at(ref.substring(hash + 1));
    }

    /**
     * A body with every required field filled as its schema says (the caller's own ids where the name says so), so
     * that it passes validation and the operation's own checks answer: an empty body would be refused for its
     * shape before they run.
     */
    private static JsonNode example(String service, JsonNode schema, int depth) throws IOException {
        String file = service + ".yaml";
        while (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            int hash = ref.indexOf('#');
            if (hash > 0) {
                file = ref.substring(0, hash);
            }
            schema = YAML.readTree(home.resolve("openapi").resolve(file).toFile()).at(ref.substring(hash + 1));
        }
        String owner = file.equals("common.yaml") ? service : file.replace(".yaml", "");
        if (depth > 4) {
            return MAPPER.nullNode();
        }
        if (schema.has("allOf")) {
            return example(owner, schema.get("allOf").get(0), depth + 1);
        }
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "string");
        switch (type) {
            case "object" -> {
                var node = MAPPER.createObjectNode();
                for (JsonNode required : schema.path("required")) {
                    String name = required.asText();
                    JsonNode prop = schema.path("properties").path(name);
                    node.set(name, OWN.containsKey(name) ? MAPPER.getNodeFactory().textNode(OWN.get(name))
                            : example(owner, prop, depth + 1));
                }
                return node;
            }
            case "array" -> {
                var array = MAPPER.createArrayNode();
                int items = Math.max(1, schema.path("minItems").asInt(1));
                for (int i = 0; i < items; i++) {
                    array.add(example(owner, schema.path("items"), depth + 1));
                }
                return array;
            }
            case "integer", "number" -> {
                return MAPPER.getNodeFactory().numberNode(Math.max(1, schema.path("minimum").asLong(1)));
            }
            case "boolean" -> {
                return MAPPER.getNodeFactory().booleanNode(false);
            }
            default -> {
                return MAPPER.getNodeFactory().textNode(value("", schema));
            }
        }
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    private static JsonNode post(String url, String token, String body) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(url + " " + res.body()).isBetween(200, 299);
        return new ObjectMapper().readTree(res.body());
    }
}
