package dev.ains.kit.jobs;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The scheduler for a service's periodic work. Every job must be safe with several replicas running
 * it at once (row locks with SKIP LOCKED, conditional updates); a job that throws is logged and runs again.
 */
@ApplicationScoped
public class BackgroundJobs {
    private static final Logger LOG = Logger.getLogger(BackgroundJobs.class.getName());
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2,
            Thread.ofPlatform().daemon().name("ains-job-", 0).factory());

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

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
