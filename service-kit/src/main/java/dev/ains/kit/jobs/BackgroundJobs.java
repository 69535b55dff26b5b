package dev.ains.kit.jobs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;

/**
 * The scheduler for a service's periodic work and the owner of its background workers. Every job must
 * be safe with several replicas running it at once (row locks with SKIP LOCKED, conditional updates); a
 * job that throws is logged and runs again. On shutdown everything stops, and running passes are given
 * a few seconds to finish, before any bean (the database pool above all) goes away: a pass cut off
 * half-way would only fail noisily and be repeated by the next start.
 */
@ApplicationScoped
public class BackgroundJobs {
    private static final Logger LOG = Logger.getLogger(BackgroundJobs.class.getName());
    private static final long DRAIN_MS = 5000;

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2,
            Thread.ofPlatform().daemon().name("ains-job-", 0).factory());
    private final List<WakeableWorker> workers = new CopyOnWriteArrayList<>();

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public void every(String name, long periodMs, Runnable job) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "background job " + name + " failed; it runs again", e);
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** Starts a worker; it is stopped, and waited for, when the service shuts down. */
    public WakeableWorker start(WakeableWorker worker) {
        workers.add(worker);
        worker.start();
        return worker;
    }

    void drain(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
        scheduler.shutdown(); // periodic jobs are not scheduled again; a running one finishes
        workers.forEach(WakeableWorker::stop);
        try {
            for (WakeableWorker w : workers) {
                w.awaitStopped(Math.max(0, until - System.nanoTime()));
            }
            if (!scheduler.awaitTermination(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warning("background jobs still running after " + DRAIN_MS + " ms; interrupting them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
    }
}
