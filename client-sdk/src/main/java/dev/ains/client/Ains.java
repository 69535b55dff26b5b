package dev.ains.client;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import dev.ains.client.analytics.api.AnalyticsApi;
import dev.ains.client.economy.api.AccountsApi;
import dev.ains.client.registry.api.AgentsApi;
import dev.ains.client.registry.api.ClientsApi;
import dev.ains.client.registry.api.TrustApi;
import dev.ains.client.tasks.ApiException;
import dev.ains.client.tasks.api.AgentWorkApi;
import dev.ains.client.tasks.api.TasksApi;
import dev.ains.client.tasks.model.ClaimedTask;
import dev.ains.client.tasks.model.Task;
import dev.ains.client.tasks.model.TaskStatus;

/**
 * One entry point to the platform for a client or an agent: the generated APIs of every service,
 * configured with base URLs and credentials, plus what the generated code cannot do alone (waiting
 * for a task to finish, following live events). {@link WebhookVerifier} checks webhook signatures.
 *
 * <pre>{@code
 * Ains ains = Ains.builder().token(jwt).build();               // local defaults: ports 8080-8083
 * Task t = ains.tasks().createTask(new TaskRequest().taskType("demo").capabilityRequired("echo"), null);
 * Task done = ains.awaitTask(t.getTaskId(), Duration.ofSeconds(30));
 * }</pre>
 */
public final class Ains {
    private static final Set<TaskStatus> FINAL = Set.of(TaskStatus.COMPLETED, TaskStatus.DEAD_LETTERED,
            TaskStatus.CANCELLED);

    private final Builder b;

    private Ains(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    public TasksApi tasks() {
        return new TasksApi(tasksClient());
    }

    public AgentWorkApi agentWork() {
        return new AgentWorkApi(tasksClient());
    }

    public AgentsApi agents() {
        return new AgentsApi(registryClient());
    }

    public TrustApi trust() {
        return new TrustApi(registryClient());
    }

    public ClientsApi clients() {
        return new ClientsApi(registryClient());
    }

    public AnalyticsApi analytics() {
        var c = new dev.ains.client.analytics.ApiClient();
        c.updateBaseUri(b.analyticsUrl);
        c.setRequestInterceptor(this::authenticate).setReadTimeout(b.readTimeout);
        return new AnalyticsApi(c);
    }

    public AccountsApi accounts() {
        return new AccountsApi(economyClient());
    }

    /** Deposits, escrows and the ledger check (docs/economy.md). */
    public dev.ains.client.economy.api.LedgerApi ledger() {
        return new dev.ains.client.economy.api.LedgerApi(economyClient());
    }

    public dev.ains.client.economy.api.ChannelsApi channels() {
        return new dev.ains.client.economy.api.ChannelsApi(economyClient());
    }

    /** Open calls (an agent), bids, and a client's auctions with every bid's score. */
    public dev.ains.client.economy.api.AuctionsApi auctions() {
        return new dev.ains.client.economy.api.AuctionsApi(economyClient());
    }

    public dev.ains.client.economy.api.PreferencesApi preferences() {
        return new dev.ains.client.economy.api.PreferencesApi(economyClient());
    }

    private dev.ains.client.economy.ApiClient economyClient() {
        var c = new dev.ains.client.economy.ApiClient();
        c.updateBaseUri(b.economyUrl);
        c.setRequestInterceptor(this::authenticate).setReadTimeout(b.readTimeout);
        return c;
    }

    /** Polls the task until it is COMPLETED, DEAD_LETTERED or CANCELLED, or the timeout passes. */
    public Task awaitTask(UUID taskId, Duration timeout) throws ApiException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = 20;
        while (true) {
            Task t = tasks().getTask(taskId);
            if (FINAL.contains(t.getStatus())) {
                return t;
            }
            if (System.nanoTime() > deadline) {
                throw new ApiException(408, "task " + taskId + " still " + t.getStatus() + " after " + timeout);
            }
            Thread.sleep(pauseMs);
            pauseMs = Math.min(500, pauseMs * 2);
        }
    }

