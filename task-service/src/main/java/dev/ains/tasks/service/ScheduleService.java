package dev.ains.tasks.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ains.kit.db.Database;
import dev.ains.kit.error.ApiProblem;
import dev.ains.kit.error.Check;
import dev.ains.kit.error.FieldError;
import dev.ains.kit.jobs.BackgroundJobs;
import dev.ains.kit.security.Caller;
import dev.ains.kit.security.Roles;
import dev.ains.kit.store.Cursor;
import dev.ains.tasks.lifecycle.CronSchedule;
import dev.ains.tasks.store.ScheduleRecord;
import dev.ains.tasks.store.ScheduleStore;
import dev.ains.tasks.store.TaskRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Cron schedules (docs/task-lifecycle.md#schedules). A background pass takes due schedules one at a
 * time with {@code FOR UPDATE SKIP LOCKED} and, in the same transaction, submits the tick's task and
 * moves {@code next_fire_at}: each tick fires once however many replicas run, and a restart neither
 * repeats nor loses one (a tick missed by more than the grace period follows the misfire policy).
 */
@ApplicationScoped
public class ScheduleService {
    private static final Logger LOG = Logger.getLogger(ScheduleService.class.getName());

    @Inject
    ScheduleStore store;
    @Inject
    TaskService tasks;
    @Inject
    Database database;
    @Inject
    BackgroundJobs jobs;
    @Inject
    ClaimSignals signals;
    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry metrics;
    @Inject
    @ConfigProperty(name = "ains.tasks.schedule.check-ms", defaultValue = "500")
    long checkMs;
    @Inject
    @ConfigProperty(name = "ains.tasks.schedule.misfire-grace-seconds", defaultValue = "60")
    long graceSeconds;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        jobs.every("schedules", checkMs, this::fireDue);
    }

    public record Definition(String name, String cron, String timeZone, JsonNode task, Boolean enabled,
                             OffsetDateTime startAt, OffsetDateTime endAt, String misfirePolicy) {
    }

    public ScheduleRecord create(Caller caller, Definition d) {
        CronSchedule cron = check(caller, d);
        ScheduleRecord s = record(UUID.randomUUID(), caller.id(), d, cron, null);
        database.inTransactionRun(tx -> store.insert(tx, s));
        LOG.info(() -> "schedule " + s.scheduleId() + " (" + d.cron() + " " + s.timeZone() + ") created by "
                + caller.id() + ", next fire " + s.nextFireAt());
        return store.find(store.db(), s.scheduleId()).orElseThrow();
    }

    public ScheduleRecord update(Caller caller, UUID id, Definition d) {
        ScheduleRecord current = get(caller, id);
        CronSchedule cron = check(caller, d);
        ScheduleRecord s = record(id, current.createdBy(), d, cron, current);
        database.inTransactionRun(tx -> store.update(tx, s));
        return store.find(store.db(), id).orElseThrow();
    }

    public ScheduleRecord get(Caller caller, UUID id) {
        return store.find(store.db(), id).filter(s -> caller.isAdmin() || caller.id().equals(s.createdBy()))
                .orElseThrow(() -> ApiProblem.notFound("schedule", id));
    }

    public void delete(Caller caller, UUID id) {
        get(caller, id);
        store.delete(id);
    }

    public List<ScheduleRecord> list(Caller caller, Cursor after, int limit) {
        return store.list(caller.isAdmin() ? null : caller.id(), after, limit);
    }

    public List<OffsetDateTime> upcoming(ScheduleRecord s, int n) {
        if (!s.enabled() || s.nextFireAt() == null) {
            return List.of();
        }
        List<OffsetDateTime> out = new ArrayList<>(List.of(s.nextFireAt()));
        out.addAll(CronSchedule.parse(s.cron(), s.timeZone()).upcoming(s.nextFireAt(), n - 1, s.endAt()));
        return out;
    }

    private CronSchedule check(Caller caller, Definition d) {
        List<FieldError> errors = new ArrayList<>();
        CronSchedule cron = null;
        try {
            cron = CronSchedule.parse(d.cron(), d.timeZone());
        } catch (IllegalArgumentException e) {
            String[] parts = e.getMessage().split(": ", 2);
            errors.add(new FieldError(parts[0], parts.length > 1 ? parts[1] : e.getMessage()));
        }
        Check check = Check.of().maxLength("name", d.name(), 200)
                .that(d.misfirePolicy() == null || Set.of("skip", "run_once").contains(d.misfirePolicy()),
                        "misfire_policy", "must be skip or run_once")
                .that(d.startAt() == null || d.endAt() == null || d.endAt().isAfter(d.startAt()), "end_at",
                        "must be after start_at")
                .required("task", d.task());
        errors.addAll(check.errors(""));
        if (d.task() != null) {
            Check taskCheck = Check.of();
            TaskService.NewTask n = newTask(d.task());
            taskCheck.that(n.dependsOn() == null || n.dependsOn().isEmpty(), "depends_on",
                    "a scheduled task cannot depend on other tasks");
            tasks.prepare(taskCheck, caller, n, UUID.randomUUID());
            errors.addAll(taskCheck.errors("task."));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return cron;
    }

    private ScheduleRecord record(UUID id, String createdBy, Definition d, CronSchedule cron, ScheduleRecord old) {
        boolean enabled = d.enabled() == null || d.enabled();
        OffsetDateTime next = enabled ? cron.first(OffsetDateTime.now(), d.startAt(), d.endAt()).orElse(null) : null;
        return new ScheduleRecord(id, d.name(), d.cron().trim(), d.timeZone() == null || d.timeZone().isBlank()
                ? "UTC" : d.timeZone(), d.task(), enabled, d.startAt(), d.endAt(),
                d.misfirePolicy() == null ? "skip" : d.misfirePolicy(), next, old == null ? null : old.lastFiredAt(),
                old == null ? null : old.lastTaskId(), old == null ? 0 : old.fireCount(), createdBy,
                old == null ? null : old.createdAt());
    }

    /** One pass: every due schedule, one transaction each. Returns how many ticks fired. */
    public int fireDue() {
        int fired = 0;
        for (int i = 0; i < 50; i++) {
            Optional<Optional<TaskRecord>> handled;
            try {
                handled = database.inTransaction(tx -> store.lockDue(tx).stream().findFirst().map(s -> {
                    var cron = CronSchedule.parse(s.cron(), s.timeZone());
                    var tick = cron.onDue(s.nextFireAt(), OffsetDateTime.now(), Duration.ofSeconds(graceSeconds),
                            "run_once".equals(s.misfirePolicy()), s.endAt());
                    if (!tick.fire()) {
                        store.skipped(tx, s.scheduleId(), tick.next());
                        metrics.counter("ains_schedule_misfires_total", new Tag("policy", s.misfirePolicy())).inc();
                        return Optional.<TaskRecord>empty();
                    }
                    TaskRecord t = tasks.submitInTx(tx, new Caller(s.createdBy(), Set.of(Roles.CLIENT)),
                            newTask(s.task()));
                    store.fired(tx, s.scheduleId(), tick.next(), t.taskId());
                    metrics.counter("ains_schedule_fires_total").inc();
                    LOG.fine(() -> "schedule " + s.scheduleId() + " fired task " + t.taskId() + "; next " + tick.next());
                    return Optional.of(t);
                }));
            } catch (RuntimeException e) {
                LOG.warning(() -> "a schedule tick failed and is tried again: " + e.getMessage());
                break;
            }
            if (handled.isEmpty()) {
                break;
            }
            if (handled.get().isPresent()) {
                fired++;
                TaskRecord t = handled.get().get();
                if (t.assignedAgentId() != null) {
                    signals.signal(t.assignedAgentId());
                }
            }
        }
        return fired;
    }

    static TaskService.NewTask newTask(JsonNode t) {
        return TaskRequests.fromJson(t);
    }
}
