-- Principals, agents, liveness and trust. Owned by agent-registry; no other service reads these tables.
CREATE TABLE clients (
    client_id   text PRIMARY KEY,
    name        text NOT NULL,
    secret_hash text NOT NULL,
    roles       text NOT NULL,           -- comma-separated
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
    agent_id                   uuid PRIMARY KEY,
    name                       text NOT NULL,
    owner                      text NOT NULL,
    description                text,
    max_concurrency            int  NOT NULL CHECK (max_concurrency > 0),
    heartbeat_interval_seconds int  NOT NULL CHECK (heartbeat_interval_seconds > 0),
    endpoint_url               text,
    metadata                   jsonb NOT NULL DEFAULT '{}'::jsonb,
    api_key_hash               text NOT NULL UNIQUE,
    status                     text NOT NULL CHECK (status IN ('ONLINE', 'OFFLINE', 'DEACTIVATED')),
    last_heartbeat_at          timestamptz,
    trust_score                double precision NOT NULL,
    trust_successes            double precision NOT NULL DEFAULT 0,
    trust_failures             double precision NOT NULL DEFAULT 0,
    trust_on_time              double precision NOT NULL DEFAULT 0,
    trust_outcomes             bigint NOT NULL DEFAULT 0,
    trust_updated_at           timestamptz,
    created_by                 text NOT NULL,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agents_created ON agents (created_at DESC, agent_id DESC);
CREATE INDEX agents_online ON agents (last_heartbeat_at) WHERE status = 'ONLINE';

CREATE TABLE agent_capabilities (
    agent_id uuid NOT NULL REFERENCES agents (agent_id) ON DELETE CASCADE,
    name     text NOT NULL,
    version  text,
    PRIMARY KEY (agent_id, name)
);
CREATE INDEX agent_capabilities_name ON agent_capabilities (name, agent_id);

-- Every status change, for "when did this agent go offline?".
CREATE TABLE agent_status_changes (
    id          bigserial PRIMARY KEY,
    agent_id    uuid NOT NULL REFERENCES agents (agent_id) ON DELETE CASCADE,
    from_status text,
    to_status   text NOT NULL,
    reason      text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_status_changes_agent ON agent_status_changes (agent_id, id DESC);

-- One row per outcome that moved an agent's trust; event_id makes the intake idempotent.
CREATE TABLE trust_records (
    id           bigserial PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    agent_id     uuid NOT NULL REFERENCES agents (agent_id) ON DELETE CASCADE,
    task_id      uuid,
    outcome      text NOT NULL,
    execution_ms bigint,
    promised_ms  bigint,
    score_before double precision NOT NULL,
    score_after  double precision NOT NULL,
    occurred_at  timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trust_records_agent ON trust_records (agent_id, id DESC);