    /**
     * Follows the caller's task events live (Server-Sent Events). Filters may be null; {@code types} is
     * comma-separated. Resumes after {@code lastEventId} when given, and after every reconnect.
     */
    public EventStream streamEvents(UUID taskId, UUID batchId, String types, String lastEventId,
                                    Consumer<EventStream.Event> handler, Consumer<Throwable> onError) {
        StringBuilder q = new StringBuilder();
        if (taskId != null) {
            q.append("&task_id=").append(taskId);
        }
        if (batchId != null) {
            q.append("&batch_id=").append(batchId);
        }
        if (types != null) {
            q.append("&types=").append(java.net.URLEncoder.encode(types, java.nio.charset.StandardCharsets.UTF_8));
        }
        String uri = b.tasksUrl + "/aitp/events" + (q.isEmpty() ? "" : "?" + q.substring(1));
        return new EventStream(streamClient(), java.net.URI.create(uri), this::authenticate, lastEventId, handler,
                onError);
    }

    /** An agent's live assignments and cancellations (Server-Sent Events); needs the agent's API key. */
    public EventStream streamAgentEvents(UUID agentId, String lastEventId, Consumer<EventStream.Event> handler,
                                         Consumer<Throwable> onError) {
        return streamAgentEvents(agentId, false, lastEventId, handler, onError);
    }

    /**
     * With {@code push}, the stream claims for the agent: its tasks arrive as {@code task.claimed} events
     * (read them with {@link #claimedTask}), already started, and no claim call is needed.
     */
    public EventStream streamAgentEvents(UUID agentId, boolean push, String lastEventId,
                                         Consumer<EventStream.Event> handler, Consumer<Throwable> onError) {
        return new EventStream(streamClient(), java.net.URI.create(b.tasksUrl + "/aitp/agents/" + agentId + "/events"
                + (push ? "?push=true" : "")), this::authenticate, lastEventId, handler, onError);
    }

    /** The task a {@code task.claimed} event of a pushing agent stream carries. */
    public static ClaimedTask claimedTask(EventStream.Event e) {
        try {
            return dev.ains.client.tasks.JSON.getDefault().getMapper().readValue(e.data(), ClaimedTask.class);
        } catch (java.io.IOException x) {
            throw new IllegalArgumentException("not a task.claimed event: " + e.type(), x);
        }
    }

    private static java.net.http.HttpClient streamClient() {
        return java.net.http.HttpClient.newBuilder().connectTimeout(EventStream.connectTimeout()).build();
    }

    public dev.ains.client.tasks.api.WebhooksApi webhooks() {
        return new dev.ains.client.tasks.api.WebhooksApi(tasksClient());
    }

    private dev.ains.client.tasks.ApiClient tasksClient() {
        var c = new dev.ains.client.tasks.ApiClient();
        c.updateBaseUri(b.tasksUrl);
        // a claim may long-poll for up to 30 s
        c.setRequestInterceptor(this::authenticate).setReadTimeout(b.readTimeout.plusSeconds(30));
        return c;
    }

    private dev.ains.client.registry.ApiClient registryClient() {
        var c = new dev.ains.client.registry.ApiClient();
        c.updateBaseUri(b.registryUrl);
        c.setRequestInterceptor(this::authenticate).setReadTimeout(b.readTimeout);
        return c;
    }

    private void authenticate(HttpRequest.Builder request) {
        if (b.apiKey != null) {
            request.header("X-API-Key", b.apiKey);
        } else if (b.token != null) {
            request.header("Authorization", "Bearer " + b.token);
        }
        if (b.interceptor != null) {
            b.interceptor.accept(request);
        }
    }

    /** Base URLs default to a local run (the documented ports). */
    public static final class Builder {
        private String tasksUrl = "http://localhost:8080";
        private String registryUrl = "http://localhost:8081";
        private String economyUrl = "http://localhost:8082";
        private String analyticsUrl = "http://localhost:8083";
        private String token;
        private String apiKey;
        private Duration readTimeout = Duration.ofSeconds(30);
        private Consumer<HttpRequest.Builder> interceptor;

        public Builder tasksUrl(String url) {
            this.tasksUrl = url;
            return this;
        }

        public Builder registryUrl(String url) {
            this.registryUrl = url;
            return this;
        }

        public Builder economyUrl(String url) {
            this.economyUrl = url;
            return this;
        }

        public Builder analyticsUrl(String url) {
            this.analyticsUrl = url;
            return this;
        }

        /** A client, operator or service JWT. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** An agent's API key (sent as X-API-Key; wins over a token). */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        /** Extra request headers (tracing, a proxy's auth). */
        public Builder interceptor(Consumer<HttpRequest.Builder> interceptor) {
            this.interceptor = interceptor;
            return this;
        }

        public Ains build() {
            return new Ains(this);
        }
    }
}
