package dev.ains.agent;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The sample agent's settings, all from environment variables (sample-agent/README.md). */
record AgentSettings(String registryUrl, String tasksUrl, String token, String clientId, String clientSecret,
                     String name, List<String> capabilities, int maxConcurrency, int heartbeatSeconds,
                     double failureRate, boolean failRetryable, String agentId, String apiKey,
                     boolean eventStream, String economyUrl, String bidStrategy, double bidFraction, long bidPrice,
                     int bidEtaSeconds, double bidConfidence) {

    static AgentSettings from(Map<String, String> env) {
        return new AgentSettings(
                env.getOrDefault("AINS_REGISTRY_URL", "http://localhost:8081"),
                env.getOrDefault("AINS_TASKS_URL", "http://localhost:8080"),
                env.get("AINS_TOKEN"),
                env.get("AINS_CLIENT_ID"),
                env.get("AINS_CLIENT_SECRET"),
                env.getOrDefault("AINS_AGENT_NAME", "sample-agent"),
                Arrays.stream(env.getOrDefault("AINS_CAPABILITIES", "echo,uppercase,sleep").split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).toList(),
                Integer.parseInt(env.getOrDefault("AINS_MAX_CONCURRENCY", "4")),
                Integer.parseInt(env.getOrDefault("AINS_HEARTBEAT_SECONDS", "5")),
                Double.parseDouble(env.getOrDefault("AINS_FAILURE_RATE", "0")),
                Boolean.parseBoolean(env.getOrDefault("AINS_FAIL_RETRYABLE", "true")),
                env.get("AINS_AGENT_ID"),
                env.get("AINS_API_KEY"),
                Boolean.parseBoolean(env.getOrDefault("AINS_EVENT_STREAM", "true")),
                env.getOrDefault("AINS_ECONOMY_URL", "http://localhost:8082"),
                env.getOrDefault("AINS_BID_STRATEGY", "fraction"),
                Double.parseDouble(env.getOrDefault("AINS_BID_FRACTION", "0.8")),
                Long.parseLong(env.getOrDefault("AINS_BID_PRICE", "100")),
                Integer.parseInt(env.getOrDefault("AINS_BID_ETA_SECONDS", "30")),
                Double.parseDouble(env.getOrDefault("AINS_BID_CONFIDENCE", "0.9")));
    }
}
