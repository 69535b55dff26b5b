package dev.ains.tasks.lifecycle;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

/**
 * A cron expression read in a time zone (parsed by cron-utils): five fields (minute hour day-of-month
 * month day-of-week) or six with seconds first. Knows the next fire times and what to do with a tick
 * that came due — fire it, or, when it was missed by more than the grace period, skip it or fire once
 * to catch up.
 */
public final class CronSchedule {
    private static final CronParser FIVE = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser SIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

    private final ExecutionTime execution;
    private final ZoneId zone;

    private CronSchedule(ExecutionTime execution, ZoneId zone) {
        this.execution = execution;
        this.zone = zone;
    }

    /** @throws IllegalArgumentException naming what is wrong with the expression or the zone */
    public static CronSchedule parse(String expression, String timeZone) {
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone == null || timeZone.isBlank() ? "UTC" : timeZone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("time_zone: unknown time zone '" + timeZone + "'");
        }
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("cron: is required");
        }
        int fields = expression.trim().split("\\s+").length;
        if (fields != 5 && fields != 6) {
            throw new IllegalArgumentException("cron: needs 5 fields (or 6 with seconds first), got " + fields);
        }
        try {
            var cron = (fields == 5 ? FIVE : SIX).parse(expression.trim()).validate();
            return new CronSchedule(ExecutionTime.forCron(cron), zone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cron: " + e.getMessage());
        }
    }

    /** The first fire time strictly after {@code t}. */
    public Optional<OffsetDateTime> nextAfter(OffsetDateTime t) {
        return execution.nextExecution(t.atZoneSameInstant(zone))
                .map(z -> z.toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC));
    }

    /** The first fire time at or after {@code start} (or after now), up to {@code end}; empty when none. */
    public Optional<OffsetDateTime> first(OffsetDateTime now, OffsetDateTime start, OffsetDateTime end) {
        OffsetDateTime from = start != null && start.isAfter(now) ? start.minusNanos(1) : now;
        return nextAfter(from).filter(t -> end == null || !t.isAfter(end));
    }

    public List<OffsetDateTime> upcoming(OffsetDateTime from, int n, OffsetDateTime end) {
        List<OffsetDateTime> out = new ArrayList<>();
        OffsetDateTime t = from;
        while (out.size() < n) {
            Optional<OffsetDateTime> next = nextAfter(t);
            if (next.isEmpty() || (end != null && next.get().isAfter(end))) {
                break;
            }
            out.add(next.get());
            t = next.get();
        }
        return out;
    }

    /** What to do with a tick that came due at {@code due}; {@code next} is null when the schedule ends. */
    public record Tick(boolean fire, boolean missed, OffsetDateTime next) {
    }

    public Tick onDue(OffsetDateTime due, OffsetDateTime now, Duration grace, boolean runOnceWhenMissed,
                      OffsetDateTime end) {
        boolean missed = Duration.between(due, now).compareTo(grace) > 0;
        // an on-time tick moves to the next tick after it (a due one fires on the next pass); missed
        // ticks collapse: the schedule resumes with the first tick after now
        OffsetDateTime next = nextAfter(missed ? now : due).filter(t -> end == null || !t.isAfter(end)).orElse(null);
        return new Tick(!missed || runOnceWhenMissed, missed, next);
    }
}
