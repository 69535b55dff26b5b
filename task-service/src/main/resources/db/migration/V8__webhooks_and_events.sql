-- Webhooks, their deliveries and attempts, and the event journal behind the live event streams.

-- Every event clients and agents can follow, numbered in commit order: the outbox relay's event sink is
-- its only writer and holds an advisory lock while it writes, so a stream that has read up to seq N has
-- seen every event numbered below N. Pruned after ains.events.retention-hours.
CREATE TABLE events (
    seq         bigserial PRIMARY KEY,
    event_id    uuid NOT NULL UNIQUE,
    event_type  text NOT NULL,
    occurred_at timestamptz NOT NULL,
    task_id     uuid,
    batch_id    uuid,
    agent_id    uuid,
    client_id   text,
    body        text NOT NULL
);
CREATE INDEX events_occurred ON events (occurred_at);

CREATE TABLE webhooks (
    webhook_id                 uuid PRIMARY KEY,
    owner_type                 text NOT NULL CHECK (owner_type IN ('client', 'agent', 'admin')),
    owner_id                   text NOT NULL,
    url                        text NOT NULL,
    events                     text[] NOT NULL,
    secret                     text NOT NULL,
    previous_secret            text,
    previous_secret_expires_at timestamptz,
    enabled                    boolean NOT NULL DEFAULT true,
    description                text,
    consecutive_failures       int NOT NULL DEFAULT 0,
    disabled_at                timestamptz,
    disabled_reason            text,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_owner ON webhooks (owner_id, created_at DESC, webhook_id DESC);

-- One event for one webhook. body is the exact JSON that is signed and sent on every attempt.
CREATE TABLE webhook_deliveries (
    delivery_id      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    webhook_id       uuid NOT NULL REFERENCES webhooks ON DELETE CASCADE,
    event_id         text NOT NULL,
    event_type       text NOT NULL,
    body             text NOT NULL,
    status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    attempt_count    int NOT NULL DEFAULT 0,
    -- a redelivery starts the retry schedule again from here
    schedule_base    int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    occurred_at      timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    first_attempt_at timestamptz,
    delivered_at     timestamptz,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at DESC, delivery_id DESC);

CREATE TABLE webhook_attempts (
    delivery_id      uuid NOT NULL REFERENCES webhook_deliveries ON DELETE CASCADE,
    attempt          int NOT NULL,
    attempted_at     timestamptz NOT NULL,
    response_status  int,
    latency_ms       bigint,
    response_excerpt text,
    error            text,
    PRIMARY KEY (delivery_id, attempt)
);

-- batch.completed fires once per batch, when the sweep finds all its tasks final.
ALTER TABLE batches ADD COLUMN completed_at timestamptz;
UPDATE batches SET completed_at = created_at;
CREATE INDEX batches_open ON batches (created_at) WHERE completed_at IS NULL;
