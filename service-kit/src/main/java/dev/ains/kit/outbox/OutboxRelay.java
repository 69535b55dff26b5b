package dev.ains.kit.outbox;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.ains.kit.db.Database;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.jobs.WakeableWorker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Delivers outbox rows to their sinks, at least once, oldest first per destination, each destination
 * by its own worker (a slow neighbour never holds up another's events). Rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so any number of replicas can relay the same outbox without handing
 * one row to two of them; a delivered row is deleted in the same transaction that claimed it, and a
 * failed batch is postponed with exponential back-off (capped) and retried.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class.getName());

    @Inject
    Database database;

    @Inject
    Instance<OutboxSink> sinks;

    @Inject
    BackgroundJobs jobs;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry metrics;

    @Inject
    Config config;

    @Inject
    @ConfigProperty(name = "ains.outbox.poll-ms", defaultValue = "250")
    long pollMs;

    @Inject
    @ConfigProperty(name = "ains.outbox.batch-size", defaultValue = "200")
    int batchSize;

    /** After a pass that found work, wait this long so that the next batch gathers more events. */
    @Inject
    @ConfigProperty(name = "ains.outbox.batch-window-ms", defaultValue = "20")
    long batchWindowMs;

    @Inject
    @ConfigProperty(name = "ains.outbox.max-backoff-seconds", defaultValue = "60")
    int maxBackoffSeconds;

    /**
     * Rows deleted since the relay last vacuumed the outbox. Autovacuum looks at a table at most once a
     * minute (its naptime, a server setting), and a minute of deletions at a few hundred tasks a second
     * left 30,000 dead rows whose index entries every claim stepped over (1.4 ms per claim, `pg_stat_statements`).
     */
    @Inject
    @ConfigProperty(name = "ains.outbox.vacuum-every-rows", defaultValue = "5000")
    long vacuumEveryRows;

    private final Map<String, Integer> batchSizes = new ConcurrentHashMap<>();
    private final AtomicLong deletedSinceVacuum = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean vacuuming = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeMs = new AtomicLong();
    private final List<WakeableWorker> workers = new ArrayList<>();
    private final List<String> workerDestinations = new ArrayList<>();

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (!sinks.isResolvable() && sinks.isUnsatisfied()) {
            return;
        }
        metrics.gauge("ains_outbox_backlog", backlog, AtomicLong::get);
        metrics.gauge("ains_outbox_oldest_age_seconds", oldestAgeMs, v -> v.get() / 1000.0);
        // One worker per destination: a slow or unreachable neighbour delays only its own events.
        // One neighbour call per event would cost more than the event itself: after a busy pass a worker
        // pauses for the batch window so that events gather (a local sink needs no such pause).
        for (OutboxSink sink : sinks) {
            String destination = sink.destination();
            int size = batchSizeOf(destination);
            long window = sink instanceof LocalOutboxSink ? 0 : setting(destination, "batch-window-ms", batchWindowMs);
            WakeableWorker w = new WakeableWorker("outbox-relay-" + destination, () -> relayOnce(destination),
                    pollMs, window, size);
            workers.add(jobs.start(w));
            workerDestinations.add(destination);
        }
        database.onEventsCommitted(this::wake);
        ScheduledExecutorService s = jobs.scheduler();
        s.scheduleWithFixedDelay(this::measureBacklog, 1, 5, TimeUnit.SECONDS);
    }

    /**
     * Asks every worker to look now instead of at its next poll. Events added with {@link Outbox} inside
     * {@code Database.inTransaction} wake their own destinations' workers at commit; this is for events
     * written by SQL of a service's own.
     */
    public void wake() {
        workers.forEach(WakeableWorker::wake);
    }

    private void wake(Set<String> destinations) {
        for (int i = 0; i < workers.size(); i++) {
            if (destinations.contains(workerDestinations.get(i))) {
                workers.get(i).wake();
            }
        }
    }

    /**
     * One pass for one destination: claim a batch, deliver it, delete what arrived (or postpone it with
     * back-off). Returns rows handled.
     */
    public int relayOnce(String destination) {
        OutboxSink sink = sinkFor(destination);
        boolean local = sink instanceof LocalOutboxSink;
        int n = database.inTransaction(tx -> {
            List<OutboxEvent> events = Outbox.claim(tx, destination, batchSizeOf(destination));
            if (events.isEmpty()) {
                return 0;
            }
            try {
                if (sink == null) {
                    throw new IllegalStateException("no sink for destination " + destination);
                }
                // what the sink prepares describes this attempt and stays, whatever the delivery does
                List<OutboxEvent> sending = sink.beforeDelivery(tx, events);
                if (local) {
                    // a failed statement would abort the transaction; the savepoint lets the
                    // postponement below still be written
                    tx.dml("SAVEPOINT local_sink");
                    try {
                        ((LocalOutboxSink) sink).deliver(tx, sending);
                    } catch (RuntimeException e) {
                        tx.dml("ROLLBACK TO SAVEPOINT local_sink");
                        throw e;
                    }
                } else {
                    sink.deliver(sending);
                }
                tx.dml(Outbox.DELETE, Outbox.ids(events));
                metrics.counter("ains_outbox_delivered_total", new Tag("destination", destination))
                        .inc(events.size());
                return events.size();
            } catch (RuntimeException e) {
                int attempts = events.stream().mapToInt(OutboxEvent::attempts).max().orElse(0) + 1;
                long delay = Math.min(maxBackoffSeconds, 1L << Math.min(attempts - 1, 16));
                tx.dml(Outbox.POSTPONE, String.valueOf(e.getMessage()), (double) delay, Outbox.ids(events));
                metrics.counter("ains_outbox_delivery_failures_total", new Tag("destination", destination)).inc();
                LOG.warning(() -> "delivery of " + events.size() + " events to " + destination
                        + " failed (attempt " + attempts + "), next try in " + delay + " s: " + e.getMessage());
                return -events.size();
            }
        });
        if (n > 0 && local) {
            ((LocalOutboxSink) sink).afterCommit();
        }
        if (n > 0 && deletedSinceVacuum.addAndGet(n) >= vacuumEveryRows && vacuuming.compareAndSet(false, true)) {
            deletedSinceVacuum.set(0);
            jobs.scheduler().execute(this::vacuum);
        }
        return Math.max(n, 0);
    }

    /**
     * Removes the dead rows deliveries leave, and refreshes the planner's view of the two columns the claim
     * filters on (the payloads are not sampled: analyzing them made the vacuum 3-5 times slower). It does not
     * cut the empty pages off the end of the table: that takes a lock every insert and claim waits for (600 ms
     * per vacuum under load against 36 ms without, #11), and the next inserts reuse those pages anyway.
     */
    private void vacuum() {
        long t0 = System.nanoTime();
        try {
            database.client().execute().dml("VACUUM (ANALYZE, TRUNCATE false) outbox (destination, next_attempt_at)");
            metrics.counter("ains_outbox_vacuums_total").inc();
            LOG.fine(() -> "outbox vacuumed in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "outbox vacuum failed; autovacuum remains", e);
        } finally {
            vacuuming.set(false);
        }
    }

    private int batchSizeOf(String destination) {
        return batchSizes.computeIfAbsent(destination, d -> (int) setting(d, "batch-size", batchSize));
    }

    /**
     * A destination's own batch setting ({@code ains.outbox.<destination>.batch-size}, {@code .batch-window-ms}),
     * or the relay's. A neighbour that folds what it receives (analytics) does less work per event in fewer,
     * larger batches, where one that people wait on (the journal, trust) wants its events at once.
     */
    private long setting(String destination, String name, long fallback) {
        return config.getOptionalValue("ains.outbox." + destination + "." + name, Long.class).orElse(fallback);
    }

    private OutboxSink sinkFor(String destination) {
        for (OutboxSink s : sinks) {
            if (s.destination().equals(destination)) {
                return s;
            }
        }
        return null;
    }

    private void measureBacklog() {
        try {
            database.client().execute().query(Outbox.BACKLOG).findFirst().ifPresent(row -> {
                backlog.set(row.column("n").getLong());
                Timestamp oldest = row.column("oldest").get(Timestamp.class);
                oldestAgeMs.set(oldest == null ? 0 : System.currentTimeMillis() - oldest.getTime());
            });
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "backlog measurement failed", e);
        }
    }
}
