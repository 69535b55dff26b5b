package dev.ains.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ains.kit.db.EmbeddedDatabase;

/**
 * The whole platform on one machine: one embedded PostgreSQL shared by the four services (each in its
 * own schema), each service as its own JVM process (Helidon MP runs one application per JVM), and
 * optionally sample agents. Used by the one-command start, the system tests and the benchmark.
 */
public final class Platform implements AutoCloseable {
    public static final List<String> SERVICES = List.of("agent-registry", "task-service", "economic-service",
            "analytics-service");
    private static final Map<String, Integer> DEFAULT_PORTS = Map.of("task-service", 8080, "agent-registry", 8081,
            "economic-service", 8082, "analytics-service", 8083);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param home        the repository root (service jars are found under {@code <service>/target})
     * @param randomPorts free ports instead of the documented defaults (tests)
     * @param durable     fsync and synchronous commit on (off only for tests)
     * @param dataDir     keep the database here between runs; null for a throw-away one
     * @param env         extra environment for every service (config overrides)
     */
    public record Options(Path home, boolean randomPorts, boolean durable, Path dataDir, Map<String, String> env) {
        public static Options local(Path home) {
            return new Options(home, false, true, null, Map.of());
        }
    }

    private final Options options;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final List<Process> agents = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The admin client: the operator's own (AINS_ADMIN_CLIENT_ID / _SECRET, as in compose) or a new one. */
    private final String adminId = envOr("AINS_ADMIN_CLIENT_ID", "admin");
    private final String adminSecret = envOr("AINS_ADMIN_CLIENT_SECRET", random(32));
    private final Path logDir;
    private String dbUrl;

    private Platform(Options options) {
        this.options = options;
        this.logDir = options.home().resolve(".ains/logs");
    }

    public static Platform start(Options options) {
        Platform p = new Platform(options);
        try {
            p.boot();
            return p;
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    private void boot() {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // An existing PostgreSQL when AINS_DB_URL names one (profiling with pg_stat_statements, a shared
        // server); otherwise the embedded one.
        String external = System.getenv("AINS_DB_URL");
        dbUrl = external != null && !external.isBlank() ? external
                : EmbeddedDatabase.start(0, options.dataDir(), options.durable());
        for (String s : SERVICES) {
            ports.put(s, options.randomPorts() ? freePort() : DEFAULT_PORTS.get(s));
        }
        for (String s : SERVICES) {
            processes.put(s, launch(s, false));
        }
        for (String s : SERVICES) {
            awaitReady(s, Duration.ofSeconds(180));
        }
    }

    /**
     * The command that runs a service's jar: a small heap and the serial collector (two cores shared with
     * PostgreSQL), plus whatever {@code AINS_SERVICE_JAVA_OPTS} adds (profiling, JIT experiments).
     */
    private List<String> serviceCommand(Path jar) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-Xmx512m"));
        String extra = System.getenv("AINS_SERVICE_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar.toString()));
        return cmd;
    }

    /** Starts a service; a restart adds to its log, so that what happened before it stays readable. */
    private Process launch(String service, boolean restart) {
        Path jar = options.home().resolve(service).resolve("target").resolve(service + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw -DskipTests install)");
        }
        Map<String, String> env = new LinkedHashMap<>(serviceEnv());
        env.put("SERVER_PORT", String.valueOf(ports.get(service)));
        env.putAll(options.env());
        return spawn(service, serviceCommand(jar), env, logDir.resolve(service + ".log"), restart);
    }

    /** Configuration every service gets: the shared database, the admin client, the neighbours (whose key sets each trusts). */
    public Map<String, String> serviceEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AINS_DB_URL", dbUrl);
        env.put("AINS_REGISTRY_ADMIN_CLIENT_ID", adminId);
        env.put("AINS_REGISTRY_ADMIN_CLIENT_SECRET", adminSecret);
        env.put("AGENT_REGISTRY_MP_REST_URL", url("agent-registry"));
        env.put("ANALYTICS_SERVICE_MP_REST_URL", url("analytics-service"));
        env.put("TASK_SERVICE_MP_REST_URL", url("task-service"));
        env.put("ECONOMIC_SERVICE_MP_REST_URL", url("economic-service"));
        // webhook receivers on this machine (WireMock, a local test receiver) are allowed locally only
        env.put("AINS_WEBHOOKS_ALLOW_LOOPBACK", "true");
        return env;
    }

    /** Starts a sample agent process with the given settings (AINS_* variables, see sample-agent/README). */
    public Process startAgent(String name, Map<String, String> settings) {
        Path jar = options.home().resolve("sample-agent/target/sample-agent.jar");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AINS_REGISTRY_URL", url("agent-registry"));
        env.put("AINS_TASKS_URL", url("task-service"));
        env.put("AINS_ECONOMY_URL", url("economic-service"));
        env.put("AINS_TOKEN", token(adminId, adminSecret));
        env.put("AINS_AGENT_NAME", name);
        env.putAll(settings);
        Process p = spawn("agent-" + name, List.of(java(), "-XX:+UseSerialGC", "-Xmx128m", "-jar", jar.toString()),
                env, logDir.resolve("agent-" + name + ".log"), false);
        agents.add(p);
        return p;
    }

    public String url(String service) {
        return "http://localhost:" + ports.get(service);
    }

    public String dbUrl() {
        return dbUrl;
    }

    public Path logDir() {
        return logDir;
    }

    /** Registers a new client (open sign-up) and returns a token for it. */
    public String newClientToken(String name) {
        return newClient(name).token();
    }

