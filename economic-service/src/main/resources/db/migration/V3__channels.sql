-- Payment channels: a client locks a deposit for one agent (an escrow named channel:<id>), then pays for
-- each task with a signed-off cumulative amount under a strictly increasing nonce; no money moves until
-- the channel is settled, which pays the agent the last cumulative amount (less the fee) and returns
-- the rest. A channel past its expiry is settled the same way, so the agent keeps what it was promised.
CREATE TABLE channels (
    channel_id        text PRIMARY KEY,
    client_id         text   NOT NULL,
    agent_id          text   NOT NULL,
    deposit           bigint NOT NULL CHECK (deposit > 0),
    currency          text   NOT NULL,
    status            text   NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'SETTLED')),
    nonce             bigint NOT NULL DEFAULT 0,
    cumulative_amount bigint NOT NULL DEFAULT 0,
    settled_by        text,
    expires_at        timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    settled_at        timestamptz,
    CHECK (cumulative_amount BETWEEN 0 AND deposit)
);
CREATE INDEX channels_expiring ON channels (expires_at) WHERE status = 'OPEN';
