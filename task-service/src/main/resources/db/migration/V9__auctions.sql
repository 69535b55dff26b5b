-- Tasks with a budget are put out to auction (economic-service) before they are routed.
ALTER TABLE tasks
    ADD COLUMN budget            bigint CHECK (budget >= 0),
    ADD COLUMN currency          text,
    ADD COLUMN auction_seconds   int,
    -- the auction's winner: the only agent the task is routed to
    ADD COLUMN auction_winner_id uuid;
ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check CHECK (status IN
    ('AUCTIONING', 'BLOCKED', 'QUEUED', 'ASSIGNED', 'RUNNING', 'RETRY_WAIT', 'COMPLETED', 'DEAD_LETTERED',
     'CANCELLED'));
