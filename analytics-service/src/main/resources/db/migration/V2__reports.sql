-- What the reports need beyond the first cut: the price of auctioned tasks, when a task was first
-- assigned (wait time), and indexes for the per-agent and per-type reports and the trends.
ALTER TABLE task_events
    ADD COLUMN cost     bigint,
    ADD COLUMN currency text;
ALTER TABLE task_facts
    ADD COLUMN cost              bigint,
    ADD COLUMN currency          text,
    ADD COLUMN first_assigned_at timestamptz;
CREATE INDEX task_facts_completed ON task_facts (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX task_facts_agent ON task_facts (agent_id, created_at);
