package dev.ains.system;

import static dev.ains.system.Clients.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ains.client.Ains;
import dev.ains.client.economy.model.DepositRequest;
import dev.ains.client.registry.model.AgentStatus;
import dev.ains.client.tasks.model.Task;
import dev.ains.client.tasks.model.TaskStatus;
import dev.ains.client.tasks.model.WebhookRequest;
import dev.ains.launcher.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (Debian's package) scraping the four running services with the committed
 * {@code compose/prometheus/prometheus-local.yml} and {@code alerts.yml}: after a workload that touches
 * every part of the platform, every query of every panel of every dashboard in
 * {@code compose/grafana/dashboards} returns data, every alert rule evaluates without error, and the
 * webhook alert fires for the endpoint the workload got switched off.
 */
class MonitoringSystemIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path home;
    private static Platform platform;
    private static Process prometheus;
    private static String prometheusUrl;
    private static Receiver okReceiver;
    private static Receiver goneReceiver;

    @BeforeAll
    static void start() throws Exception {
        home = Path.of(System.getProperty("ains.home", "..")).toAbsolutePath().normalize();
        String binary = Tools.require("prometheus");
        platform = Platform.start(new Platform.Options(home, true, false, null, Map.of(
                "AINS_REGISTRY_OFFLINE_CHECK_MS", "300",
                "AINS_TASKS_LIVENESS_CHECK_MS", "300",
                "AINS_OUTBOX_POLL_MS", "100",
                "AINS_TASKS_RETRY_BASE_MS", "200",
                "AINS_ECONOMY_LEDGER_CHECK_MS", "2000",
                "AINS_WEBHOOKS_RETRY_SCHEDULE", "0s,1s,1s")));
        prometheus = startPrometheus(binary);
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.destroy();
        }
        if (okReceiver != null) {
            okReceiver.close();
            goneReceiver.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    /** The committed by-hand config, pointed at this platform's ports, scraping every second. */
    private static Process startPrometheus(String binary) throws Exception {
        Path dir = Files.createTempDirectory("ains-prometheus");
        Path compose = home.resolve("compose/prometheus");
        String config = Files.readString(compose.resolve("prometheus-local.yml"))
                .replace("scrape_interval: 5s", "scrape_interval: 1s")
                .replace("evaluation_interval: 5s", "evaluation_interval: 1s");
        Map<String, String> ports = Map.of("8080", "task-service", "8081", "agent-registry", "8082",
                "economic-service", "8083", "analytics-service");
        for (var e : ports.entrySet()) {
            String target = URI.create(platform.url(e.getValue())).getAuthority();
            assertThat(config).contains("localhost:" + e.getKey());
            config = config.replace("localhost:" + e.getKey(), target);
        }
        Files.writeString(dir.resolve("prometheus.yml"), config);
        Files.copy(compose.resolve("alerts.yml"), dir.resolve("alerts.yml"));
        int port = Clients.freePort();
        prometheusUrl = "http://127.0.0.1:" + port;
        Process p = new ProcessBuilder(binary, "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(platform.logDir().resolve("prometheus.log").toFile())
                .start();
        await().atMost(WAIT).ignoreExceptions().until(() -> query("up").size() == 4);
        return p;
    }

    @Test
    void everyDashboardPanelHasDataAndTheAlertRulesEvaluate() throws Exception {
        workload();
        // a few scrapes and rule evaluations after the workload
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(query("sum(ains_webhook_deliveries_total)")).isNotEmpty());

        List<String> empty = new ArrayList<>();
        int checked = 0;
        try (var files = Files.list(home.resolve("compose/grafana/dashboards"))) {
            for (Path file : files.sorted().toList()) {
                JsonNode dashboard = JSON.readTree(file.toFile());
                for (JsonNode panel : dashboard.get("panels")) {
                    for (JsonNode target : panel.get("targets")) {
                        String expr = target.get("expr").asText();
                        checked++;
                        // counters the workload touched last may take a scrape or two to show
                        boolean hasData = awaitData(expr);
                        if (!hasData) {
                            empty.add(dashboard.get("title").asText() + " / " + panel.get("title").asText() + ": "
                                    + expr);
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(30);
        assertThat(empty).as("panel queries without data").isEmpty();

        JsonNode rules = get(prometheusUrl + "/api/v1/rules").at("/data/groups");
        List<String> names = new ArrayList<>();
        for (JsonNode group : rules) {
            for (JsonNode rule : group.get("rules")) {
                names.add(rule.get("name").asText());
                assertThat(rule.get("health").asText()).as(rule.get("name").asText() + ": "
                        + rule.path("lastError").asText()).isEqualTo("ok");
            }
        }
        assertThat(names).contains("AinsServiceDown", "AinsHigh5xxRate", "AinsQueueDepthGrowing",
                "AinsOutboxBacklog", "AinsWebhookEndpointDisabled", "AinsLedgerCheckFailing");
        await().atMost(WAIT).untilAsserted(() -> assertThat(firing()).contains("AinsWebhookEndpointDisabled")
                .doesNotContain("AinsServiceDown", "AinsHigh5xxRate", "AinsLedgerCheckFailing"));
    }

    /**
     * Tasks that complete, fail, retry, dead-letter, get redriven and cancelled; an auction paid through
     * escrow; webhooks that succeed, fail and are switched off (410); a 404; an agent that goes offline.
     */
    private void workload() throws Exception {
        Platform.ClientLogin login = platform.newClient("monitoring");
        Ains client = Clients.sdk(platform).token(login.token()).build();
        Ains admin = Clients.sdk(platform).token(platform.adminToken()).build();
        admin.ledger().createDeposit(new DepositRequest().depositId("fund-monitoring").ownerId(login.clientId())
                .amount(10_000L));
        okReceiver = new Receiver();
        goneReceiver = new Receiver();
        goneReceiver.answer(410);
        client.webhooks().createWebhook(new WebhookRequest().url(okReceiver.url()).events(List.of("*")));
        client.webhooks().createWebhook(new WebhookRequest().url(goneReceiver.url()).events(List.of("*")));

        platform.startAgent("mon-worker", Map.of("AINS_CAPABILITIES", "cap-mon", "AINS_HEARTBEAT_SECONDS", "1",
                "AINS_BID_STRATEGY", "fraction", "AINS_BID_FRACTION", "0.5"));
        Process leaving = platform.startAgent("mon-leaving", Map.of("AINS_CAPABILITIES", "cap-mon-leaving",
                "AINS_HEARTBEAT_SECONDS", "1"));
        Clients.awaitAgent(client, "mon-worker", WAIT);
        Clients.awaitAgent(client, "mon-leaving", WAIT);

        List<UUID> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(client.tasks().createTask(task("echo", "cap-mon").inputData(Map.of("text", "n" + i)), null)
                    .getTaskId());
        }
        UUID failing = client.tasks().createTask(task("fail", "cap-mon").maxRetries(1)
                .inputData(Map.of("error", "boom")), null).getTaskId();
        UUID paid = client.tasks().createTask(task("echo", "cap-mon").budget(1000L).auctionSeconds(20)
                .inputData(Map.of("text", "paid")), null).getTaskId();
        UUID unwanted = client.tasks().createTask(task("echo", "cap-nobody-has"), null).getTaskId();
        client.tasks().cancelTask(unwanted, "not needed");
        for (UUID t : tasks) {
            assertThat(client.awaitTask(t, WAIT).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        }
        assertThat(client.awaitTask(paid, WAIT).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(client.awaitTask(failing, WAIT).getStatus()).isEqualTo(TaskStatus.DEAD_LETTERED);
        var redrive = HTTP.send(HttpRequest.newBuilder(URI.create(platform.url("task-service")
                        + "/aitp/dead-letters/redrive")).header("Authorization", "Bearer " + login.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"task_ids\":[\"" + failing + "\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redrive.statusCode()).as(redrive.body()).isEqualTo(200);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(platform.url("task-service") + "/aitp/tasks/"
                + UUID.randomUUID())).header("Authorization", "Bearer " + login.token()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);

        // a task for the leaving agent, which then stops heartbeating and goes offline
        Task lonely = client.tasks().createTask(task("echo", "cap-mon-leaving"), null);
        client.awaitTask(lonely.getTaskId(), WAIT);
        leaving.destroy();
        await().atMost(WAIT).until(() -> client.agents().listAgents(null, AgentStatus.OFFLINE, 200, null)
                .getItems().stream().anyMatch(a -> a.getName().equals("mon-leaving")));
        await().atMost(WAIT).until(() -> admin.ledger().getEscrow("task:" + paid).getStatus().getValue()
                .equals("POSTED"));
    }

    /**
     * The compose entry proxy's own {@code nginx.conf} (Debian's nginx), its upstreams pointed at this
     * platform: each path prefix reaches its service, internal paths and /metrics do not, and the event
     * stream passes through unbuffered.
     */
    @Test
    void theEntryProxyRoutesByPathPrefix() throws Exception {
        String nginx = Tools.require("nginx");
        Path dir = Files.createTempDirectory("ains-proxy");
        String config = Files.readString(home.resolve("compose/proxy/nginx.conf"));
        for (String service : List.of("task-service", "agent-registry", "economic-service", "analytics-service")) {
            String configured = java.util.regex.Pattern.compile("server " + service + ":(\\d+);").matcher(config)
                    .results().map(m -> m.group(0)).findFirst().orElseThrow();
            config = config.replace(configured, "server " + URI.create(platform.url(service)).getAuthority() + ";");
        }
        int port = Clients.freePort();
        assertThat(config).contains("listen 8000;");
        config = config.replace("listen 8000;", "listen 127.0.0.1:" + port + ";");
        Files.writeString(dir.resolve("nginx.conf"), config);
        Process proxy = new ProcessBuilder(nginx, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-g", "daemon off; pid " + dir.resolve("nginx.pid") + ";")
                .redirectErrorStream(true).redirectOutput(platform.logDir().resolve("proxy.log").toFile()).start();
        try {
            String base = "http://127.0.0.1:" + port;
            await().atMost(WAIT).ignoreExceptions().until(() -> send(base + "/health", null).statusCode() == 200);
            Platform.ClientLogin login = platform.newClient("through-proxy");
            String token = login.token();

            assertThat(send(base + "/ains/agents?limit=1", token).statusCode()).isEqualTo(200);
            var summary = send(base + "/ains/analytics/summary", token);
            assertThat(summary.statusCode()).isEqualTo(200);
            assertThat(summary.body()).contains("\"total_tasks\"");
            var account = send(base + "/economy/accounts/" + login.clientId(), token);
            assertThat(account.statusCode()).as(account.body()).isIn(200, 404);
            assertThat(account.headers().firstValue("content-type").orElse("")).contains("json");
            var missing = send(base + "/aitp/tasks/" + UUID.randomUUID(), token);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("content-type").orElse(""))
                    .as("task-service's problem, not the proxy's page").contains("problem+json");
            assertThat(send(base + "/openapi/task-service", null).body()).contains("/aitp/tasks");
            for (String hidden : List.of("/ains/internal/candidates", "/economy/internal/escrows",
                    "/internal/agent-events", "/ains/analytics/internal/events", "/metrics")) {
                var r = send(base + hidden, token);
                assertThat(r.statusCode()).as(hidden).isEqualTo(404);
                assertThat(r.headers().firstValue("content-type").orElse("")).as(hidden).doesNotContain("json");
            }

            // the live stream arrives through the proxy as it happens
            var stream = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/aitp/events"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            var seen = new java.util.concurrent.CompletableFuture<String>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (line.startsWith("event: task.created")) {
                            seen.complete(line);
                            return;
                        }
                    }
                } catch (java.io.IOException e) {
                    seen.completeExceptionally(e);
                }
            });
            var created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/aitp/tasks"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"task_type\":\"echo\",\"capability_required\":\"cap-nobody-has\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(seen.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("event: task.created");
            reader.interrupt();
            stream.body().close();
        } finally {
            proxy.destroy();
        }
    }

    private static HttpResponse<String> send(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** True once the expression returns at least one series with a number (not NaN). */
    private static boolean awaitData(String expr) {
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        for (JsonNode series : query(expr)) {
                            String v = series.at("/value/1").asText();
                            if (!v.equals("NaN")) {
                                return true;
                            }
                        }
                        return false;
                    });
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private static List<String> firing() throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode a : get(prometheusUrl + "/api/v1/alerts").at("/data/alerts")) {
            if (a.get("state").asText().equals("firing")) {
                names.add(a.at("/labels/alertname").asText());
            }
        }
        return names;
    }

    private static JsonNode query(String expr) throws Exception {
        JsonNode r = get(prometheusUrl + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        assertThat(r.get("status").asText()).as(expr + ": " + r).isEqualTo("success");
        return r.at("/data/result");
    }

    private static JsonNode get(String url) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

}
