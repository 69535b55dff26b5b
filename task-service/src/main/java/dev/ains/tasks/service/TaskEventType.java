package dev.ains.tasks.service;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.ains.tasks.client.EventSinks;

/**
 * Every event task-service writes about a task, declared once (#11): its name on the wire and where it
 * goes. {@link TaskEvents} builds the payloads; webhooks and streams take their names from here.
 */
public enum TaskEventType {
    CREATED("task.created", EventSinks.ANALYTICS, EventSinks.EVENTS),
    ASSIGNED("task.assigned", EventSinks.ANALYTICS, EventSinks.EVENTS),
    STARTED("task.started", EventSinks.ANALYTICS, EventSinks.EVENTS),
    COMPLETED("task.completed", EventSinks.ANALYTICS, EventSinks.EVENTS),
    FAILED("task.failed", EventSinks.ANALYTICS, EventSinks.EVENTS),
    CANCELLED("task.cancelled", EventSinks.ANALYTICS, EventSinks.EVENTS),
    /** The platform's own bookkeeping: analytics only. */
    REQUEUED("task.requeued", EventSinks.ANALYTICS),
    UNBLOCKED("task.unblocked", EventSinks.ANALYTICS),
    /** What a failed attempt leads to, for subscribers only (analytics counts the failure itself). */
    TIMED_OUT("task.timed_out", EventSinks.EVENTS),
    RETRYING("task.retrying", EventSinks.EVENTS),
    DEAD_LETTERED("task.dead_lettered", EventSinks.EVENTS),
    /** A task with a budget, for economic-service to put out to auction. */
    AUCTION_REQUESTED("auction.requested", EventSinks.ECONOMY),
    /** An auctioned task's final outcome, which settles its escrow. */
    SETTLEMENT("task.settlement", EventSinks.ECONOMY),
    /** An attempt's outcome, which moves the agent's trust. */
    OUTCOME("task.outcome", EventSinks.REGISTRY);

    private final String wireName;
    private final List<String> destinations;

    TaskEventType(String wireName, String... destinations) {
        this.wireName = wireName;
        this.destinations = List.of(destinations);
    }

    /** The name clients and agents see (webhooks, streams) and the outbox stores. */
    public String wireName() {
        return wireName;
    }

    /** The outbox destinations it is written for, one row each. */
    public List<String> destinations() {
        return destinations;
    }

    /** The names of the task events that webhooks and streams can receive (those written to the journal). */
    public static Set<String> subscribable() {
        return Arrays.stream(values()).filter(t -> t.destinations.contains(EventSinks.EVENTS))
                .map(TaskEventType::wireName).collect(Collectors.toUnmodifiableSet());
    }
}
