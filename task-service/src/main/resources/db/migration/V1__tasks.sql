-- Tasks, their attempts and routing decisions, agent load, idempotency keys and the outbox.
-- Owned by task-service; no other service reads these tables.
CREATE TABLE tasks (
    task_id           uuid PRIMARY KEY,
    task_type         text NOT NULL,
    capability        text NOT NULL,
    input_data        jsonb NOT NULL DEFAULT '{}'::jsonb,
    priority          int  NOT NULL CHECK (priority BETWEEN 1 AND 10),
    timeout_seconds   int  NOT NULL CHECK (timeout_seconds > 0),
    max_retries       int  NOT NULL CHECK (max_retries >= 0),
    min_trust         double precision NOT NULL DEFAULT 0,
    status            text NOT NULL CHECK (status IN
                        ('QUEUED', 'ASSIGNED', 'RUNNING', 'RETRY_WAIT', 'COMPLETED', 'DEAD_LETTERED', 'CANCELLED')),
    assigned_agent_id uuid,
    attempt_count     int  NOT NULL DEFAULT 0,
    claimed_at        timestamptz,
    lease_expires_at  timestamptz,
    next_attempt_at   timestamptz,
    result            jsonb,
    error             text,
    cancel_reason     text,
    cancelled_by      text,
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    completed_at      timestamptz,
    execution_ms      bigint
);
-- The routing queue: waiting tasks per capability, best first.
CREATE INDEX tasks_queued ON tasks (capability, priority DESC, created_at) WHERE status = 'QUEUED';
-- Claims: an agent's routed, not yet claimed tasks.
CREATE INDEX tasks_to_claim ON tasks (assigned_agent_id, priority DESC, created_at)
    WHERE status = 'ASSIGNED' AND claimed_at IS NULL;
-- Leases of held tasks.
CREATE INDEX tasks_held ON tasks (lease_expires_at) WHERE status IN ('ASSIGNED', 'RUNNING');
CREATE INDEX tasks_retry_due ON tasks (next_attempt_at) WHERE status = 'RETRY_WAIT';
CREATE INDEX tasks_created ON tasks (created_at DESC, task_id DESC);
CREATE INDEX tasks_creator ON tasks (created_by, created_at DESC, task_id DESC);

CREATE TABLE task_attempts (
    task_id        uuid NOT NULL REFERENCES tasks (task_id) ON DELETE CASCADE,
    attempt_no     int  NOT NULL,
    agent_id       uuid NOT NULL,
    outcome        text NOT NULL DEFAULT 'PENDING',
    assigned_at    timestamptz NOT NULL DEFAULT now(),
    claimed_at     timestamptz,
    started_at     timestamptz,
    ended_at       timestamptz,
    error          text,
    retryable      boolean,
    retry_delay_ms bigint,
    PRIMARY KEY (task_id, attempt_no)
);

CREATE TABLE routing_decisions (
    id              bigserial PRIMARY KEY,
    task_id         uuid NOT NULL REFERENCES tasks (task_id) ON DELETE CASCADE,
    decided_at      timestamptz NOT NULL DEFAULT now(),
    chosen_agent_id uuid,
    reason          text NOT NULL,
    candidates      jsonb NOT NULL
);
CREATE INDEX routing_decisions_task ON routing_decisions (task_id, id);

-- Tasks each agent holds (ASSIGNED or RUNNING). A slot is taken with one conditional UPDATE, so two
-- replicas can never push an agent past its max_concurrency.
CREATE TABLE agent_load (
    agent_id uuid PRIMARY KEY,
    active   int NOT NULL DEFAULT 0 CHECK (active >= 0)
);

CREATE TABLE idempotency_keys (
    caller       text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    task_id      uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, key)
);

CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    event_id        uuid NOT NULL,
    destination     text NOT NULL,
    event_type      text NOT NULL,
    occurred_at     timestamptz NOT NULL,
    payload         jsonb NOT NULL,
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id);
