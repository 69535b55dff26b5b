package dev.ains.kit.outbox;

import java.util.List;

import io.helidon.dbclient.DbExecute;

/**
 * A sink that writes into the service's own database: it works inside the relay's transaction, so the
 * outbox rows are deleted exactly when its writes commit (no duplicates, nothing lost). The relay runs
 * local sinks after the remote ones, so locks they take are held only briefly before the commit.
 */
public interface LocalOutboxSink extends OutboxSink {
    /** Writes the batch in the relay's transaction or throws (the batch is then retried with back-off). */
    void deliver(DbExecute tx, List<OutboxEvent> events);

    /** Called after the transaction that took a batch has committed, e.g. to wake whoever reads it. */
    default void afterCommit() {
    }

    @Override
    default void deliver(List<OutboxEvent> events) {
        throw new UnsupportedOperationException(destination() + " is delivered inside the relay's transaction");
    }
}
