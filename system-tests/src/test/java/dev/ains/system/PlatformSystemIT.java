package dev.ains.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ains.client.Ains;
import dev.ains.client.WebhookVerifier;
import dev.ains.client.economy.model.ChannelPayment;
import dev.ains.client.economy.model.ChannelRequest;
import dev.ains.client.economy.model.ChannelSettlement;
import dev.ains.client.economy.model.DepositRequest;
import dev.ains.client.economy.model.Escrow;
import dev.ains.client.registry.model.AgentRegistration;
import dev.ains.client.registry.model.AgentRegistered;
import dev.ains.client.registry.model.AgentStatus;
import dev.ains.client.registry.model.Capability;
import dev.ains.client.tasks.model.Attempt;
import dev.ains.client.tasks.model.ClaimedTask;
import dev.ains.client.tasks.model.DeliveryStatus;
import dev.ains.client.tasks.model.RoutingDecision;
import dev.ains.client.tasks.model.Task;
import dev.ains.client.tasks.model.TaskCompletion;
import dev.ains.client.tasks.model.TaskFailure;
import dev.ains.client.tasks.model.TaskRequest;
import dev.ains.client.tasks.model.TaskStatus;
import dev.ains.client.tasks.model.Webhook;
import dev.ains.client.tasks.model.WebhookRequest;
import dev.ains.launcher.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The four services and sample agents as real processes on one embedded PostgreSQL, driven over HTTP
 * only, through the public client SDK. Each test uses its own capabilities, so they do not share agents.
 */
