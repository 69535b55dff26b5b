package dev.ains.kit.jobs;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A background thread that runs a pass over and over: at once again while passes come back full,
 * after {@code busyPauseMs} (not cut short by a wake-up, so that work can gather) when a pass did
 * some work, and after {@code idleMs} — or as soon as someone calls {@link #wake()} — when it did none.
 */
public final class WakeableWorker {
    private static final Logger LOG = Logger.getLogger(WakeableWorker.class.getName());

    private final String name;
    private final IntSupplier pass;
    private final long idleMs;
    private final long busyPauseMs;
    private final int fullPass;
    private final long minGapMs;
    private volatile Thread thread;
    private volatile boolean running;

    /**
     * @param pass        one pass; returns how much it did
     * @param fullPass    a pass that did at least this much is followed by the next at once
     * @param busyPauseMs pause after a pass that did some work (0: treat it like an idle pass)
     */
    public WakeableWorker(String name, IntSupplier pass, long idleMs, long busyPauseMs, int fullPass) {
        this(name, pass, idleMs, busyPauseMs, fullPass, 0);
    }

    /** @param minGapMs least time between two passes, so that a storm of wake-ups costs few passes */
    public WakeableWorker(String name, IntSupplier pass, long idleMs, long busyPauseMs, int fullPass,
                          long minGapMs) {
        this.minGapMs = minGapMs;
        this.name = name;
        this.pass = pass;
        this.idleMs = idleMs;
        this.busyPauseMs = busyPauseMs;
        this.fullPass = fullPass;
    }

    public void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
    }

    public void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    public void stop() {
        running = false;
        wake();
    }

    /** Waits up to {@code nanos} for a stopped worker's current pass to end. */
    public void awaitStopped(long nanos) throws InterruptedException {
        Thread t = thread;
        if (t != null && nanos > 0) {
            t.join(Duration.ofNanos(nanos));
        }
    }

    private void loop() {
        while (running) {
            int done = 0;
            try {
                done = pass.getAsInt();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, name + " pass failed; it runs again", e);
            }
            if (done >= fullPass) {
                continue;
            }
            if (done > 0 && busyPauseMs > 0) {
                try {
                    Thread.sleep(busyPauseMs);
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                long t0 = System.nanoTime();
                LockSupport.parkNanos(Duration.ofMillis(idleMs).toNanos());
                long rest = minGapMs * 1_000_000 - (System.nanoTime() - t0);
                if (rest > 0) {
                    LockSupport.parkNanos(rest);
                }
            }
        }
    }
}
