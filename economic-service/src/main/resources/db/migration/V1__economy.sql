-- Ledger accounts in integer minor units. Owned by economic-service. Transfers, escrows, auctions
-- and bids arrive with the economy issue, as further migrations.
CREATE TABLE accounts (
    owner_id   text PRIMARY KEY,
    currency   text   NOT NULL DEFAULT 'USD',
    available  bigint NOT NULL DEFAULT 0,
    pending    bigint NOT NULL DEFAULT 0 CHECK (pending >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
