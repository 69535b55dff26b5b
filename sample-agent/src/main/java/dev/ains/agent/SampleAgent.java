package dev.ains.agent;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.ains.client.Ains;
import dev.ains.client.EventStream;
import dev.ains.client.ResultReporter;
import dev.ains.client.registry.model.AgentRegistration;
import dev.ains.client.registry.model.Capability;
import dev.ains.client.registry.model.ClientRegistration;
import dev.ains.client.registry.model.TokenRequest;
import dev.ains.client.tasks.model.AttemptResult;
import dev.ains.client.tasks.model.ClaimBatch;
import dev.ains.client.tasks.model.ClaimedTask;
import dev.ains.client.tasks.model.Task;

/**
 * A runnable agent built on the client SDK: registers (or reuses AINS_AGENT_ID/AINS_API_KEY),
 * heartbeats every AINS_HEARTBEAT_SECONDS, and runs AINS_MAX_CONCURRENCY workers on the mocked
 * {@link Handlers}. One claim takes tasks for every idle worker at once ({@code claims?max_tasks=n}), and
 * the outcomes go back in batches ({@link ResultReporter}). AINS_FAILURE_RATE makes that share of tasks
 * fail on purpose. With its event stream in push mode the platform claims for it and sends the tasks
 * themselves; while the stream is down (or AINS_EVENT_STREAM=false) it long-polls the claim endpoint
 * instead (and, with the stream up, claims every few seconds as a safety net). Every second it also
 * answers the open auctions it is invited to ({@link Bidder}, AINS_BID_STRATEGY).
 */
public final class SampleAgent {
    private static final Logger LOG = Logger.getLogger(SampleAgent.class.getName());
    /** Short enough that a stream coming back finds idle workers for what it pushes soon. */
    private static final int LONG_POLL_SECONDS = 5;

    private final AgentSettings settings;
    private final UUID agentId;
    private final Ains asAgent;
    private volatile boolean running = true;
    /** One permit per worker with nothing to do: a claim asks for as many tasks as there are permits. */
    private final Semaphore idle;
    private final ExecutorService workers;
    /** The attempts being worked on ("task/attempt"), so that a task sent twice is run once. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ResultReporter reporter;
    private EventStream stream;
    private Bidder bidder;
    /** Its own thread: a slow economy must never delay a heartbeat. */
    private final ScheduledExecutorService bidding = Executors.newSingleThreadScheduledExecutor();

