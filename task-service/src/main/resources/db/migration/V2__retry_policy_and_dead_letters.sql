-- Per-task retry policy, a retry budget that a redrive renews, and the dead-letter listing's index.
ALTER TABLE tasks
    ADD COLUMN retry_strategy text NOT NULL DEFAULT 'exponential'
        CHECK (retry_strategy IN ('exponential', 'linear', 'fixed')),
    ADD COLUMN retry_base_ms  bigint NOT NULL DEFAULT 1000 CHECK (retry_base_ms >= 0),
    ADD COLUMN retry_cap_ms   bigint NOT NULL DEFAULT 60000 CHECK (retry_cap_ms >= retry_base_ms),
    ADD COLUMN retry_jitter   double precision NOT NULL DEFAULT 0.2 CHECK (retry_jitter >= 0 AND retry_jitter < 1),
    -- attempts made before the last redrive: the budget counts attempts since then
    ADD COLUMN attempts_base  int NOT NULL DEFAULT 0;

CREATE INDEX tasks_dead_lettered ON tasks (completed_at DESC, task_id DESC) WHERE status = 'DEAD_LETTERED';