    /** A client's id and a token for it. */
    public record ClientLogin(String clientId, String token) {
    }

    /** Registers a new client (open sign-up). */
    public ClientLogin newClient(String name) {
        JsonNode c = post(url("agent-registry") + "/ains/clients", "{\"name\":\"" + name + "\"}", null);
        return new ClientLogin(c.get("client_id").asText(), token(c.get("client_id").asText(),
                c.get("client_secret").asText()));
    }

    /** Funds an account from the platform's external funding account (as the admin), once per deposit id. */
    public void deposit(String depositId, String ownerId, long amount) {
        post(url("economic-service") + "/economy/deposits", "{\"deposit_id\":\"" + depositId + "\",\"owner_id\":\""
                + ownerId + "\",\"amount\":" + amount + "}", adminToken());
    }

    /** The admin client's id and secret, for a person to sign in with (the local run prints them). */
    public Map.Entry<String, String> adminCredentials() {
        return Map.entry(adminId, adminSecret);
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    public String adminToken() {
        return token(adminId, adminSecret);
    }

    /** Each service's schema, where its signing keys are. */
    private static final Map<String, String> SCHEMAS = Map.of("agent-registry", "registry", "task-service", "tasks",
            "economic-service", "economy", "analytics-service", "analytics");

    /**
     * A token that speaks for the service (its own identity, role {@code service}), signed with the service's
     * current key read from its schema: what the benchmark and the system tests call internal operations with.
     * Whoever runs the platform owns its database; nobody else can do this.
     */
    public String serviceToken(String service) {
        String schema = SCHEMAS.get(service);
        try (var c = java.sql.DriverManager.getConnection(dbUrl); var s = c.createStatement();
             var key = s.executeQuery("SELECT kid, private_key FROM " + schema + ".signing_keys"
                     + " WHERE signs_from <= now() ORDER BY signs_from DESC LIMIT 1")) {
            if (!key.next()) {
                throw new IllegalStateException(service + " has no signing key yet");
            }
            var privateKey = java.security.KeyFactory.getInstance("EC").generatePrivate(
                    new java.security.spec.PKCS8EncodedKeySpec(Base64.getDecoder().decode(key.getString("private_key"))));
            return io.jsonwebtoken.Jwts.builder().header().keyId(key.getString("kid")).and().issuer("ains")
                    .subject(service).claim("roles", List.of("service"))
                    .expiration(java.util.Date.from(java.time.Instant.now().plusSeconds(3600)))
                    .signWith(privateKey, io.jsonwebtoken.Jwts.SIG.ES256).compact();
        } catch (java.sql.SQLException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign as " + service + ": " + e.getMessage(), e);
        }
    }

    private String token(String id, String secret) {
        return post(url("agent-registry") + "/ains/auth/token",
                "{\"client_id\":\"" + id + "\",\"client_secret\":\"" + secret + "\"}", null)
                .get("access_token").asText();
    }

    private JsonNode post(String url, String body, String token) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitReady(String service, Duration max) {
        awaitReady(service, processes.get(service), url(service), max);
    }

    private void awaitReady(String name, Process p, String url, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        URI health = URI.create(url + "/health/ready");
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see "
                        + logDir.resolve(name + ".log"));
            }
            try {
                var r = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException ignored) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " not ready within " + max.toSeconds() + " s; see "
                + logDir.resolve(name + ".log"));
    }

    /**
     * Starts one more instance of a service against the same database (replica tests); it is stopped
     * with the platform. Returns its base URL.
     */
    public String startReplica(String service) {
        int port = freePort();
        Path jar = options.home().resolve(service).resolve("target").resolve(service + ".jar");
        Map<String, String> env = new LinkedHashMap<>(serviceEnv());
        env.put("SERVER_PORT", String.valueOf(port));
        env.putAll(options.env());
        String name = service + "-replica-" + port;
        Process p = spawn(name, serviceCommand(jar), env,
                logDir.resolve(name + ".log"), false);
        agents.add(p);
        String url = "http://localhost:" + port;
        awaitReady(name, p, url, Duration.ofSeconds(120));
        return url;
    }

    /** Each running service's process, by service name (the benchmark's CPU split). */
    public Map<String, ProcessHandle> serviceProcesses() {
        Map<String, ProcessHandle> out = new LinkedHashMap<>();
        processes.forEach((name, p) -> {
            if (p.isAlive()) {
                out.put(name, p.toHandle());
            }
        });
        return out;
    }

    /** Stops a service process (for failure tests); {@link #restart} brings it back on the same port. */
    public void stop(String service) {
        Process p = processes.get(service);
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void restart(String service) {
        stop(service);
        processes.put(service, launch(service, true));
        awaitReady(service, Duration.ofSeconds(120));
    }

    @Override
    public void close() {
        List<Process> all = new ArrayList<>(agents);
        all.addAll(processes.values());
        all.forEach(Process::destroy);
        for (Process p : all) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Process spawn(String name, List<String> command, Map<String, String> env, Path log,
                                 boolean append) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(append ? ProcessBuilder.Redirect.appendTo(log.toFile())
                        : ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A free port below Linux's ephemeral range (32768+), never the same twice in this JVM: a port from
     * the ephemeral range can be taken by any outgoing connection between our check and the service's
     * bind, and two services on one port would have one of them answer for the other.
     */
    private static int freePort() {
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 200; i++) {
            int port = 20000 + random.nextInt(12000);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port found between 20000 and 32000");
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