    private SampleAgent(AgentSettings settings, UUID agentId, String apiKey) {
        this.settings = settings;
        this.agentId = agentId;
        this.asAgent = Ains.builder().registryUrl(settings.registryUrl()).tasksUrl(settings.tasksUrl())
                .economyUrl(settings.economyUrl()).apiKey(apiKey).build();
        this.idle = new Semaphore(settings.maxConcurrency());
        this.workers = Executors.newFixedThreadPool(settings.maxConcurrency());
        this.reporter = ResultReporter.start(asAgent, agentId, idle::release);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %5$s%6$s%n");
        AgentSettings s = AgentSettings.from(System.getenv());
        SampleAgent agent = register(s);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> agent.running = false));
        agent.run();
    }

    static SampleAgent register(AgentSettings s) throws Exception {
        if (s.agentId() != null && s.apiKey() != null) {
            return new SampleAgent(s, UUID.fromString(s.agentId()), s.apiKey());
        }
        Ains asClient = Ains.builder().registryUrl(s.registryUrl()).tasksUrl(s.tasksUrl()).token(clientToken(s))
                .build();
        var reg = new AgentRegistration().name(s.name()).maxConcurrency(s.maxConcurrency())
                .heartbeatIntervalSeconds(s.heartbeatSeconds())
                .capabilities(s.capabilities().stream().map(c -> new Capability().name(c).version("1.0")).toList());
        var registered = asClient.agents().registerAgent(reg);
        UUID id = registered.getAgent().getAgentId();
        LOG.info(() -> "registered agent " + id + " (" + s.name() + ") with " + s.capabilities());
        return new SampleAgent(s, id, registered.getApiKey());
    }

    /** A token from AINS_TOKEN, from AINS_CLIENT_ID/SECRET, or by signing up (open in a local run). */
    private static String clientToken(AgentSettings s) throws Exception {
        if (s.token() != null && !s.token().isBlank()) {
            return s.token();
        }
        var clients = Ains.builder().registryUrl(s.registryUrl()).build().clients();
        String id = s.clientId();
        String secret = s.clientSecret();
        if (id == null || secret == null) {
            var c = clients.createClient(new ClientRegistration().name(s.name() + "-owner"));
            id = c.getClientId();
            secret = c.getClientSecret();
        }
        return clients.issueToken(new TokenRequest().clientId(id).clientSecret(secret)).getAccessToken();
    }

    void run() throws InterruptedException {
        bidder = new Bidder(asAgent, settings);
        if (settings.eventStream()) {
            // push: the stream claims for the agent and sends the tasks themselves (task.claimed)
            stream = asAgent.streamAgentEvents(agentId, true, null, this::onEvent,
                    e -> LOG.fine(() -> "event stream down, long-polling until it is back: " + e.getMessage()));
        }
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
        heartbeat.scheduleAtFixedRate(this::heartbeat, 0, settings.heartbeatSeconds(), TimeUnit.SECONDS);
        // the stream announces invitations at once; a look every few seconds is the safety net
        bidding.scheduleWithFixedDelay(this::bid, 1, settings.eventStream() ? 5 : 1, TimeUnit.SECONDS);
        Thread claiming = Thread.ofPlatform().name("claimer").start(this::claimLoop);
        LOG.info(() -> "agent " + agentId + " working with " + settings.maxConcurrency() + " workers");
        claiming.join();
        workers.shutdown();
        workers.awaitTermination(30, TimeUnit.SECONDS);
        reporter.close();
        heartbeat.shutdownNow();
        bidding.shutdownNow();
        if (stream != null) {
            stream.close();
        }
    }

    private void onEvent(EventStream.Event e) {
        if ("task.claimed".equals(e.type())) {
            ClaimedTask c = Ains.claimedTask(e);
            // a reconnected stream sends again what the agent is running: each attempt is run once
            if (!inFlight.add(c.getTask().getTaskId() + "/" + c.getAttemptNo())) {
                return;
            }
            // never more than its capacity is pushed; a worker frees its permit once its result is reported
            idle.acquireUninterruptibly();
            workers.execute(() -> handle(c));
        } else if ("task.cancelled".equals(e.type())) {
            LOG.info(() -> "cancelled by its client: " + e.data());
        } else if ("auction.invited".equals(e.type())) {
            bidding.execute(this::bid);
        }
    }

    private void bid() {
        try {
            bidder.once();
        } catch (Exception e) {
            LOG.fine(() -> "looking for open calls failed: " + e.getMessage());
        }
    }

    /**
     * The tasks for as many workers as are free, in one claim. With the stream up the platform pushes
     * the tasks, and this claim is only a safety net every few seconds; without it, a long poll. A claim
     * starts each task's attempt, so there is no separate start call.
     */
    private List<ClaimedTask> next(int free, boolean streaming) throws Exception {
        ClaimBatch batch = asAgent.agentWork().claimTasks(agentId, free, streaming ? 0 : LONG_POLL_SECONDS);
        if (batch.getCancelledTaskIds() != null && !batch.getCancelledTaskIds().isEmpty()) {
            LOG.info(() -> "cancelled by their clients: " + batch.getCancelledTaskIds());
        }
        return batch.getItems() == null ? List.of() : batch.getItems();
    }

    private void heartbeat() {
        try {
            asAgent.agents().heartbeat(agentId);
        } catch (Exception e) {
            LOG.warning(() -> "heartbeat failed: " + e.getMessage());
        }
    }

    /** Claims for the free workers and hands each task to one; a worker is free again once its result is reported. */
    private void claimLoop() {
        while (running) {
            int n = 0;
            try {
                boolean streaming = stream != null && stream.connected();
                if (streaming) {
                    // wait without holding the idle workers: the pushed tasks need them
                    Thread.sleep(Duration.ofSeconds(5));
                }
                idle.acquire();
                n = 1 + idle.drainPermits();
                List<ClaimedTask> claimed = next(n, streaming);
                idle.release(n - claimed.size());
                n = 0;
                for (ClaimedTask c : claimed) {
                    inFlight.add(c.getTask().getTaskId() + "/" + c.getAttemptNo());
                    workers.execute(() -> handle(c));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                idle.release(n);
                LOG.log(Level.WARNING, "claim loop: " + e.getMessage());
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    private void handle(ClaimedTask claimed) {
        Task task = claimed.getTask();
        UUID id = task.getTaskId();
        AttemptResult r = new AttemptResult().taskId(id).attemptNo(claimed.getAttemptNo());
        long t0 = System.nanoTime();
        try {
            if (settings.failureRate() > 0 && ThreadLocalRandom.current().nextDouble() < settings.failureRate()) {
                throw new Handlers.TaskFailed("injected failure (AINS_FAILURE_RATE=" + settings.failureRate() + ")",
                        settings.failRetryable());
            }
            Map<String, Object> result = Handlers.run(task.getTaskType(), task.getInputData());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            r.outcome(AttemptResult.OutcomeEnum.COMPLETED).result(result).executionMs(ms);
            LOG.info(() -> "task " + id + " (" + task.getTaskType() + ") completed in " + ms + " ms");
        } catch (Handlers.TaskFailed f) {
            r.outcome(AttemptResult.OutcomeEnum.FAILED).error(f.getMessage()).retryable(f.retryable);
            LOG.info(() -> "task " + id + " (" + task.getTaskType() + ") failed"
                    + (f.retryable ? " (retryable): " : " (permanent): ") + f.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: the lease runs out and the task is retried
            return;
        } catch (RuntimeException e) {
            r.outcome(AttemptResult.OutcomeEnum.FAILED).error("handler crashed: " + e).retryable(true);
            LOG.log(Level.WARNING, "task " + id + " handler crashed", e);
        }
        reporter.add(r);
        inFlight.remove(id + "/" + claimed.getAttemptNo());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
