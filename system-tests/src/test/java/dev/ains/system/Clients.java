package dev.ains.system;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import dev.ains.client.Ains;
import dev.ains.client.registry.model.AgentStatus;
import dev.ains.client.tasks.model.TaskRequest;
import dev.ains.launcher.Platform;

/** What the system tests share: the SDK pointed at a platform, task requests, waiting for agents. */
final class Clients {
    private Clients() {
    }

    static Ains.Builder sdk(Platform platform) {
        return Ains.builder().tasksUrl(platform.url("task-service")).registryUrl(platform.url("agent-registry"))
                .analyticsUrl(platform.url("analytics-service")).economyUrl(platform.url("economic-service"));
    }

    static TaskRequest task(String type, String capability) {
        return new TaskRequest().taskType(type).capabilityRequired(capability);
    }

    /** The id of the agent named so, once the registry lists it online. */
    static UUID awaitAgent(Ains client, String name, Duration wait) {
        return await().atMost(wait).until(() -> client.agents().listAgents(null, AgentStatus.ONLINE, 200, null)
                .getItems().stream().filter(a -> a.getName().equals(name)).map(a -> a.getAgentId()).findFirst()
                .orElse(null), java.util.Objects::nonNull);
    }

    /** A port nothing listens on right now, for a helper process (Prometheus, nginx). */
    static int freePort() throws java.io.IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
