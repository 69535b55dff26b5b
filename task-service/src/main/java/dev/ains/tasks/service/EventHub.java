package dev.ains.tasks.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.jobs.WakeableWorker;
import dev.ains.tasks.store.EventStore;
import dev.ains.tasks.store.EventStore.Entry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Feeds the live event streams of this replica. While anyone is subscribed, one reader follows the
 * journal (woken at once by this replica's commits, polling for the others') and hands each entry to
 * the subscriptions whose filter it matches. A reconnecting stream first replays what it missed from
 * the journal, from its {@code Last-Event-ID} up to where its live feed starts, so nothing falls between.
 */
@ApplicationScoped
public class EventHub {
    private static final int PAGE = 500;
    private static final int QUEUE_LIMIT = 10_000;

    @Inject
    EventStore store;
    @Inject
    WebhookSettings settings;
    @Inject
    BackgroundJobs jobs;

    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private long cursor;
    private volatile boolean running = true;
    private WakeableWorker worker;

    /** What a stream wants: nulls match everything. */
    public record Filter(String clientId, UUID agentId, UUID taskId, UUID batchId, Set<String> types) {
        boolean matches(Entry e) {
            return (clientId == null || clientId.equals(e.clientId()))
                    && (agentId == null || agentId.equals(e.agentId()))
                    && (taskId == null || taskId.equals(e.taskId()))
                    && (batchId == null || batchId.equals(e.batchId()))
                    && (types == null || types.contains(e.eventType()));
        }
    }

    /** One open stream: entries it missed (replay) and then its live queue. */
    public static final class Subscription {
        private final Filter filter;
        private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>(QUEUE_LIMIT);
        private final List<Entry> replay;
        private volatile boolean overflowed;

        Subscription(Filter filter, List<Entry> replay) {
            this.filter = filter;
            this.replay = replay;
        }

        public List<Entry> replay() {
            return replay;
        }

        /** The next live entry, or null when none came within the wait. */
        public Entry next(Duration wait) throws InterruptedException {
            return queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        }

        /**
         * True when the stream fell so far behind that entries were dropped: it must end, and the client
         * reconnects with Last-Event-ID and replays them from the journal.
         */
        public boolean overflowed() {
            return overflowed;
        }

        void offer(Entry e) {
            if (!overflowed && filter.matches(e) && !queue.offer(e)) {
                overflowed = true;
            }
        }
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        worker = jobs.start(new WakeableWorker("event-hub", this::follow, settings.streamPollMs(), 0, PAGE));
    }

    public void wake() {
        if (worker != null && !subscriptions.isEmpty()) {
            worker.wake();
        }
    }

    public boolean running() {
        return running;
    }

    /**
     * Opens a stream. With {@code lastEventId} the entries after it that the filter matches come first
     * (as far back as the journal keeps them).
     */
    public Subscription open(Filter filter, Long lastEventId) {
        long liveFrom;
        Subscription s;
        List<Entry> replay = new ArrayList<>();
        synchronized (this) {
            if (subscriptions.isEmpty()) {
                cursor = store.maxSeq();
            }
            liveFrom = cursor;
            s = new Subscription(filter, replay);
            subscriptions.add(s);
        }
        if (lastEventId != null && lastEventId < liveFrom) {
            long from = lastEventId;
            while (true) {
                List<Entry> page = store.replay(from, liveFrom, filter.clientId(), filter.agentId(), filter.taskId(),
                        filter.batchId(), PAGE);
                page.stream().filter(filter::matches).forEach(replay::add);
                if (page.size() < PAGE) {
                    break;
                }
                from = page.get(page.size() - 1).seq();
            }
        }
        return s;
    }

    /** The agents following their own event stream on this replica right now. */
    public Set<UUID> streamingAgents() {
        Set<UUID> out = new java.util.HashSet<>();
        for (Subscription s : subscriptions) {
            if (s.filter.clientId() == null && s.filter.agentId() != null) {
                out.add(s.filter.agentId());
            }
        }
        return out;
    }

    public void close(Subscription s) {
        subscriptions.remove(s);
    }

    /** One pass of the reader: entries after the cursor, to every matching subscription. */
    synchronized int follow() {
        if (subscriptions.isEmpty()) {
            return 0;
        }
        List<Entry> entries = store.after(cursor, PAGE);
        for (Entry e : entries) {
            for (Subscription s : subscriptions) {
                s.offer(e);
            }
            cursor = e.seq();
        }
        return entries.size();
    }

    @PreDestroy
    void stop() {
        running = false;
    }
}
