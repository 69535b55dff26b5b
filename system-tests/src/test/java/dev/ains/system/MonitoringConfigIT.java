package dev.ains.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The files in {@code compose/} without running them: Prometheus config and alert rules (promtool, with
 * the rules' unit tests), the compose files (docker-compose config), and the Grafana dashboards' shape
 * and metric names.
 */
class MonitoringConfigIT {
    private static final Path HOME = Path.of(System.getProperty("ains.home", "..")).toAbsolutePath().normalize();
    private static final Path COMPOSE = HOME.resolve("compose");

    @Test
    void prometheusConfigAndAlertRulesAreValidAndTheirUnitTestsPass() throws Exception {
        String promtool = Tools.require("promtool");
        Path dir = COMPOSE.resolve("prometheus");
        for (String config : List.of("prometheus.yml", "prometheus-local.yml")) {
            var r = Tools.run(dir, promtool, "check", "config", config);
            assertThat(r.code()).as(r.output()).isZero();
        }
        var rules = Tools.run(dir, promtool, "check", "rules", "alerts.yml");
        assertThat(rules.code()).as(rules.output()).isZero();
        var tests = Tools.run(dir, promtool, "test", "rules", "alerts.test.yml");
        assertThat(tests.code()).as(tests.output()).isZero();
        assertThat(tests.output()).contains("SUCCESS");
    }

    @Test
    void composeFilesAreValidOnceTheExampleSecretsAreSetAndRefuseMissingOnes() throws Exception {
        String compose = Tools.require("docker-compose");
        // the example ships no secrets: as it is, compose refuses it and asks for them
        var asShipped = Tools.run(COMPOSE, compose, "--env-file", ".env.example", "-f", "docker-compose.yml",
                "config", "-q");
        assertThat(asShipped.code()).isNotZero();
        assertThat(asShipped.output()).contains("set POSTGRES_PASSWORD");
        // filled in as an operator would (every empty secret given a random value), it is valid
        StringBuilder filled = new StringBuilder();
        for (String line : Files.readAllLines(COMPOSE.resolve(".env.example"))) {
            filled.append(line.matches("[A-Z_]+=") ? line + "s3cr3t-" + UUID.randomUUID() : line).append('\n');
        }
        Path env = Files.createTempFile("ains-filled", ".env");
        Files.writeString(env, filled);
        var ok = Tools.run(COMPOSE, compose, "--env-file", env.toString(), "-f", "docker-compose.yml", "-f",
                "docker-compose.monitoring.yml", "config");
        assertThat(ok.code()).as(ok.output()).isZero();
        for (String service : List.of("postgres", "agent-registry", "task-service", "economic-service",
                "analytics-service", "proxy", "prometheus", "grafana")) {
            assertThat(ok.output()).contains("  " + service + ":");
        }
        assertThat(ok.output()).contains("AINS_DB_URL: jdbc:postgresql://postgres:5432/ains")
                .contains("TASK_SERVICE_MP_REST_URL: http://task-service:8080");
        Path empty = Files.createTempFile("ains-empty", ".env");
        var missing = Tools.run(COMPOSE, compose, "--env-file", empty.toString(), "-f", "docker-compose.yml",
                "config", "-q");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.output()).contains("set POSTGRES_PASSWORD");
    }

    @Test
    void dashboardsUseTheProvisionedDataSourceAndOnlyKnownMetrics() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String datasources = Files.readString(COMPOSE.resolve("grafana/provisioning/datasources/prometheus.yml"));
        assertThat(datasources).contains("uid: ains-prometheus");
        String catalogue = Files.readString(HOME.resolve("docs/metrics.md"));
        // metrics from Prometheus itself and from Helidon's base registry
        Set<String> builtIn = Set.of("up", "memory_usedHeap_bytes", "gc_time_seconds_total", "thread_count");
        Pattern metric = Pattern.compile("\\b((?:ains|http_server)_[a-z_]+|up|memory_usedHeap_bytes"
                + "|gc_time_seconds_total|thread_count)\\b");
        Set<String> titles = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        try (var files = Files.list(COMPOSE.resolve("grafana/dashboards"))) {
            for (Path file : files.sorted().toList()) {
                JsonNode d = json.readTree(file.toFile());
                assertThat(titles.add(d.get("title").asText())).isTrue();
                assertThat(d.get("uid").asText()).isNotBlank();
                Set<Integer> ids = new HashSet<>();
                for (JsonNode panel : d.get("panels")) {
                    assertThat(ids.add(panel.get("id").asInt())).as(file + " panel ids are unique").isTrue();
                    assertThat(panel.at("/datasource/uid").asText()).isEqualTo("ains-prometheus");
                    assertThat(panel.at("/gridPos/w").asInt()).isBetween(1, 24);
                    assertThat(panel.get("targets")).isNotEmpty();
                    for (JsonNode t : panel.get("targets")) {
                        Matcher m = metric.matcher(t.get("expr").asText());
                        while (m.find()) {
                            String name = builtIn.contains(m.group(1)) ? m.group(1)
                                    : m.group(1).replaceAll("_(bucket|count|sum)$", "");
                            if (!builtIn.contains(name) && !catalogue.contains("`" + name + "`")) {
                                unknown.add(d.get("title").asText() + " / " + panel.get("title").asText() + ": " + name);
                            }
                        }
                    }
                }
            }
        }
        assertThat(titles).contains("AINS – HTTP & Core", "AINS – Tasks & Agents", "AINS – Webhooks & Economy");
        assertThat(unknown).as("metrics not in docs/metrics.md").isEmpty();
    }
}
