package dev.ains.kit.outbox;

import java.util.List;

/**
 * Delivers events to one destination (a CDI bean per destination). Delivery is at least once: a sink
 * may see an event again after a crash or a failed batch, so the receiver must be idempotent by event id.
 */
public interface OutboxSink {
    String destination();

    /** Delivers the batch or throws; a throw retries the whole batch later with back-off. */
    void deliver(List<OutboxEvent> events);
}
