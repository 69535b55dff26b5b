-- Things an agent must hear about at its next claim: today, cancellations of tasks it held.
CREATE TABLE agent_notices (
    id         bigserial PRIMARY KEY,
    agent_id   uuid NOT NULL,
    task_id    uuid NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('cancelled')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_notices_agent ON agent_notices (agent_id, id);
