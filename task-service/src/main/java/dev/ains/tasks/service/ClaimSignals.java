package dev.ains.tasks.service;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Wakes an agent's long-polling claim as soon as this replica routes a task to it. Waiters also poll the
 * database on a short interval, which covers tasks routed by another replica.
 */
@ApplicationScoped
public class ClaimSignals {
    private final Map<UUID, Slot> slots = new ConcurrentHashMap<>();

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        long version;
    }

    /** The agent's current version; pass it to {@link #await} to notice signals sent in between. */
    public long version(UUID agent) {
        Slot s = slots.computeIfAbsent(agent, k -> new Slot());
        s.lock.lock();
        try {
            return s.version;
        } finally {
            s.lock.unlock();
        }
    }

    public void await(UUID agent, long seen, long maxMs) throws InterruptedException {
        Slot s = slots.computeIfAbsent(agent, k -> new Slot());
        s.lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(maxMs);
            while (s.version == seen && nanos > 0) {
                nanos = s.changed.awaitNanos(nanos);
            }
        } finally {
            s.lock.unlock();
        }
    }

    public void signal(UUID agent) {
        Slot s = slots.get(agent);
        if (s == null) {
            return;
        }
        s.lock.lock();
        try {
            s.version++;
            s.changed.signalAll();
        } finally {
            s.lock.unlock();
        }
    }
}