class PlatformSystemIT {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static Platform platform;
    private static Ains client;
    private static String token;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        Path home = Path.of(System.getProperty("ains.home", "..")).toAbsolutePath().normalize();
        platform = Platform.start(new Platform.Options(home, true, false, null, Map.of(
                // quick liveness so that "agent stops heartbeating" takes seconds, not half a minute
                "AINS_REGISTRY_OFFLINE_CHECK_MS", "300",
                "AINS_TASKS_LIVENESS_CHECK_MS", "300",
                "AINS_OUTBOX_POLL_MS", "100",
                "AINS_TASKS_RETRY_BASE_MS", "200",
                "AINS_WEBHOOKS_RETRY_SCHEDULE", "0s,1s,1s,1s,1s,1s,1s,1s")));
        token = platform.newClientToken("system-tests");
        client = sdk().token(token).build();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void happyPath() throws Exception {
        double before = metric("task-service", "ains_tasks_completed_total", "task_type=\"echo\"");
        platform.startAgent("happy", Map.of("AINS_CAPABILITIES", "cap-happy", "AINS_HEARTBEAT_SECONDS", "1"));
        UUID agent = awaitAgent("happy");

        Task t = client.tasks().createTask(task("echo", "cap-happy").inputData(Map.of("text", "hello")), null);
        Task done = client.awaitTask(t.getTaskId(), WAIT);

        assertThat(done.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(done.getAssignedAgentId()).isEqualTo(agent);
        assertThat(done.getResult()).containsEntry("echo", Map.of("text", "hello"));
        assertThat(done.getAttempts()).singleElement().extracting(Attempt::getOutcome)
                .isEqualTo(Attempt.OutcomeEnum.SUCCEEDED);
        List<RoutingDecision> routing = client.tasks().getTaskRouting(t.getTaskId()).getItems();
        assertThat(routing).last().extracting(RoutingDecision::getChosenAgentId).isEqualTo(agent);

        await().atMost(WAIT).untilAsserted(() -> {
            var trust = client.trust().getTrust(agent);
            assertThat(trust.getOutcomes()).isEqualTo(1);
            assertThat(trust.getScore()).isGreaterThanOrEqualTo(0.5);
        });
        await().atMost(WAIT).untilAsserted(() -> {
            var summary = client.analytics().getSummary(null, null, null);
            assertThat(summary.getByStatus()).containsKey("COMPLETED");
            assertThat(summary.getSucceeded()).isPositive();
        });
        // the agent report carries the agent's trust score, asked of the registry
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.analytics()
                .getAgentReport("last_hour", null, null, null, 50, null).getItems())
                .anySatisfy(r -> {
                    assertThat(r.getAgentId()).isEqualTo(agent);
                    assertThat(r.getTrustScore()).isEqualTo(client.trust().getTrust(agent).getScore());
                }));
        assertThat(metric("task-service", "ains_tasks_completed_total", "task_type=\"echo\"")).isEqualTo(before + 1);
        assertThat(metric("agent-registry", "ains_agent_heartbeats_total", "")).isPositive();
    }

    @Test
    void failurePathRetriesThenDeadLettersAndTrustFalls() throws Exception {
        double retriedBefore = metric("task-service", "ains_tasks_retried_total", "task_type=\"fail\"");
        platform.startAgent("failing", Map.of("AINS_CAPABILITIES", "cap-fail", "AINS_HEARTBEAT_SECONDS", "1"));
        UUID agent = awaitAgent("failing");

        Task t = client.tasks().createTask(task("fail", "cap-fail").maxRetries(2)
                .inputData(Map.of("error", "boom")), null);
        Task done = client.awaitTask(t.getTaskId(), WAIT);

        assertThat(done.getStatus()).isEqualTo(TaskStatus.DEAD_LETTERED);
        assertThat(done.getError()).isEqualTo("boom");
        assertThat(done.getAttemptCount()).isEqualTo(3);
        assertThat(done.getAttempts()).hasSize(3).allSatisfy(a -> {
            assertThat(a.getOutcome()).isEqualTo(Attempt.OutcomeEnum.FAILED);
            assertThat(a.getError()).isEqualTo("boom");
        });
        assertThat(done.getAttempts().get(0).getRetryDelayMs()).isNotNull();
        assertThat(metric("task-service", "ains_tasks_retried_total", "task_type=\"fail\""))
                .isEqualTo(retriedBefore + 2);
        await().atMost(WAIT).untilAsserted(() -> {
            var trust = client.trust().getTrust(agent);
            assertThat(trust.getOutcomes()).isEqualTo(3);
            assertThat(trust.getScore()).isLessThan(0.5);
        });
        assertThat(client.trust().getTrustHistory(agent, null, null).getItems()).hasSize(3);
    }

    @Test
    void taskWaitsForAnAgentThenIsRoutedWhenOneRegisters() throws Exception {
        Task t = client.tasks().createTask(task("echo", "cap-late"), null);
        assertThat(t.getStatus()).isEqualTo(TaskStatus.QUEUED);
        assertThat(client.tasks().getTaskRouting(t.getTaskId()).getItems()).singleElement()
                .satisfies(d -> assertThat(d.getChosenAgentId()).isNull());

        platform.startAgent("late", Map.of("AINS_CAPABILITIES", "cap-late", "AINS_HEARTBEAT_SECONDS", "1"));
        Task done = client.awaitTask(t.getTaskId(), WAIT);
        assertThat(done.getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void agentThatStopsHeartbeatingGoesOfflineAndItsTaskIsRerouted() throws Exception {
        Receiver receiver = new Receiver();
        client.webhooks().createWebhook(new WebhookRequest().url(receiver.url()).events(List.of("agent.offline")));
        AgentRegistered fragile = register("fragile", List.of("cap-fragile"), 1, 1);
        Ains asFragile = sdk().apiKey(fragile.getApiKey()).build();
        UUID fragileId = fragile.getAgent().getAgentId();
        asFragile.agents().heartbeat(fragileId);

        Task t = client.tasks().createTask(task("echo", "cap-fragile"), null);
        ClaimedTask claimed = asFragile.agentWork().claimTask(fragileId, 10);
        assertThat(claimed.getTask().getTaskId()).isEqualTo(t.getTaskId());
        asFragile.agentWork().startTask(t.getTaskId());
        // ...and the agent dies: no more heartbeats.

        await().atMost(WAIT).untilAsserted(() ->
                assertThat(client.agents().getAgent(fragileId).getStatus()).isEqualTo(AgentStatus.OFFLINE));
        platform.startAgent("rescuer", Map.of("AINS_CAPABILITIES", "cap-fragile", "AINS_HEARTBEAT_SECONDS", "1"));
        Task done = client.awaitTask(t.getTaskId(), WAIT);

        assertThat(done.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(done.getAssignedAgentId()).isNotEqualTo(fragileId);
        assertThat(done.getAttempts()).hasSize(2);
        assertThat(done.getAttempts().get(0).getAgentId()).isEqualTo(fragileId);
        assertThat(done.getAttempts().get(0).getOutcome()).isEqualTo(Attempt.OutcomeEnum.LOST);
        // the lost agent's late report is refused and changes nothing
        var late = org.junit.jupiter.api.Assertions.assertThrows(dev.ains.client.tasks.ApiException.class,
                () -> asFragile.agentWork().completeTask(t.getTaskId(), new TaskCompletion()));
        assertThat(late.getCode()).isEqualTo(409);
        // the registry's agent.offline reached the owner's webhook through task-service
        await().atMost(WAIT).untilAsserted(() -> assertThat(receiver.received()).anySatisfy(r ->
                assertThat(r.body()).contains("\"agent.offline\"").contains(fragileId.toString())));
        receiver.close();
    }

    @Test
    void anAgentThatKeepsClaimingStaysOnlineWithoutHeartbeats() throws Exception {
        AgentRegistered busy = register("busy", List.of("cap-busy"), 1, 1);
        AgentRegistered silent = register("silent", List.of("cap-busy"), 1, 1);
        Ains asBusy = sdk().apiKey(busy.getApiKey()).build();
        UUID busyId = busy.getAgent().getAgentId();
        UUID silentId = silent.getAgent().getAgentId();

        // neither heartbeats; one long-polls for work the whole time, until the other has been declared gone
        AtomicBoolean claiming = new AtomicBoolean(true);
        Thread poller = Thread.ofVirtual().start(() -> {
            while (claiming.get()) {
                try {
                    asBusy.agentWork().claimTasks(busyId, 1, 1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(client.agents().getAgent(silentId).getStatus()).isEqualTo(AgentStatus.OFFLINE));
        Thread.sleep(1500); // past the busy agent's own three missed intervals, with the monitor running
        assertThat(client.agents().getAgent(busyId).getStatus()).as("seen working: alive").isEqualTo(AgentStatus.ONLINE);
        claiming.set(false);
        poller.join(Duration.ofSeconds(5));
    }

    @Test
    void aTaskWithABudgetIsAuctionedToTheSampleAgentWhichIsPaidOnCompletion() throws Exception {
        String clientId = client.tasks().createTask(task("echo", "cap-nobody-has"), null).getCreatedBy();
        Ains admin = sdk().token(platform.adminToken()).build();
        admin.ledger().createDeposit(new DepositRequest().depositId("fund-" + clientId).ownerId(clientId)
                .amount(10_000L));
        long before = admin.accounts().getAccount(clientId, null).getAvailable();
        platform.startAgent("bidder", Map.of("AINS_CAPABILITIES", "cap-auction", "AINS_HEARTBEAT_SECONDS", "1",
                "AINS_BID_STRATEGY", "fraction", "AINS_BID_FRACTION", "0.5"));
        UUID agent = awaitAgent("bidder");

        Task t = client.tasks().createTask(task("echo", "cap-auction").budget(1000L).auctionSeconds(20)
                .inputData(Map.of("text", "paid work")), null);
        assertThat(t.getStatus()).isEqualTo(TaskStatus.AUCTIONING);
        // the only invitee answers, so the award comes before the deadline
        Task done = client.awaitTask(t.getTaskId(), WAIT);
        assertThat(done.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(done.getAuctionWinnerId()).isEqualTo(agent);
        var auction = client.auctions().getAuction(t.getTaskId());
        assertThat(auction.getPrice()).isEqualTo(500L);
        assertThat(auction.getBids()).singleElement().satisfies(b -> assertThat(b.getScore()).isNotNull());
        // paid: 500 less the 5 % fee to the agent, the client keeps the rest
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(admin.ledger().getEscrow("task:" + t.getTaskId()).getStatus())
                        .isEqualTo(Escrow.StatusEnum.POSTED));
        assertThat(admin.accounts().getAccount(agent.toString(), null).getAvailable()).isEqualTo(475L);
        assertThat(admin.accounts().getAccount(clientId, null).getAvailable()).isEqualTo(before - 500);
        assertThat(admin.ledger().checkLedger().getOk()).isTrue();
        // the registry counts the earning in the agent's reputation
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(client.trust().getReputation(agent).getStats().getEarnings()).containsEntry("USD", 475L));
    }

    /**
     * Paid tasks and channel payments in parallel while economic-service is stopped and started again,
     * with requests replayed: every task is auctioned, done and paid exactly once, the channel ends at its
     * highest nonce, the client pays exactly the winning prices and the channel's amount, and the ledger holds.
     */
    @Test
    void paidTasksSurviveAnEconomyRestartAndEachIsPaidOnce() throws Exception {
        String clientId = client.tasks().createTask(task("echo", "cap-nobody-has"), null).getCreatedBy();
        Ains admin = sdk().token(platform.adminToken()).build();
        long funds = 100_000;
        admin.ledger().createDeposit(new DepositRequest().depositId("fund-paid-" + clientId).ownerId(clientId)
                .amount(funds));
        long before = admin.accounts().getAccount(clientId, null).getAvailable();
        platform.startAgent("paid-a", Map.of("AINS_CAPABILITIES", "cap-paid", "AINS_HEARTBEAT_SECONDS", "1",
                "AINS_BID_STRATEGY", "fraction", "AINS_BID_FRACTION", "0.5"));
        platform.startAgent("paid-b", Map.of("AINS_CAPABILITIES", "cap-paid", "AINS_HEARTBEAT_SECONDS", "1",
                "AINS_BID_STRATEGY", "fixed", "AINS_BID_PRICE", "300"));
        UUID agentA = awaitAgent("paid-a");
        awaitAgent("paid-b");
        // a payment channel to one of the agents, paid into while economic-service goes away and back
        String channel = "ch-" + UUID.randomUUID();
        client.channels().openChannel(new ChannelRequest().channelId(channel).clientId(clientId)
                .agentId(agentA.toString()).deposit(5000L));

        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<UUID> tasks = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Runnable submitTen = () -> {
            var batch = new java.util.ArrayList<java.util.concurrent.Future<UUID>>();
            for (int i = 0; i < 10; i++) {
                String key = UUID.randomUUID().toString();
                batch.add(pool.submit(() -> {
                    TaskRequest r = task("echo", "cap-paid").budget(1000L).auctionSeconds(15)
                            .inputData(Map.of("text", key));
                    UUID id = client.tasks().createTask(r, key).getTaskId();
                    // a client retrying after a lost answer: the same task, not a second one
                    assertThat(client.tasks().createTask(r, key).getTaskId()).isEqualTo(id);
                    return id;
                }));
            }
            for (var f : batch) {
                try {
                    tasks.add(f.get());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        submitTen.run();
        platform.stop("economic-service");
        // channel payments in any order, each retried until the economy answers (a late nonce is refused)
        var payments = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
        var payers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor(); // not the submitters' pool
        for (int n = 1; n <= 30; n++) {
            long nonce = n;
            payments.add(payers.submit(() -> payUntilAnswered(channel, nonce, nonce * 10)));
        }
        submitTen.run(); // their auctions wait in task-service's outbox
        platform.restart("economic-service");
        for (var f : payments) {
            assertThat(f.get()).isIn(200, 409);
        }
        payers.shutdown();
        pool.shutdown();

        long paid = 0;
        for (UUID id : tasks) {
            Task done = client.awaitTask(id, Duration.ofSeconds(90));
            assertThat(done.getStatus()).as("task " + id).isEqualTo(TaskStatus.COMPLETED);
            await().atMost(WAIT).untilAsserted(() -> assertThat(admin.ledger().getEscrow("task:" + id).getStatus())
                    .isEqualTo(Escrow.StatusEnum.POSTED));
            var auction = client.auctions().getAuction(id);
            assertThat(done.getAuctionWinnerId()).isEqualTo(auction.getWinnerAgentId());
            paid += auction.getPrice();
        }
        assertThat(tasks).hasSize(20);
        var open = client.channels().getChannel(channel);
        assertThat(open.getNonce()).isEqualTo(30L);
        assertThat(open.getCumulativeAmount()).isEqualTo(300L);
        var settled = client.channels().settleChannel(channel, new ChannelSettlement().settlementId("done"));
        assertThat(settled.getPaidToAgent()).isEqualTo(285L);
        assertThat(admin.accounts().getAccount(clientId, null).getAvailable()).isEqualTo(before - paid - 300);
        assertThat(admin.accounts().getAccount(clientId, null).getPending()).isZero();
        var check = admin.ledger().checkLedger();
        assertThat(check.getProblems()).isEmpty();
        assertThat(check.getOk()).isTrue();
    }

    /** One channel payment, sent again while the economy does not answer; the status it finally got. */
    private static int payUntilAnswered(String channel, long nonce, long cumulative) throws InterruptedException {
        while (true) {
            try {
                client.channels().payOnChannel(channel, new ChannelPayment().nonce(nonce).cumulativeAmount(cumulative));
                return 200;
            } catch (dev.ains.client.economy.ApiException e) {
                if (e.getCode() == 409) {
                    return 409;
                }
                Thread.sleep(200); // not answering (stopped, or starting): try again
            }
        }
    }

    /**
     * analytics-service down while tasks come and go: task-service's outbox keeps the events, and once
     * analytics is back its figures are exact — every task counted once, none missed.
     */
    @Test
    void analyticsCatchesUpAfterBeingDownWithoutGapsOrDoubleCounting() throws Exception {
        Ains customer = sdk().token(platform.newClientToken("analytics-catch-up")).build();
        platform.stop("analytics-service");
        List<UUID> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tasks.add(customer.tasks().createTask(task("catch-up", "cap-nobody-has"), null).getTaskId());
        }
        for (UUID t : tasks.subList(0, 5)) {
            customer.tasks().cancelTask(t, "catch-up test");
        }
        platform.restart("analytics-service");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            var s = customer.analytics().getSummary("last_hour", null, null);
            assertThat(s.getTotalTasks()).isEqualTo(12L);
            assertThat(s.getCancelled()).isEqualTo(5L);
        });
        // more events for the same tasks after the catch-up move them, they do not add to them
        for (UUID t : tasks.subList(5, 12)) {
            customer.tasks().cancelTask(t, "catch-up test");
        }
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(customer.analytics().getSummary("last_hour", null, null).getCancelled()).isEqualTo(12L));
        var s = customer.analytics().getSummary("last_hour", null, null);
        assertThat(s.getTotalTasks()).isEqualTo(12L);
        assertThat(s.getByStatus()).containsOnlyKeys("CANCELLED");
    }

    @Test
    void webhookDeliveriesPendingWhenTaskServiceStopsAreDeliveredAfterItRestarts() throws Exception {
        try (Receiver receiver = new Receiver()) {
            receiver.answer(503); // the receiver is down
            Webhook hook = client.webhooks().createWebhook(new WebhookRequest().url(receiver.url())
                    .events(List.of("task.created")));
            List<UUID> tasks = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                tasks.add(client.tasks().createTask(task("echo", "cap-nobody-has"), null).getTaskId());
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(receiver.received().stream()
                    .map(Receiver.Received::webhookId).distinct()).hasSize(5));

            platform.stop("task-service");
            receiver.answer(200);
            platform.restart("task-service");

            await().atMost(WAIT).untilAsserted(() -> assertThat(client.webhooks()
                    .listDeliveries(hook.getWebhookId(), 50, null, DeliveryStatus.SUCCEEDED).getItems()).hasSize(5));
            WebhookVerifier verifier = new WebhookVerifier(List.of(hook.getSecret()));
            List<Receiver.Received> accepted = receiver.received().stream().filter(r -> r.answered() == 200).toList();
            assertThat(accepted).hasSize(5);
            for (Receiver.Received r : accepted) {
                verifier.verify(Map.of("webhook-id", List.of(r.webhookId()), "webhook-timestamp",
                        List.of(r.timestamp()), "webhook-signature", List.of(r.signature())), r.body());
                assertThat(tasks.stream().anyMatch(t -> r.body().contains(t.toString()))).isTrue();
            }
            assertThat(accepted.stream().map(Receiver.Received::webhookId).distinct()).hasSize(5);
        }
    }

    @Test
    void routingPrefersTrustUsesTheNextAgentAtCapacityAndHonoursMinTrust() throws Exception {
        AgentRegistered good = register("good", List.of("cap-route", "cap-warm-good"), 1, 30);
        AgentRegistered poor = register("poor", List.of("cap-route", "cap-warm-poor"), 1, 30);
        Ains asGood = sdk().apiKey(good.getApiKey()).build();
        Ains asPoor = sdk().apiKey(poor.getApiKey()).build();
        UUID goodId = good.getAgent().getAgentId();
        UUID poorId = poor.getAgent().getAgentId();

        // Build a track record: the good agent succeeds five times, the poor one fails five times, each
        // time for another client (the agents' owner's own tasks, or one client's repeats, would count
        // for nothing or less: docs/trust.md)
        for (int i = 0; i < 5; i++) {
            Ains customer = sdk().token(platform.newClientToken("customer-" + i)).build();
            runOnce(customer, asGood, goodId, "cap-warm-good", true);
            runOnce(customer, asPoor, poorId, "cap-warm-poor", false);
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.trust().getTrust(goodId).getOutcomes()).isEqualTo(5L);
            assertThat(client.trust().getTrust(poorId).getOutcomes()).isEqualTo(5L);
        });
        // Bounds from docs/trust.md whatever the consistency factor (the spread of a few millisecond
        // execution times is noise): five on-time successes give 0.6952 + 0.05·c, five failures
        // 0.3083 + 0.05·c, c in [0, 1]
        assertThat(client.trust().getTrust(goodId).getScore()).isBetween(0.695, 0.746);
        assertThat(client.trust().getTrust(poorId).getScore()).isBetween(0.308, 0.359);
        Thread.sleep(600); // the candidate cache (500 ms) sees the new scores

        Task first = client.tasks().createTask(task("echo", "cap-route"), null);
        assertThat(first.getAssignedAgentId()).as("the more trusted agent").isEqualTo(goodId);
        Task second = client.tasks().createTask(task("echo", "cap-route"), null);
        assertThat(second.getAssignedAgentId()).as("the good agent is at capacity").isEqualTo(poorId);
        RoutingDecision why = client.tasks().getTaskRouting(second.getTaskId()).getItems().get(0);
        assertThat(why.getCandidates()).anySatisfy(c -> {
            assertThat(c.getAgentId()).isEqualTo(goodId);
            assertThat(c.getEligible()).isFalse();
        });

        Task picky = client.tasks().createTask(task("echo", "cap-route").minTrust(0.5), null);
        assertThat(picky.getStatus()).as("only the full good agent qualifies").isEqualTo(TaskStatus.QUEUED);
        complete(asPoor, poorId, second.getTaskId());
        Thread.sleep(500);
        assertThat(client.tasks().getTask(picky.getTaskId()).getStatus())
                .as("the poor agent is free but below min_trust").isEqualTo(TaskStatus.QUEUED);
        complete(asGood, goodId, first.getTaskId());
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(client.tasks().getTask(picky.getTaskId()).getAssignedAgentId()).isEqualTo(goodId));
        assertThat(client.tasks().getTask(picky.getTaskId()).getAttempts())
                .allSatisfy(a -> assertThat(a.getAgentId()).isNotEqualTo(poorId));
    }

    private static void runOnce(Ains customer, Ains agent, UUID agentId, String capability, boolean succeed)
            throws Exception {
        Task t = customer.tasks().createTask(task("warm-up", capability).maxRetries(0), null);
        ClaimedTask c = agent.agentWork().claimTask(agentId, 10);
        assertThat(c.getTask().getTaskId()).isEqualTo(t.getTaskId());
        if (succeed) {
            agent.agentWork().completeTask(t.getTaskId(), new TaskCompletion().result(Map.of("ok", true)));
        } else {
            agent.agentWork().failTask(t.getTaskId(), new TaskFailure().error("no").retryable(false));
        }
    }

    private static void complete(Ains agent, UUID agentId, UUID taskId) throws Exception {
        ClaimedTask c = agent.agentWork().claimTask(agentId, 10);
        assertThat(c.getTask().getTaskId()).isEqualTo(taskId);
        agent.agentWork().completeTask(taskId, new TaskCompletion());
    }

    private static AgentRegistered register(String name, List<String> caps, int maxConcurrency, int heartbeatSeconds)
            throws Exception {
        return client.agents().registerAgent(new AgentRegistration().name(name).maxConcurrency(maxConcurrency)
                .heartbeatIntervalSeconds(heartbeatSeconds)
                .capabilities(caps.stream().map(c -> new Capability().name(c).version("1")).toList()));
    }

    private static UUID awaitAgent(String name) {
        return Clients.awaitAgent(client, name, WAIT);
    }

    private static TaskRequest task(String type, String capability) {
        return Clients.task(type, capability);
    }

    private static Ains.Builder sdk() {
        return Clients.sdk(platform);
    }

    /** A counter's value on a service's /metrics (0 when it has not been created yet). */
    private static double metric(String service, String name, String labelFragment)
            throws IOException, InterruptedException {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(platform.url(service) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$", Pattern.MULTILINE)
                .matcher(body);
        double sum = 0;
        while (m.find()) {
            if (m.group(1).contains(labelFragment)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}
