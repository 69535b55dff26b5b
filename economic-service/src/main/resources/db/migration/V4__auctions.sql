-- Auctions (Contract-Net shaped) for tasks with a budget, the clients' award preferences, and the
-- outbox that tells task-service how each auction ended.
CREATE TABLE preferences (
    client_id          text PRIMARY KEY,
    weight_price       double precision NOT NULL DEFAULT 1 CHECK (weight_price >= 0),
    weight_performance double precision NOT NULL DEFAULT 1 CHECK (weight_performance >= 0),
    weight_speed       double precision NOT NULL DEFAULT 1 CHECK (weight_speed >= 0),
    weight_reputation  double precision NOT NULL DEFAULT 1 CHECK (weight_reputation >= 0),
    max_price          bigint,
    min_confidence     double precision,
    max_eta_seconds    int,
    min_reputation     double precision,
    free_only          boolean NOT NULL DEFAULT false,
    no_bid_policy      text NOT NULL DEFAULT 'route' CHECK (no_bid_policy IN ('route', 'fail')),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- One auction per task (auction_id = task_id).
CREATE TABLE auctions (
    auction_id      uuid PRIMARY KEY,
    client_id       text   NOT NULL,
    capability      text   NOT NULL,
    task_type       text,
    budget          bigint NOT NULL CHECK (budget >= 0),
    currency        text   NOT NULL,
    status          text   NOT NULL DEFAULT 'OPEN'
                    CHECK (status IN ('OPEN', 'AWARDED', 'NO_BIDS', 'FAILED', 'CANCELLED')),
    deadline        timestamptz NOT NULL,
    invited_count   int    NOT NULL,
    winner_agent_id uuid,
    price           bigint,
    escrow_id       text,
    outcome_reason  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    awarded_at      timestamptz
);
CREATE INDEX auctions_due ON auctions (deadline) WHERE status = 'OPEN';
CREATE INDEX auctions_client ON auctions (client_id, created_at DESC, auction_id DESC);

CREATE TABLE auction_invitations (
    auction_id  uuid NOT NULL REFERENCES auctions,
    agent_id    uuid NOT NULL,
    trust_score double precision NOT NULL,
    PRIMARY KEY (auction_id, agent_id)
);
CREATE INDEX auction_invitations_agent ON auction_invitations (agent_id);

-- One live bid (or refusal) per invited agent, replaceable until the award; the award writes each
-- bid's score or why it was left out, so "why did this agent win?" can always be answered.
CREATE TABLE bids (
    auction_id      uuid NOT NULL REFERENCES auctions,
    agent_id        uuid NOT NULL,
    price           bigint CHECK (price >= 0),
    eta_seconds     int CHECK (eta_seconds > 0),
    confidence      double precision CHECK (confidence BETWEEN 0 AND 1),
    declined        boolean NOT NULL DEFAULT false,
    score           double precision,
    excluded_reason text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (auction_id, agent_id)
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
