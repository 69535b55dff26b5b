-- Cron schedules. next_fire_at is moved in the same transaction that submits a tick's task, under the
-- schedule's row lock: each tick fires once, whatever the number of replicas, across restarts.
CREATE TABLE schedules (
    schedule_id    uuid PRIMARY KEY,
    name           text,
    cron           text NOT NULL,
    time_zone      text NOT NULL,
    task_json      jsonb NOT NULL,
    enabled        boolean NOT NULL,
    start_at       timestamptz,
    end_at         timestamptz,
    misfire_policy text NOT NULL CHECK (misfire_policy IN ('skip', 'run_once')),
    next_fire_at   timestamptz,
    last_fired_at  timestamptz,
    last_task_id   uuid,
    fire_count     bigint NOT NULL DEFAULT 0,
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE enabled;
CREATE INDEX schedules_creator ON schedules (created_by, created_at DESC, schedule_id DESC);
