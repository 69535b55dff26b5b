-- When the award job last finished a pass (any replica), and the latest gap without passes long
-- enough to count as an outage: an unanswered auction whose window that gap cut into did not give its
-- invitees the time it promised, and gets its window once more (docs/economy.md).
CREATE TABLE job_heartbeats (
    job         text PRIMARY KEY,
    last_run_at timestamptz NOT NULL,
    outage_from timestamptz,
    outage_to   timestamptz
);
