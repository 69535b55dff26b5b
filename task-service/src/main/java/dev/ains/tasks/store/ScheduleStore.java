package dev.ains.tasks.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.ains.kit.db.Database;
import dev.ains.kit.json.Json;
import dev.ains.kit.store.Cursor;
import dev.ains.kit.store.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Schedules' data access; the statements are in {@code db/statements.yaml}. */
@ApplicationScoped
public class ScheduleStore {
    @Inject
    Database database;

    public DbExecute db() {
        return database.client().execute();
    }

    public void insert(DbExecute tx, ScheduleRecord s) {
        tx.namedInsert("insert-schedule", s.scheduleId(), s.name(), s.cron(), s.timeZone(), Json.write(s.task()),
                s.enabled(), Rows.ts(s.startAt()), Rows.ts(s.endAt()), s.misfirePolicy(), Rows.ts(s.nextFireAt()),
                s.createdBy());
    }

    public long update(DbExecute tx, ScheduleRecord s) {
        return tx.namedUpdate("update-schedule", s.name(), s.cron(), s.timeZone(), Json.write(s.task()), s.enabled(),
                Rows.ts(s.startAt()), Rows.ts(s.endAt()), s.misfirePolicy(), Rows.ts(s.nextFireAt()), s.scheduleId());
    }

    public Optional<ScheduleRecord> find(DbExecute exec, UUID id) {
        return exec.namedGet("select-schedule", id).map(ScheduleStore::schedule);
    }

    public long delete(UUID id) {
        return db().namedDelete("delete-schedule", id);
    }

    public List<ScheduleRecord> list(String creator, Cursor after, int limit) {
        var at = after == null ? null : Rows.ts(after.at());
        var id = after == null ? null : after.uuid();
        return db().namedQuery("list-schedules", creator, creator, at, at, id, limit).map(ScheduleStore::schedule)
                .toList();
    }

    public List<ScheduleRecord> lockDue(DbExecute tx) {
        return tx.namedQuery("lock-due-schedules").map(ScheduleStore::schedule).toList();
    }

    public void fired(DbExecute tx, UUID id, OffsetDateTime next, UUID taskId) {
        tx.namedUpdate("schedule-fired", Rows.ts(next), taskId, id);
    }

    public void skipped(DbExecute tx, UUID id, OffsetDateTime next) {
        tx.namedUpdate("schedule-skipped", Rows.ts(next), id);
    }

    private static ScheduleRecord schedule(DbRow r) {
        return new ScheduleRecord(Rows.uuid(r, "schedule_id"), Rows.string(r, "name"), Rows.string(r, "cron"),
                Rows.string(r, "time_zone"), Json.tree(Rows.string(r, "task_text")), Rows.bool(r, "enabled"),
                Rows.time(r, "start_at"), Rows.time(r, "end_at"), Rows.string(r, "misfire_policy"),
                Rows.time(r, "next_fire_at"), Rows.time(r, "last_fired_at"), Rows.uuid(r, "last_task_id"),
                r.column("fire_count").getLong(), Rows.string(r, "created_by"), Rows.time(r, "created_at"));
    }
}
