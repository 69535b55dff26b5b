package dev.ains.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ains.launcher.Platform;

/**
 * {@code ./ains bench}: starts the platform (durable commits on, one embedded PostgreSQL), drives it
 * over HTTP and prints figures. Not a test: it asserts nothing.
 *
 * <ol>
 *   <li>task submissions/s with 1 and with 32 concurrent clients;</li>
 *   <li>claim + complete throughput with 8 and 32 agents, one task per call;</li>
 *   <li>the same with up to 32 tasks per claim and their results in one report, 8 agents;</li>
 *   <li>pickup latency (submit → claimed) p50/p95/p99 with idle agents long-polling, at 50 and 200 tasks/s
 *   offered, and with agents following their event stream in push mode at 200/s.</li>
 * </ol>
 */
public final class Benchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Platform platform;
    private final String token;

    private Benchmark(Platform platform) {
        this.platform = platform;
        this.token = platform.newClientToken("bench");
    }

    public static void main(String[] args) throws Exception {
        int scale = 1;
        boolean analytics = false;
        int analyticsTasks = 1_000_000;
        String only = null;
        int backlog = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--scale" -> scale = Integer.parseInt(args[++i]);
                case "--latency-only" -> only = "latency";
                case "--claims-only" -> only = "claims";
                case "--overload-only" -> only = "overload";
                case "--floor-only" -> only = "floor";
                case "--backlog" -> backlog = Integer.parseInt(args[++i]);
                case "--analytics" -> analytics = true;
                case "--tasks" -> analyticsTasks = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --scale N, --latency-only, --claims-only, --overload-only, --floor-only, --backlog N,"
                        + " --analytics [--tasks N])");
            }
        }
        Path home = Path.of(System.getProperty("ains.home", ".")).toAbsolutePath().normalize();
        System.out.println("Starting the platform (durable commits, embedded PostgreSQL)…");
        try (Platform p = Platform.start(new Platform.Options(home, true, true, null, Map.of()))) {
            if (analytics) {
                new AnalyticsBenchmark(p).run(analyticsTasks);
                return;
            }
            Benchmark b = new Benchmark(p);
            if (backlog > 0) {
                b.queueUnrelated(backlog);
            }
            b.warmUp();
            if ("latency".equals(only)) {
                // the latency cases on a platform without the throughput phases' leftovers
                b.latencies(scale);
                return;
            }
            if ("floor".equals(only)) {
                b.frameworkFloor(home, 32, Duration.ofSeconds(10L * scale));
                b.readCeiling(32, Duration.ofSeconds(10L * scale));
                b.submissions(32, 8000 * scale);
                return;
            }
            if ("overload".equals(only)) {
                b.overload(8, 1000, 10 * scale);
                return;
            }
            if ("claims".equals(only)) {
                // the agent cases alone, for profiling the claim and report path
                b.claimComplete("bench-work", 8, 4000 * scale);
                b.batchedClaimComplete("bench-work-batched", 8, 32, 8000 * scale);
                return;
            }
            Floor floor = b.frameworkFloor(home, 32, Duration.ofSeconds(10L * scale));
            double ceiling = b.readCeiling(32, Duration.ofSeconds(10L * scale));
            double s1 = b.submissions(1, 1500 * scale);
            double s32 = b.submissions(32, 8000 * scale);
            double batched = b.batchSubmissions(8, 100, 100 * scale);
            double cc = b.claimComplete("bench-work", 8, 4000 * scale);
            double cc32 = b.claimComplete("bench-work-32", 32, 4000 * scale);
            double bcc = b.batchedClaimComplete("bench-work-batched", 8, 32, 8000 * scale);
            // latencies are measured on a settled platform: the throughput phases leave thousands of
            // events for analytics and the registry, whose delivery would compete for the two cores
            b.awaitQuiet();
            long[] retry = b.retryLatency(8, 200 * scale);
            b.awaitQuiet();
            long[] pickup = b.pickupLatency(8, 300 * scale, 50);
            b.awaitQuiet();
            long[] pickup200 = b.pickupLatency(8, 1000 * scale, 200);
            b.awaitQuiet();
            long[] pushed200 = b.streamingPickupLatency(8, 1000 * scale, 200);
            long[] hooks = b.webhookLatency(300 * scale);
            b.awaitQuiet();
            Overload over = b.overload(8, 1000, 10 * scale);
            System.out.printf("%n%-48s %12s%n", "AINS benchmark (2 cores, everything over HTTP)", "result");
            if (floor != null) {
                System.out.printf("%-48s %10.0f/s%n", "framework floor: JSON answer, 32 clients", floor.json());
                System.out.printf("%-48s %10.0f/s%n", "framework floor: one primary-key read", floor.read());
                System.out.printf("%-48s %10.0f/s%n", "framework floor: one insert + commit", floor.insert());
            }
            System.out.printf("%-48s %10.0f/s%n", "ceiling: authenticated task reads, 32 clients", ceiling);
            System.out.printf("%-48s %10.0f/s%n", "task submissions, 1 client", s1);
            System.out.printf("%-48s %10.0f/s%n", "task submissions, 32 clients", s32);
            System.out.printf("%-48s %10.0f/s%n", "tasks accepted in batches of 100, 8 clients", batched);
            System.out.printf("%-48s %10.0f/s%n", "claim + complete, 8 agents", cc);
            System.out.printf("%-48s %10.0f/s%n", "claim + complete, 32 agents", cc32);
            System.out.printf("%-48s %10.0f/s%n", "32 claimed per call + bulk results, 8 agents", bcc);
            System.out.printf("%-48s %7d/%d/%d ms%n", "submit → fail → retry → done p50/p95/p99", retry[0],
                    retry[1], retry[2]);
            System.out.printf("%-48s %7d/%d/%d ms%n", "pickup p50/p95/p99, 50/s, long-polling agents", pickup[0],
                    pickup[1], pickup[2]);
            System.out.printf("%-48s %7d/%d/%d ms%n", "pickup p50/p95/p99, 200/s, long-polling agents", pickup200[0],
                    pickup200[1], pickup200[2]);
            System.out.printf("%-48s %7d/%d/%d ms%n", "pickup p50/p95/p99, 200/s, streaming agents (push)",
                    pushed200[0], pushed200[1], pushed200[2]);
            System.out.printf("%-48s %7d/%d/%d ms%n", "webhook event → first attempt p50/p95/p99", hooks[0],
                    hooks[1], hooks[2]);
            System.out.printf("%-48s %s%n", "1,000/s offered for " + 10 * scale + " s, 8 agents", over);
        }
    }

    /**
     * Puts {@code n} tasks in the queue for a capability no agent holds, straight into task-service's
     * schema (a million through the API would take minutes and measure the API): every case after it
     * runs beside a backlog it must not pay for.
     */
    private void queueUnrelated(int n) throws Exception {
        long t0 = System.nanoTime();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(platform.dbUrl());
             java.sql.Statement st = c.createStatement()) {
            st.execute("SET search_path TO tasks");
            st.execute("INSERT INTO tasks (task_id, task_type, capability, priority, timeout_seconds, max_retries,"
                    + " status, created_by, created_at) SELECT gen_random_uuid(), 'backlog', 'bench-backlog-nobody',"
                    + " 1 + (i % 10), 300, 3, 'QUEUED', 'bench-backlog-' || (i % 8),"
                    + " now() - make_interval(secs => i % 86400) FROM generate_series(1, " + n + ") AS i");
            // vacuumed and analysed now: autovacuum would otherwise work through the million rows during
            // the first cases and take their CPU
            st.execute("VACUUM ANALYZE tasks");
        }
        System.out.printf("  %d unrelated tasks queued in %.0f s%n", n, (System.nanoTime() - t0) / 1e9);
    }

    private void latencies(int scale) throws Exception {
        long[] retry = retryLatency(8, 200 * scale);
        awaitQuiet();
        long[] pickup = pickupLatency(8, 300 * scale, 50);
        awaitQuiet();
        long[] pickup200 = pickupLatency(8, 1000 * scale, 200);
        awaitQuiet();
        long[] pushed200 = streamingPickupLatency(8, 1000 * scale, 200);
        System.out.printf("%n%-48s %7d/%d/%d ms%n", "submit → fail → retry → done p50/p95/p99", retry[0], retry[1],
                retry[2]);
        System.out.printf("%-48s %7d/%d/%d ms%n", "pickup p50/p95/p99, 50/s, long-polling agents", pickup[0],
                pickup[1], pickup[2]);
        System.out.printf("%-48s %7d/%d/%d ms%n", "pickup p50/p95/p99, 200/s, long-polling agents", pickup200[0],
                pickup200[1], pickup200[2]);
        System.out.printf("%-48s %7d/%d/%d ms%n", "pickup p50/p95/p99, 200/s, streaming agents (push)",
                pushed200[0], pushed200[1], pushed200[2]);
    }

    /** Waits (at most two minutes) until task-service's outbox has delivered everything it holds. */
    private void awaitQuiet() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long t0 = System.nanoTime();
        while (System.nanoTime() < deadline) {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(platform.url("task-service") + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            double backlog = metrics.lines().filter(l -> l.startsWith("ains_outbox_backlog"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            if (backlog == 0) {
                System.out.printf("  (outbox drained in %.1f s)%n", (System.nanoTime() - t0) / 1e9);
                return;
            }
            Thread.sleep(1000); // the backlog gauge is refreshed every 5 s
        }
        System.out.println("  (outbox still busy after 2 minutes; measuring anyway)");
    }

    /** The services' JIT needs a while under load before figures mean anything. */
    /**
     * The JIT compiles what runs: a third to a half of every JVM's CPU went to the compiler during a first
     * pass over the agent path (async-profiler, 2 cores). So each path measured later runs here first.
     */
    private void warmUp() throws Exception {
        System.out.println("Warming up (the figures below this line until 'measuring' are not results)…");
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            submissions(32, 1000);
        }
        batchSubmissions(8, 100, 20);
        claimComplete("bench-warm", 8, 2000);
        batchedClaimComplete("bench-warm-batched", 8, 32, 3000);
        awaitQuiet();
        pickupLatency(8, 400, 100);
        streamingPickupLatency(8, 400, 100);
        awaitQuiet();
        System.out.println("Measuring…");
    }

    /**
     * The ceiling the targets are measured against: authenticated reads of one task (a JWT check, one
     * primary-key read, one JSON answer), as fast as 32 clients can go — no writes, no commits.
     */
    private double readCeiling(int clients, Duration time) throws Exception {
        String id = JSON.readTree(post("/aitp/tasks", "{\"task_type\":\"bench\",\"capability_required\":"
                + "\"bench-nobody\"}", token, null).body()).get("task_id").asText();
        Call read = http -> http.get("/aitp/tasks/" + id, "Authorization", "Bearer " + token);
        sendFor(platform.url("task-service"), read, clients, Duration.ofSeconds(10)); // the warm-up has no reads
        CpuSplit cpu = CpuSplit.start(platform);
        double rate = sendFor(platform.url("task-service"), read, clients, time);
        System.out.printf("  read ceiling: %d clients, GETs of one task for %d s, %.0f/s%n    cpu: %s%n", clients,
                time.toSeconds(), rate, cpu.end());
        return rate;
    }

    /** What the framework floor measured, in requests per second. */
    record Floor(double json, double read, double insert) {
    }

    /**
     * The framework floor (#11: "a minimal endpoint of the same framework measured side by side"): a Helidon
     * MP service of the project's own stack ({@code framework-floor}: Jersey with Jackson, Helidon DB Client
     * over HikariCP, pool of 24, no authentication, no checks) started as a JVM of its own beside the
     * platform, on the same PostgreSQL, and driven by the same load generator as the services: a JSON
     * answer, one primary-key read, one insert with its durable commit. AINS's read ceiling and
     * submissions are those plus what AINS does.
     */
    private Floor frameworkFloor(Path home, int clients, Duration time) throws Exception {
        Path jar = home.resolve("framework-floor/target/framework-floor.jar");
        if (!java.nio.file.Files.exists(jar)) {
            System.out.println("  framework floor: " + jar + " is missing (build first); skipped");
            return null;
        }
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-Xmx512m", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("framework-floor/target/floor.log").toFile());
        pb.environment().put("SERVER_PORT", String.valueOf(port));
        pb.environment().put("FLOOR_DB_URL", platform.dbUrl());
        Process floor = pb.start();
        try {
            String base = "http://127.0.0.1:" + port;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/floor/ping")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    if (System.nanoTime() > deadline || !floor.isAlive()) {
                        throw new IllegalStateException("the framework floor did not start; see its floor.log");
                    }
                }
                Thread.sleep(200);
            }
            String row = "{\"task_type\":\"bench\",\"n\":1}";
            String id;
            try (RawHttp http = new RawHttp(base)) {
                id = JSON.readTree(http.post("/floor/rows", row).body()).get("id").asText();
            }
            Call ping = http -> http.get("/floor/ping");
            Call read = http -> http.get("/floor/rows/" + id);
            Call insert = http -> http.post("/floor/rows", row);
            Map<String, ProcessHandle> counted = Map.of("framework floor", floor.toHandle());
            // the floor's JIT gets the same chance as the services' warm-up: a run of 8,000 calls measured
            // it at a third of what it serves once compiled
            for (Call c : List.of(ping, read, insert)) {
                sendFor(base, c, clients, Duration.ofSeconds(10));
            }
            return new Floor(measure(base, ping, clients, time, counted, "JSON answer"),
                    measure(base, read, clients, time, counted, "one primary-key read"),
                    measure(base, insert, clients, time, counted, "one insert + commit"));
        } finally {
            floor.destroy();
            floor.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** One request of a throughput case, on the caller's connection. */
    interface Call {
        RawHttp.Response on(RawHttp http) throws Exception;
    }

    private double measure(String base, Call call, int clients, Duration time, Map<String, ProcessHandle> counted,
                           String label) throws Exception {
        CpuSplit cpu = CpuSplit.start(platform, counted);
        double rate = sendFor(base, call, clients, time);
        System.out.printf("  framework floor, %s: %d clients for %d s, %.0f/s%n    cpu: %s%n", label, clients,
                time.toSeconds(), rate, cpu.end());
        return rate;
    }

    /** Makes the call {@code total} times from {@code clients} concurrent clients, each on its own connection; calls per second. */
    private static double send(String base, Call call, int clients, int total, Duration atMost) throws Exception {
        AtomicInteger left = new AtomicInteger(total);
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger made = new AtomicInteger();
        long t0 = System.nanoTime();
        long end = atMost == null ? Long.MAX_VALUE : t0 + atMost.toNanos();
        runConcurrently(clients, () -> {
            try (RawHttp http = new RawHttp(base)) {
                while (left.getAndDecrement() > 0 && System.nanoTime() < end) {
                    made.incrementAndGet();
                    if (call.on(http).status() >= 300) {
                        failed.incrementAndGet();
                    }
                }
            }
        });
        if (failed.get() > 0) {
            System.out.println("  (" + failed.get() + " requests failed)");
        }
        return made.get() / ((System.nanoTime() - t0) / 1e9);
    }

    /** Makes the call for {@code time} from {@code clients} concurrent clients; calls per second. */
    private static double sendFor(String base, Call call, int clients, Duration time) throws Exception {
        return send(base, call, clients, Integer.MAX_VALUE, time);
    }

    /** Tasks for a capability no agent has: they are accepted and stay queued. */
    private double submissions(int clients, int total) throws Exception {
        String body = "{\"task_type\":\"bench\",\"capability_required\":\"bench-nobody\",\"input_data\":{\"n\":1}}";
        AtomicInteger left = new AtomicInteger(total);
        AtomicInteger failed = new AtomicInteger();
        CpuSplit cpu = CpuSplit.start(platform);
        long t0 = System.nanoTime();
        runConcurrently(clients, () -> {
            try (RawHttp http = tasksHttp()) {
                while (left.getAndDecrement() > 0) {
                    if (http.post("/aitp/tasks", body, "Authorization", "Bearer " + token).status() != 201) {
                        failed.incrementAndGet();
                    }
                }
            }
        });
        double rate = total / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("  submissions: %d clients, %d tasks, %.0f/s, %d failed%n    cpu: %s%n", clients, total, rate,
                failed.get(), cpu.end());
        return rate;
    }

    /** Batches of {@code size} tasks for a capability no agent holds. */
    private double batchSubmissions(int clients, int size, int batches) throws Exception {
        StringBuilder sb = new StringBuilder("{\"tasks\":[");
        for (int i = 0; i < size; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"task\":{\"task_type\":\"bench\",\"capability_required\":"
                    + "\"bench-nobody\",\"input_data\":{\"n\":").append(i).append("}}}");
        }
        String body = sb.append("]}").toString();
        AtomicInteger left = new AtomicInteger(batches);
        AtomicInteger failed = new AtomicInteger();
        CpuSplit cpu = CpuSplit.start(platform);
        long t0 = System.nanoTime();
        runConcurrently(clients, () -> {
            try (RawHttp http = tasksHttp()) {
                while (left.getAndDecrement() > 0) {
                    if (http.post("/aitp/tasks/batch", body, "Authorization", "Bearer " + token).status() != 201) {
                        failed.incrementAndGet();
                    }
                }
            }
        });
        double rate = batches * (double) size / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("  batches: %d clients, %d batches of %d, %.0f tasks/s, %d failed%n    cpu: %s%n", clients,
                batches, size, rate, failed.get(), cpu.end());
        return rate;
    }

    /**
     * Fills the agents' queues: {@code total} tasks routed to agents of {@code capability} (at most 8,000 for
     * 8 agents: each holds at most 1,000), submitted in batches of 100.
     */
    private List<String[]> routedWork(String capability, int agents, int total) throws Exception {
        List<String[]> creds = register(agents, capability, 1000);
        StringBuilder sb = new StringBuilder("{\"tasks\":[");
        for (int i = 0; i < 100; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"task\":{\"task_type\":\"bench\",\"capability_required\":\"")
                    .append(capability).append("\"}}");
        }
        String body = sb.append("]}").toString();
        AtomicInteger left = new AtomicInteger((total + 99) / 100);
        long t0 = System.nanoTime();
        runConcurrently(8, () -> {
            while (left.getAndDecrement() > 0) {
                post("/aitp/tasks/batch", body, token, null);
            }
        });
        // batched tasks are routed by the dispatcher, not at submission: time that on its own, and start
        // the agents' clock only once every task waits for its agent. Asked of the database through the
        // queue index (the queue stats endpoint counts the whole queue: with a backlog, polling it would
        // load the database more than the routing does)
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(platform.dbUrl());
             java.sql.PreparedStatement q = c.prepareStatement(
                     "SELECT count(*) FROM tasks.tasks WHERE status = 'QUEUED' AND capability = ?")) {
            q.setString(1, capability);
            while (true) {
                try (java.sql.ResultSet r = q.executeQuery()) {
                    r.next();
                    if (r.getLong(1) == 0) {
                        break;
                    }
                }
                Thread.sleep(200);
            }
        }
        System.out.printf("  %d tasks submitted in batches and routed to %d agents: %.0f/s%n", total, agents,
                total / ((System.nanoTime() - t0) / 1e9));
        return creds;
    }

    /** What one agent does in a throughput case: claim and report until {@code done} reaches the total. */
    private interface AgentLoop {
        void run(RawHttp http, String[] agent, AtomicInteger done) throws Exception;
    }

    /** Times {@code agents} agents working through {@code total} routed tasks, with the CPU split. */
    private double agentThroughput(String label, List<String[]> creds, int total, AgentLoop loop) throws Exception {
        AtomicInteger done = new AtomicInteger();
        CpuSplit cpu = CpuSplit.start(platform);
        long t0 = System.nanoTime();
        runConcurrently(creds.size(), i -> {
            try (RawHttp http = tasksHttp()) {
                while (done.get() < total) {
                    loop.run(http, creds.get(i), done);
                }
            }
        });
        double rate = total / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("  %s: %d agents, %d tasks, %.0f/s%n    cpu: %s%n", label, creds.size(), total, rate, cpu.end());
        return rate;
    }

    /** One task per call: claim, then complete with its attempt. */
    private double claimComplete(String capability, int agents, int total) throws Exception {
        return agentThroughput("claim+complete", routedWork(capability, agents, total), total, (http, c, done) -> {
            RawHttp.Response r = http.post("/aitp/agents/" + c[0] + "/claim?wait_seconds=1", "", "X-API-Key", c[1]);
            if (r.status() != 200) {
                return;
            }
            JsonNode claimed = JSON.readTree(r.body());
            String id = claimed.at("/task/task_id").asText();
            if (http.post("/aitp/tasks/" + id + "/complete", "{\"result\":{\"ok\":true},\"attempt_no\":"
                    + claimed.get("attempt_no").asInt() + "}", "X-API-Key", c[1]).status() == 200) {
                done.incrementAndGet();
            }
        });
    }

    /** Up to {@code perCall} tasks per claim, their results in one report. */
    private double batchedClaimComplete(String capability, int agents, int perCall, int total) throws Exception {
        return agentThroughput("batched claims (" + perCall + " per call) + results",
                routedWork(capability, agents, total), total, (http, c, done) -> {
                    RawHttp.Response r = http.post("/aitp/agents/" + c[0] + "/claims?max_tasks=" + perCall
                            + "&wait_seconds=1", "", "X-API-Key", c[1]);
                    if (r.status() != 200) {
                        return;
                    }
                    JsonNode items = JSON.readTree(r.body()).path("items");
                    if (items.isEmpty()) {
                        return;
                    }
                    StringBuilder report = new StringBuilder("{\"items\":[");
                    for (int k = 0; k < items.size(); k++) {
                        report.append(k == 0 ? "" : ",").append("{\"task_id\":\"")
                                .append(items.get(k).at("/task/task_id").asText()).append("\",\"attempt_no\":")
                                .append(items.get(k).get("attempt_no").asInt())
                                .append(",\"outcome\":\"COMPLETED\",\"result\":{\"ok\":true}}");
                    }
                    RawHttp.Response answer = http.post("/aitp/agents/" + c[0] + "/results",
                            report.append("]}").toString(), "X-API-Key", c[1]);
                    if (answer.status() == 200) {
                        for (JsonNode a : JSON.readTree(answer.body()).get("items")) {
                            if (a.get("status").asInt() == 200) {
                                done.incrementAndGet();
                            }
                        }
                    }
                });
    }

    /**
     * End to end through one retry: each task fails on its first attempt (retryable, no back-off) and
     * completes on its second; measured from submission to the completing call's answer.
     */
    private long[] retryLatency(int agents, int total) throws Exception {
        List<String[]> creds = register(agents, "bench-retry", 100);
        Map<String, Long> submitted = new ConcurrentHashMap<>();
        Map<String, Boolean> failedOnce = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(total);
        ExecutorService pool = agentsClaiming(creds, all, (c, id, claimedAt) -> {
            if (failedOnce.putIfAbsent(id, true) == null) {
                post("/aitp/tasks/" + id + "/fail", "{\"error\":\"first try\",\"retryable\":true}", null, c[1]);
            } else {
                post("/aitp/tasks/" + id + "/complete", "{}", null, c[1]);
                latencies.add(System.nanoTime() - waitFor(submitted, id));
                all.countDown();
            }
        });
        String body = "{\"task_type\":\"bench\",\"capability_required\":\"bench-retry\",\"max_retries\":1,"
                + "\"retry_policy\":{\"strategy\":\"fixed\",\"base_delay_ms\":0,\"jitter\":0}}";
        countDown(all, submitOpenLoop(body, total, 50, submitted));
        all.await();
        pool.shutdownNow();
        long[] p = percentiles(latencies);
        System.out.printf("  through one retry: %d tasks: p50 %d ms, p95 %d ms, p99 %d ms%n", total, p[0], p[1], p[2]);
        return p;
    }

    /** task-service's routing outcomes so far ({@code ains_routing_decisions_total} by result). */
    private Map<String, Double> routingCounts() throws Exception {
        return counter("ains_routing_decisions_total", "result");
    }

    /** Submissions refused so far by admission control, by the bound that refused them. */
    private Map<String, Double> admissionCounts() throws Exception {
        return counter("ains_admission_rejected_total", "request");
    }

    /** A counter of task-service's by one of its tags, summed over the others. */
    private Map<String, Double> counter(String name, String tag) throws Exception {
        Map<String, Double> counts = new java.util.TreeMap<>();
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(platform.url("task-service") + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        metrics.lines().filter(l -> l.startsWith(name + "{") && l.contains(tag + "=\"")).forEach(l -> {
            int at = l.indexOf(tag + "=\"") + tag.length() + 2;
            counts.merge(l.substring(at, l.indexOf('"', at)), Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)),
                    Double::sum);
        });
        return counts;
    }

    /** How the routings since {@code before} ended, e.g. {@code assigned 1000, deferred 12}. */
    private String routingSince(Map<String, Double> before) throws Exception {
        return since(before, routingCounts());
    }

    private static String since(Map<String, Double> before, Map<String, Double> now) {
        StringBuilder sb = new StringBuilder();
        now.forEach((key, n) -> {
            long d = Math.round(n - before.getOrDefault(key, 0.0));
            if (d > 0) {
                sb.append(sb.isEmpty() ? "" : ", ").append(key).append(' ').append(d);
            }
        });
        return sb.isEmpty() ? "none" : sb.toString();
    }

    /** Submit → claimed, with idle agents long-polling while tasks arrive open-loop at {@code perSecond}. */
    private long[] pickupLatency(int agents, int total, int perSecond) throws Exception {
        List<String[]> creds = register(agents, "bench-latency-" + perSecond, 100);
        Map<String, Long> submitted = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(total);
        ExecutorService pool = agentsClaiming(creds, all, (c, id, claimedAt) -> {
            latencies.add(claimedAt - waitFor(submitted, id));
            post("/aitp/tasks/" + id + "/complete", "{}", null, c[1]);
            all.countDown();
        });
        Thread.sleep(1000); // every agent is waiting
        Map<String, Double> routing = routingCounts();
        countDown(all, submitOpenLoop("{\"task_type\":\"bench\",\"capability_required\":\"bench-latency-"
                + perSecond + "\"}", total, perSecond, submitted));
        all.await();
        pool.shutdownNow();
        long[] p = percentiles(latencies);
        System.out.printf("  pickup: %d tasks at %d/s, %d idle agents long-polling: p50 %d ms, p95 %d ms, p99 %d ms"
                + " (routing: %s)%n", total, perSecond, agents, p[0], p[1], p[2], routingSince(routing));
        return p;
    }

    /** Submit → task received, with agents following their event stream in push mode (no claim call). */
    private long[] streamingPickupLatency(int agents, int total, int perSecond) throws Exception {
        String capability = "bench-push-" + perSecond;
        List<String[]> creds = register(agents, capability, 100);
        Map<String, Long> submitted = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(total);
        Map<String, Long> received = new ConcurrentHashMap<>();
        List<dev.ains.client.EventStream> streams = new ArrayList<>();
        List<dev.ains.client.ResultReporter> reporters = new ArrayList<>();
        for (String[] c : creds) {
            dev.ains.client.Ains agent = dev.ains.client.Ains.builder().tasksUrl(platform.url("task-service"))
                    .apiKey(c[1]).build();
            // as a real agent reports (the sample agent does the same): in batches, one report in flight
            dev.ains.client.ResultReporter reporter = dev.ains.client.ResultReporter.start(agent,
                    UUID.fromString(c[0]), n -> { });
            reporters.add(reporter);
            streams.add(agent.streamAgentEvents(UUID.fromString(c[0]), true, null, e -> {
                if (!"task.claimed".equals(e.type())) {
                    return;
                }
                long receivedAt = System.nanoTime();
                var claimed = dev.ains.client.Ains.claimedTask(e);
                received.put(claimed.getTask().getTaskId().toString(), receivedAt);
                reporter.add(new dev.ains.client.tasks.model.AttemptResult().taskId(claimed.getTask().getTaskId())
                        .attemptNo(claimed.getAttemptNo())
                        .outcome(dev.ains.client.tasks.model.AttemptResult.OutcomeEnum.COMPLETED));
                all.countDown();
            }, null));
        }
        Thread.sleep(1000); // every stream is open
        Map<String, Double> routing = routingCounts();
        countDown(all, submitOpenLoop("{\"task_type\":\"bench\",\"capability_required\":\"" + capability + "\"}",
                total, perSecond, submitted));
        all.await();
        streams.forEach(dev.ains.client.EventStream::close);
        reporters.forEach(dev.ains.client.ResultReporter::close);
        // matched afterwards: the push can beat the submitter's own bookkeeping, and the stream's reader
        // must not wait for it
        for (Map.Entry<String, Long> r : received.entrySet()) {
            latencies.add(r.getValue() - waitFor(submitted, r.getKey()));
        }
        long[] p = percentiles(latencies);
        System.out.printf("  pickup: %d tasks at %d/s, %d agents streaming (push): p50 %d ms, p95 %d ms, p99 %d ms"
                + " (routing: %s)%n", total, perSecond, agents, p[0], p[1], p[2], routingSince(routing));
        return p;
    }

    /** What {@link #overload} saw: accepted and refused submissions, worked rate, pickup of admitted work. */
    record Overload(int offered, int accepted, int refused, double workedPerSecond, long[] pickup,
                    long firstTenthP50, long lastTenthP50) {
        @Override
        public String toString() {
            return String.format("%d accepted, %d refused; %.0f/s worked; pickup p50/p95/p99 %d/%d/%d ms"
                    + " (p50 of the first tenth %d ms, of the last %d ms)", accepted, refused, workedPerSecond,
                    pickup[0], pickup[1], pickup[2], firstTenthP50, lastTenthP50);
        }
    }

    /**
     * More than the platform serves (#11: "at 1,000 tasks/s offered the platform keeps up or sheds load
     * explicitly"): submissions leave open loop at {@code perSecond} for {@code seconds}, and agents work
     * them as fast as the platform lets them, up to 32 per claim with their results in one report. Prints
     * how many were accepted and refused (503 + Retry-After), how fast the accepted ones were worked, and
     * their pickup latency, early and late in the run: bounded latency is the late figure staying near
     * the early one.
     */
    private Overload overload(int agents, int perSecond, int seconds) throws Exception {
        String capability = "bench-overload";
        List<String[]> creds = register(agents, capability, 100);
        int total = perSecond * seconds;
        Map<String, Long> submitted = new ConcurrentHashMap<>();
        List<long[]> pickups = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(total);
        AtomicInteger worked = new AtomicInteger();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        for (String[] c : creds) {
            pool.submit(() -> {
                while (all.getCount() > 0) {
                    HttpResponse<String> r = post("/aitp/agents/" + c[0] + "/claims?max_tasks=32&wait_seconds=5", "",
                            null, c[1]);
                    long claimedAt = System.nanoTime();
                    JsonNode items = JSON.readTree(r.body()).path("items");
                    if (r.statusCode() != 200 || items.isEmpty()) {
                        continue;
                    }
                    StringBuilder report = new StringBuilder("{\"items\":[");
                    for (int k = 0; k < items.size(); k++) {
                        String id = items.get(k).at("/task/task_id").asText();
                        pickups.add(new long[]{waitFor(submitted, id), claimedAt});
                        report.append(k == 0 ? "" : ",").append("{\"task_id\":\"").append(id)
                                .append("\",\"attempt_no\":").append(items.get(k).get("attempt_no").asInt())
                                .append(",\"outcome\":\"COMPLETED\"}");
                    }
                    post("/aitp/agents/" + c[0] + "/results", report.append("]}").toString(), null, c[1]);
                    worked.addAndGet(items.size());
                    countDown(all, items.size());
                }
                return null;
            });
        }
        Thread.sleep(1000); // every agent is waiting
        Map<String, Double> routing = routingCounts();
        CpuSplit cpu = CpuSplit.start(platform);
        long t0 = System.nanoTime();
        List<Long> answered = Collections.synchronizedList(new ArrayList<>());
        Map<String, Double> admission = admissionCounts();
        int refused = submitOpenLoop("{\"task_type\":\"bench\",\"capability_required\":\"" + capability + "\"}",
                total, perSecond, submitted, answered);
        countDown(all, refused);
        boolean drained = all.await(2, TimeUnit.MINUTES);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        pool.shutdownNow();
        String split = cpu.end();
        List<long[]> bySubmission = new ArrayList<>(pickups);
        bySubmission.sort(java.util.Comparator.comparingLong(p -> p[0]));
        List<Long> latencies = bySubmission.stream().map(p -> p[1] - p[0]).toList();
        int tenth = Math.max(1, latencies.size() / 10);
        Overload o = new Overload(total, total - refused, refused, worked.get() / elapsed, percentiles(latencies),
                percentiles(latencies.subList(0, tenth))[0],
                percentiles(latencies.subList(latencies.size() - tenth, latencies.size()))[0]);
        long[] answer = percentiles(answered);
        System.out.printf("  overload: %d/s offered for %d s, %d agents (32 per claim): %s%s%n"
                + "    accepted submissions answered in p50/p95/p99 %d/%d/%d ms; refused by: %s%n    routing: %s%n"
                + "    cpu: %s%n", perSecond, seconds, agents, o, drained ? "" : " — NOT drained within 2 minutes",
                answer[0], answer[1], answer[2], since(admission, admissionCounts()), routingSince(routing), split);
        return o;
    }

    private long[] webhookLatency(int total) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(total);
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/hook", exchange -> {
            Instant arrived = Instant.now();
            byte[] body = exchange.getRequestBody().readAllBytes();
            Instant at = Instant.parse(JSON.readTree(body).get("timestamp").asText());
            latencies.add(Duration.between(at, arrived).toNanos());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            all.countDown();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        HttpResponse<String> created = post("/aitp/webhooks",
                "{\"url\":\"" + url + "\",\"events\":[\"task.created\"]}", token, null);
        String hookId = JSON.readTree(created.body()).get("webhook_id").asText();
        try {
            countDown(all, submitOpenLoop("{\"task_type\":\"bench\",\"capability_required\":\"bench-hooks-nobody\"}",
                    total, 50, new ConcurrentHashMap<>()));
            if (!all.await(60, TimeUnit.SECONDS)) {
                System.err.println("  webhooks: only " + (total - all.getCount()) + " of " + total + " arrived");
            }
        } finally {
            HTTP.send(HttpRequest.newBuilder(URI.create(platform.url("task-service") + "/aitp/webhooks/" + hookId))
                    .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            receiver.stop(0);
        }
        long[] p = percentiles(latencies);
        System.out.printf("  webhooks: %d events, one every 20 ms: event → first attempt p50 %d ms, p95 %d ms, p99 %d ms%n",
                total, p[0], p[1], p[2]);
        return p;
    }

    interface ClaimHandler {
        void handle(String[] agent, String taskId, long claimedAtNanos) throws Exception;
    }

    /** Each agent long-polls for tasks until {@code all} reaches zero and hands each claimed task on. */
    private ExecutorService agentsClaiming(List<String[]> creds, CountDownLatch all, ClaimHandler handler) {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        for (String[] c : creds) {
            pool.submit(() -> {
                while (all.getCount() > 0) {
                    HttpResponse<String> r = post("/aitp/agents/" + c[0] + "/claim?wait_seconds=5", "", null, c[1]);
                    long claimedAt = System.nanoTime();
                    if (r.statusCode() == 200) {
                        handler.handle(c, JSON.readTree(r.body()).at("/task/task_id").asText(), claimedAt);
                    }
                }
                return null;
            });
        }
        return pool;
    }

    /**
     * Offers {@code total} submissions at {@code perSecond}, open loop: each leaves at its time whether or
     * not the earlier ones have been answered, as real clients do.
     */
    private int submitOpenLoop(String body, int total, int perSecond, Map<String, Long> submitted) throws Exception {
        return submitOpenLoop(body, total, perSecond, submitted, Collections.synchronizedList(new ArrayList<>()));
    }

    /** As above, adding how long each accepted submission took to be answered to {@code answered}. */
    private int submitOpenLoop(String body, int total, int perSecond, Map<String, Long> submitted,
                               List<Long> answered) throws Exception {
        AtomicInteger refused = new AtomicInteger();
        long start = System.nanoTime();
        long gap = 1_000_000_000L / perSecond;
        List<Thread> inFlight = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            long due = start + i * gap;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            inFlight.add(Thread.ofVirtual().start(() -> {
                try {
                    long t = System.nanoTime();
                    HttpResponse<String> r = post("/aitp/tasks", body, token, null);
                    if (r.statusCode() == 503) {
                        refused.incrementAndGet(); // admission control: the platform is at its limit
                        return;
                    }
                    submitted.put(JSON.readTree(r.body()).get("task_id").asText(), t);
                    answered.add(System.nanoTime() - t);
                } catch (Exception e) {
                    System.err.println("  submission failed: " + e);
                }
            }));
        }
        for (Thread t : inFlight) {
            t.join();
        }
        if (refused.get() > 0) {
            System.out.printf("  %d of %d submissions refused with 503 (admission control)%n", refused.get(), total);
        }
        return refused.get();
    }

    /** p50, p95 and p99 in milliseconds of latencies in nanoseconds. */
    private static long[] percentiles(List<Long> latencies) {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new long[]{pct(sorted, 0.50), pct(sorted, 0.95), pct(sorted, 0.99)};
    }

    private static Long waitFor(Map<String, Long> submitted, String id) throws InterruptedException {
        // the claim can beat the submitter's own bookkeeping by a hair
        Long t;
        while ((t = submitted.get(id)) == null) {
            Thread.sleep(1);
        }
        return t;
    }

    private List<String[]> register(int agents, String capability, int capacity) throws Exception {
        List<String[]> creds = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            String body = "{\"name\":\"" + capability + "-" + i + "\",\"max_concurrency\":" + capacity
                    + ",\"heartbeat_interval_seconds\":3600,\"capabilities\":[{\"name\":\"" + capability + "\"}]}";
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(platform.url("agent-registry")
                            + "/ains/agents")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("agent registration answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode n = JSON.readTree(r.body());
            creds.add(new String[]{n.at("/agent/agent_id").asText(), n.get("api_key").asText()});
        }
        Thread.sleep(600); // candidate cache
        return creds;
    }

    /** A connection of the load generator's own client to task-service (see {@link RawHttp}). */
    private RawHttp tasksHttp() {
        return new RawHttp(platform.url("task-service"));
    }

    private HttpResponse<String> post(String path, String body, String bearer, String apiKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.url("task-service") + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (apiKey != null) {
            b.header("X-API-Key", apiKey);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Tasks refused at the door are never picked up: the phase stops waiting for them. */
    private static void countDown(CountDownLatch latch, int n) {
        for (int i = 0; i < n; i++) {
            latch.countDown();
        }
    }

    private static long pct(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1_000_000;
    }

    interface Work {
        void run() throws Exception;
    }

    interface IndexedWork {
        void run(int i) throws Exception;
    }

    private static void runConcurrently(int n, Work w) throws Exception {
        runConcurrently(n, i -> w.run());
    }

    private static void runConcurrently(int n, IndexedWork w) throws Exception {
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int idx = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    w.run(idx);
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.err.println("  worker failed: " + e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
