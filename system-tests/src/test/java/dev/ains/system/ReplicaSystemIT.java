package dev.ains.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ains.client.Ains;
import dev.ains.client.registry.model.AgentRegistration;
import dev.ains.client.registry.model.AgentRegistered;
import dev.ains.client.registry.model.Capability;
import dev.ains.client.tasks.model.AttemptResult;
import dev.ains.client.tasks.model.ClaimedTask;
import dev.ains.client.tasks.model.ResultBatch;
import dev.ains.client.tasks.model.Task;
import dev.ains.client.tasks.model.TaskCompletion;
import dev.ains.client.tasks.model.TaskRequest;
import dev.ains.client.tasks.model.TaskStatus;
import dev.ains.launcher.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two task-service instances on one database, with agents claiming from both, one task or several at a
 * time: no task is handed to two agents, no agent holds more than its capacity, every task is finished exactly once, and a schedule both replicas see fires each tick once.
 */
class ReplicaSystemIT {
    private static Platform platform;
    private static String replica;

    @BeforeAll
    static void start() {
        Path home = Path.of(System.getProperty("ains.home", "..")).toAbsolutePath().normalize();
        platform = Platform.start(new Platform.Options(home, true, false, null, Map.of()));
        replica = platform.startReplica("task-service");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    /** A schedule every second, for a capability no agent holds (its tasks wait, to be counted). */
    private static UUID createSchedule(String url, String token) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/aitp/tasks/schedule"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"cron\":\"* * * * * *\",\"task\":"
                        + "{\"task_type\":\"rep-scheduled\",\"capability_required\":\"cap-nobody-has\"}}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return UUID.fromString(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body())
                .get("schedule_id").asText());
    }

    /** Disables the schedule and counts the tasks it submitted. */
    private static long countScheduled(String url, String token, UUID schedule) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/aitp/tasks/schedule/" + schedule))
                .header("Authorization", "Bearer " + token).DELETE().build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url
                        + "/aitp/tasks?task_type=rep-scheduled&limit=200")).header("Authorization", "Bearer " + token)
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("items").size();
    }

    @Test
    void twoReplicasNeverHandOneTaskToTwoAgents() throws Exception {
        List<String> taskServices = List.of(platform.url("task-service"), replica);
        String token = platform.newClientToken("replicas");
        Ains client = Ains.builder().registryUrl(platform.url("agent-registry")).token(token).build();
        int agents = 4;
        List<AgentRegistered> regs = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            regs.add(client.agents().registerAgent(new AgentRegistration().name("rep-" + i).maxConcurrency(3)
                    .heartbeatIntervalSeconds(60).capabilities(List.of(new Capability().name("cap-replica")))));
        }
        Thread.sleep(600); // candidate cache

        // a schedule ticking every second, which both replicas' schedulers see
        java.time.OffsetDateTime scheduleFrom = java.time.OffsetDateTime.now();
        UUID schedule = createSchedule(taskServices.get(0), token);

        int total = 150;
        List<UUID> submitted = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            Ains via = Ains.builder().tasksUrl(taskServices.get(i % 2)).token(token).build();
            submitted.add(via.tasks().createTask(new TaskRequest().taskType("rep").capabilityRequired("cap-replica")
                    .inputData(Map.of("n", i)), null).getTaskId());
        }

        // half the workers claim one task at a time, half up to 3 a call with their results in one report
        Map<UUID, AtomicInteger> claims = new ConcurrentHashMap<>();
        Set<UUID> completed = ConcurrentHashMap.newKeySet();
        Map<UUID, AtomicInteger> held = new ConcurrentHashMap<>();
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicInteger biggestClaim = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            for (int replicaIndex = 0; replicaIndex < 2; replicaIndex++) {
                AgentRegistered reg = regs.get(i);
                UUID agentId = reg.getAgent().getAgentId();
                boolean bulk = replicaIndex == 1;
                Ains asAgent = Ains.builder().tasksUrl(taskServices.get(replicaIndex)).apiKey(reg.getApiKey()).build();
                workers.add(Thread.ofVirtual().start(() -> {
                    try {
                        while (completed.size() < total) {
                            List<ClaimedTask> got = bulk ? asAgent.agentWork().claimTasks(agentId, 3, 1).getItems()
                                    : Optional.ofNullable(asAgent.agentWork().claimTask(agentId, 1))
                                            .filter(c -> c.getTask() != null).stream().toList();
                            biggestClaim.accumulateAndGet(got.size(), Math::max);
                            AtomicInteger holding = held.computeIfAbsent(agentId, k -> new AtomicInteger());
                            mostHeld.accumulateAndGet(holding.addAndGet(got.size()), Math::max);
                            for (ClaimedTask c : got) {
                                claims.computeIfAbsent(c.getTask().getTaskId(), k -> new AtomicInteger())
                                        .incrementAndGet();
                            }
                            // counted as released before the report: the platform frees the slots only after it
                            holding.addAndGet(-got.size());
                            if (bulk && !got.isEmpty()) {
                                var answers = asAgent.agentWork().reportResults(agentId, new ResultBatch().items(
                                        got.stream().map(c -> new AttemptResult().taskId(c.getTask().getTaskId())
                                                .attemptNo(c.getAttemptNo()).outcome(AttemptResult.OutcomeEnum.COMPLETED)
                                                .result(Map.of("ok", true))).toList())).getItems();
                                assertThat(answers).allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(200));
                            }
                            for (ClaimedTask c : got) {
                                if (!bulk) {
                                    asAgent.agentWork().completeTask(c.getTask().getTaskId(), new TaskCompletion()
                                            .attemptNo(c.getAttemptNo()).result(Map.of("ok", true)));
                                }
                                completed.add(c.getTask().getTaskId());
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> completed.size() >= total);
        for (Thread w : workers) {
            w.join(Duration.ofSeconds(5));
        }

        // every tick fired once: never more tasks than ticks that came due
        long scheduled = countScheduled(taskServices.get(1), token, schedule);
        long ticks = java.time.Duration.between(scheduleFrom, java.time.OffsetDateTime.now()).toSeconds() + 1;
        assertThat(scheduled).as("scheduled tasks").isPositive().isLessThanOrEqualTo(ticks);

        assertThat(claims).hasSize(total);
        assertThat(biggestClaim.get()).as("never more than max_tasks in one claim").isBetween(1, 3);
        assertThat(mostHeld.get()).as("never more held at once than the agent's capacity").isLessThanOrEqualTo(3);
        assertThat(claims.values()).allSatisfy(n -> assertThat(n.get()).as("claims of one task").isEqualTo(1));
        Ains reader = Ains.builder().tasksUrl(replica).token(token).build();
        for (UUID id : submitted) {
            Task t = reader.tasks().getTask(id);
            assertThat(t.getStatus()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(t.getAttempts()).hasSize(1);
        }
    }

    /**
     * Tasks whose agent never finishes them, served by both replicas: each attempt times out once —
     * one TIMED_OUT attempt, one dead letter, one outcome for the agent's trust — however many lease
     * keepers look at it.
     */
    @Test
    void eachTimeoutIsHandledOnce() throws Exception {
        List<String> taskServices = List.of(platform.url("task-service"), replica);
        String token = platform.newClientToken("timeouts");
        Ains client = Ains.builder().registryUrl(platform.url("agent-registry")).token(token).build();
        AgentRegistered slow = client.agents().registerAgent(new AgentRegistration().name("rep-slow")
                .maxConcurrency(20).heartbeatIntervalSeconds(60)
                .capabilities(List.of(new Capability().name("cap-timeout"))));
        UUID agent = slow.getAgent().getAgentId();
        Thread.sleep(600); // candidate cache

        int total = 10;
        List<UUID> tasks = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            Ains via = Ains.builder().tasksUrl(taskServices.get(i % 2)).token(token).build();
            tasks.add(via.tasks().createTask(new TaskRequest().taskType("rep-timeout").capabilityRequired("cap-timeout")
                    .timeoutSeconds(1).maxRetries(0), null).getTaskId());
        }
        // the agent takes them all, through both replicas, and never reports back
        Set<UUID> claimed = ConcurrentHashMap.newKeySet();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (String url : taskServices) {
                ClaimedTask c = Ains.builder().tasksUrl(url).apiKey(slow.getApiKey()).build().agentWork()
                        .claimTask(agent, 0);
                if (c != null && c.getTask() != null) {
                    claimed.add(c.getTask().getTaskId());
                }
            }
            return claimed.size() >= total;
        });

        Ains reader = Ains.builder().tasksUrl(replica).token(token).registryUrl(platform.url("agent-registry"))
                .build();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (UUID id : tasks) {
                assertThat(reader.tasks().getTask(id).getStatus()).isEqualTo(TaskStatus.DEAD_LETTERED);
            }
        });
        for (UUID id : tasks) {
            Task t = reader.tasks().getTask(id);
            assertThat(t.getAttempts()).singleElement().satisfies(a ->
                    assertThat(a.getOutcome()).isEqualTo(dev.ains.client.tasks.model.Attempt.OutcomeEnum.TIMED_OUT));
        }
        // and the registry heard of each timeout once
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(reader.trust().getTrust(agent).getOutcomes()).isEqualTo((long) total));
        Thread.sleep(1000); // a second lease keeper acting late would show up here
        assertThat(reader.trust().getTrust(agent).getOutcomes()).isEqualTo((long) total);
    }
}
