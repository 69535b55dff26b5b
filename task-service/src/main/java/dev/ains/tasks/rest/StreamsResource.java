package dev.ains.tasks.rest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.json.Json;
import dev.ains.kit.security.Allow;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.tasks.service.TaskEventType;
import dev.ains.tasks.service.AgentWorkService;
import dev.ains.tasks.service.BatchService;
import dev.ains.tasks.service.EventHub;
import dev.ains.tasks.service.TaskService;
import dev.ains.tasks.service.WebhookMetrics;
import dev.ains.tasks.service.WebhookService;
import dev.ains.tasks.service.WebhookSettings;
import dev.ains.tasks.store.EventStore.Entry;
import dev.ains.tasks.store.TaskRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * Live events over Server-Sent Events (the Streams operations of the spec, written by hand: a generated
 * interface cannot stream). Each event carries its journal number as {@code id}, its type as
 * {@code event} and the Event JSON as {@code data}; a comment goes out at once (so headers flush) and
 * then whenever the stream has been idle for the heartbeat interval.
 */
@ApplicationScoped
// "" like the generated resources: a class path of "/aitp" would win the match for every /aitp/... request
@Path("")
public class StreamsResource {
    static final Set<String> AGENT_TYPES = Set.of(TaskEventType.ASSIGNED.wireName(),
            TaskEventType.CANCELLED.wireName(), "auction.invited");
    /** A pushing stream sends the tasks themselves (task.claimed) in place of their assignment. */
    static final Set<String> PUSHED_AGENT_TYPES = Set.of(TaskEventType.CANCELLED.wireName(), "auction.invited");

    @Inject
    EventHub hub;
    @Inject
    TaskService tasks;
    @Inject
    BatchService batches;
    @Inject
    WebhookSettings settings;
    @Inject
    WebhookMetrics metrics;
    @Inject
    AgentWorkService work;

    @GET
    @Path("/aitp/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Allow({Roles.CLIENT})
    public void streamEvents(@QueryParam("task_id") String taskId, @QueryParam("batch_id") String batchId,
                             @QueryParam("types") String types, @HeaderParam("Last-Event-ID") String lastEventId,
                             @Context SecurityContext security, @Context SseEventSink sink, @Context Sse sse) {
        Caller caller = Caller.of(security);
        UUID task = uuid("task_id", taskId);
        UUID batch = uuid("batch_id", batchId);
        if (task != null) {
            tasks.get(caller, task); // 404 unless the caller may see it
        }
        if (batch != null) {
            batches.status(caller, batch);
        }
        Set<String> wanted = types == null || types.isBlank() ? null
                : Arrays.stream(types.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        if (wanted != null) {
            wanted.stream().filter(t -> !WebhookService.EVENT_TYPES.contains(t)).findFirst().ifPresent(t -> {
                throw ApiProblem.invalid("types", "unknown event type '" + t + "'");
            });
        }
        stream(new EventHub.Filter(caller.isAdmin() ? null : caller.id(), null, task, batch, wanted),
                lastEventId, sink, sse, null);
    }

    @GET
    @Path("/aitp/agents/{agent_id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Allow({Roles.AGENT})
    public void streamAgentEvents(@PathParam("agent_id") String agentId, @QueryParam("push") Boolean push,
                                  @HeaderParam("Last-Event-ID") String lastEventId,
                                  @Context SecurityContext security, @Context SseEventSink sink, @Context Sse sse) {
        UUID agent = uuid("agent_id", agentId);
        Caller caller = Caller.of(security);
        caller.requireAgent(agent.toString());
        if (Boolean.TRUE.equals(push)) {
            // the stream claims for the agent: its tasks arrive as task.claimed, not as task.assigned. First
            // what it is already running: a task pushed into a connection that had just died looked sent.
            List<TaskRecord> resend = new ArrayList<>(work.running(caller, agent));
            stream(new EventHub.Filter(null, agent, null, null, PUSHED_AGENT_TYPES), lastEventId, sink, sse,
                    () -> {
                        int again = resend.size();
                        for (TaskRecord t : resend) {
                            send(sink, claimedEvent(sse, t));
                        }
                        resend.clear();
                        return again + push(caller, agent, sink, sse);
                    });
        } else {
            stream(new EventHub.Filter(null, agent, null, null, AGENT_TYPES), lastEventId, sink, sse, null);
        }
    }

    /** What a pushing stream does between journal entries: claims for the agent and sends what it took. */
    private interface Pusher {
        int push() throws InterruptedException;
    }

    /**
     * Claims the agent's routed tasks (waiting up to a second for the first) and sends each as task.claimed.
     * Tasks that could not be sent are handed back for the next claim, on the same attempt.
     */
    private int push(Caller caller, UUID agent, SseEventSink sink, Sse sse) {
        List<TaskRecord> claimed = work.claim(caller, agent, 1, AgentWorkService.MAX_BATCH).tasks();
        for (int i = 0; i < claimed.size(); i++) {
            try {
                send(sink, claimedEvent(sse, claimed.get(i)));
            } catch (RuntimeException e) {
                work.handBack(agent, claimed.subList(i, claimed.size()).stream().map(TaskRecord::taskId).toList());
                throw e;
            }
        }
        return claimed.size();
    }

    private void stream(EventHub.Filter filter, String lastEventId, SseEventSink sink, Sse sse, Pusher pusher) {
        Long last = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                last = Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                throw ApiProblem.invalid("Last-Event-ID", "must be the id of an event this stream sent");
            }
        }
        EventHub.Subscription sub = hub.open(filter, last);
        metrics.streamOpened();
        Duration heartbeat = Duration.ofSeconds(settings.heartbeatSeconds());
        try (sink) {
            send(sink, sse.newEventBuilder().comment("connected").build());
            for (Entry e : sub.replay()) {
                send(sink, event(sse, e));
            }
            long quietSince = System.nanoTime();
            while (hub.running() && !sink.isClosed() && !sub.overflowed()) {
                int sent = pusher == null ? 0 : pusher.push();
                // a pushing stream waits in its claim, so it only picks up the entries that came meanwhile
                for (Entry e = sub.next(pusher == null ? heartbeat : Duration.ZERO); e != null;
                     e = sub.next(Duration.ZERO)) {
                    send(sink, event(sse, e));
                    metrics.streamed(1);
                    sent++;
                }
                if (sent > 0) {
                    quietSince = System.nanoTime();
                } else if (pusher == null || System.nanoTime() - quietSince >= heartbeat.toNanos()) {
                    send(sink, sse.newEventBuilder().comment("heartbeat").build());
                    quietSince = System.nanoTime();
                }
            }
        } catch (CompletionException | IllegalStateException e) {
            // the client went away; nothing to tell it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            hub.close(sub);
            metrics.streamClosed();
        }
    }

    /** A task claimed for the agent: no id, so that a resumed stream does not replay it (it is re-sent instead). */
    private static jakarta.ws.rs.sse.OutboundSseEvent claimedEvent(Sse sse, TaskRecord t) {
        return sse.newEventBuilder().name("task.claimed").mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, Json.write(AgentWorkResource.claimed(t))).build();
    }

    private static jakarta.ws.rs.sse.OutboundSseEvent event(Sse sse, Entry e) {
        return sse.newEventBuilder().id(String.valueOf(e.seq())).name(e.eventType())
                .mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, e.body()).build();
    }

    private static void send(SseEventSink sink, jakarta.ws.rs.sse.OutboundSseEvent event) {
        sink.send(event).toCompletableFuture().join();
    }

    private static UUID uuid(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(field, "must be a UUID");
        }
    }
}
