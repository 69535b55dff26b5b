-- Reputation: who each outcome was for (anti-gaming weights), client ratings, earnings from settled
-- payments (economic-service), and the rank score that orders the leaderboard.
ALTER TABLE trust_records
    ADD COLUMN client_id text,
    ADD COLUMN weight    double precision NOT NULL DEFAULT 1;
CREATE INDEX trust_records_pair ON trust_records (agent_id, client_id);
CREATE INDEX trust_records_task ON trust_records (task_id);

ALTER TABLE agents ADD COLUMN rank_score double precision NOT NULL DEFAULT 0;
UPDATE agents SET rank_score = trust_score - 0.6 * 1.96 * sqrt(0.25 / 5);
CREATE INDEX agents_rank ON agents (rank_score DESC);

-- One rating per task, by its client, of the agent that completed it.
CREATE TABLE ratings (
    task_id    uuid PRIMARY KEY,
    agent_id   uuid NOT NULL REFERENCES agents (agent_id) ON DELETE CASCADE,
    client_id  text NOT NULL,
    stars      int  NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment    text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ratings_agent ON ratings (agent_id);

CREATE TABLE earnings (
    agent_id uuid   NOT NULL REFERENCES agents (agent_id) ON DELETE CASCADE,
    currency text   NOT NULL,
    amount   bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (agent_id, currency)
);
-- The settlement events already counted (the intake is idempotent by event id).
CREATE TABLE earning_events (
    event_id    uuid PRIMARY KEY,
    agent_id    uuid   NOT NULL,
    amount      bigint NOT NULL,
    currency    text   NOT NULL,
    escrow_id   text,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
