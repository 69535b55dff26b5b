package dev.ains.launcher;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.ains.kit.db.EmbeddedDatabase;

/**
 * {@code ./ains start [--with-agent] [--data-dir DIR]}: starts the platform, prints where everything
 * is and a ready-to-use client token, and stops everything on Ctrl-C.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) throws InterruptedException {
        boolean withAgent = false;
        Path dataDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--with-agent" -> withAgent = true;
                case "--data-dir" -> dataDir = Path.of(args[++i]).toAbsolutePath();
                case "-h", "--help" -> {
                    System.out.println("usage: ains start [--with-agent] [--data-dir DIR]");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        Path home = Path.of(System.getProperty("ains.home", ".")).toAbsolutePath().normalize();
        System.out.println("Starting AINS (embedded PostgreSQL + 4 services)… logs in " + home.resolve(".ains/logs"));
        long t0 = System.nanoTime();
        EmbeddedDatabase.stoppedByOwner(); // after the services, below
        Platform platform;
        try {
            platform = Platform.start(new Platform.Options(home, false, true, dataDir, Map.of()));
        } catch (RuntimeException e) {
            EmbeddedDatabase.stop();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping AINS…");
            platform.close();
            EmbeddedDatabase.stop();
            stopped.countDown();
        }, "ains-stop"));
        Platform.ClientLogin demo = platform.newClient("local-demo");
        String token = demo.token();
        // money to try paid tasks with: 100.00 USD in the demo client's account
        platform.deposit("local-demo-" + demo.clientId(), demo.clientId(), 10_000);
        if (withAgent) {
            platform.startAgent("sample-agent", Map.of("AINS_CAPABILITIES", "echo,uppercase,sleep"));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%nAINS is up in %.1f s.%n%n", (System.nanoTime() - t0) / 1e9));
        sb.append(String.format("  %-18s %-24s %-36s %s%n", "service", "API", "Swagger UI", "metrics"));
        for (String s : Platform.SERVICES) {
            String u = platform.url(s);
            sb.append(String.format("  %-18s %-24s %-36s %s%n", s, u, u + "/openapi/ui/", u + "/metrics"));
        }
        sb.append(String.format("%n  PostgreSQL         %s%n", platform.dbUrl()));
        sb.append(String.format("%nA client token (valid 1 h):%n  export AINS_TOKEN=%s%n", token));
        // the operator of a local run acts as admin too (deposits, every task, redrive); set
        // AINS_ADMIN_CLIENT_ID / AINS_ADMIN_CLIENT_SECRET beforehand to choose them
        var admin = platform.adminCredentials();
        sb.append(String.format("%nThe admin client (sign in at %s/ains/auth/token):%n  client_id %s%n"
                + "  client_secret %s%n", platform.url("agent-registry"), admin.getKey(), admin.getValue()));
        sb.append(String.format("%nTry:%n  curl -s -X POST %s/aitp/tasks -H \"Authorization: Bearer $AINS_TOKEN\" "
                + "-H 'Content-Type: application/json' \\%n    -d '{\"task_type\":\"echo\",\"capability_required\":"
                + "\"echo\",\"input_data\":{\"text\":\"hello\"}}'%n", platform.url("task-service")));
        sb.append(String.format("%nA paid task (its client %s holds 100.00 USD; agents bid for it):%n"
                + "  curl -s -X POST %s/aitp/tasks -H \"Authorization: Bearer $AINS_TOKEN\" "
                + "-H 'Content-Type: application/json' \\%n    -d '{\"task_type\":\"echo\",\"capability_required\":"
                + "\"echo\",\"input_data\":{\"text\":\"paid\"},\"budget\":500,\"auction_seconds\":5}'%n",
                demo.clientId(), platform.url("task-service")));
        if (withAgent) {
            sb.append("\nA sample agent (echo, uppercase, sleep) is running; its log is .ains/logs/agent-sample-agent.log\n");
        }
        sb.append("\nCtrl-C stops everything.\n");
        System.out.print(sb);
        stopped.await();
    }
}
