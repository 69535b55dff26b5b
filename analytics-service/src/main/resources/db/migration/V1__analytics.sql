-- An append-only copy of task events (idempotent by event id) and one fact row per task built from
-- them. Owned by analytics-service.
CREATE TABLE task_events (
    event_id        uuid PRIMARY KEY,
    event_type      text NOT NULL,
    task_id         uuid NOT NULL,
    task_type       text,
    capability      text,
    priority        int,
    status          text,
    agent_id        uuid,
    attempt         int,
    execution_ms    bigint,
    error           text,
    created_by      text,
    task_created_at timestamptz,
    occurred_at     timestamptz NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_events_task ON task_events (task_id);
CREATE INDEX task_events_time ON task_events (occurred_at);

CREATE TABLE task_facts (
    task_id         uuid PRIMARY KEY,
    task_type       text,
    capability      text,
    created_by      text,
    created_at      timestamptz,
    status          text NOT NULL,
    status_at       timestamptz NOT NULL,
    agent_id        uuid,
    attempts        int NOT NULL DEFAULT 0,
    failed_attempts int NOT NULL DEFAULT 0,
    execution_ms    bigint,
    completed_at    timestamptz
);
CREATE INDEX task_facts_created ON task_facts (created_at);
CREATE INDEX task_facts_creator ON task_facts (created_by, created_at);
