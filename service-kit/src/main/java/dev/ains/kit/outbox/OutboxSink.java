package dev.ains.kit.outbox;

import java.util.List;

import io.helidon.dbclient.DbExecute;

/**
 * Delivers events to one destination (a CDI bean per destination). Delivery is at least once: a sink
 * may see an event again after a crash or a failed batch, so the receiver must be idempotent by event id.
 */
public interface OutboxSink {
    String destination();

    /** Delivers the batch or throws; a throw retries the whole batch later with back-off. */
    void deliver(List<OutboxEvent> events);

    /**
     * Runs in the relay's transaction just before the batch is delivered and returns what to send. It lets
     * the owning service bring its own state and the events up to date with the moment they really go out
     * (economic-service restarts the bidding window of an auction whose invitations leave late). What it
     * writes describes the attempt and stays when the delivery fails; the next attempt prepares again.
     */
    default List<OutboxEvent> beforeDelivery(DbExecute tx, List<OutboxEvent> events) {
        return events;
    }
}
