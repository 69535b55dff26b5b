-- The double-entry ledger. Money moves only as transfers (one debit, one credit, immutable); an
-- escrow's funds sit in the escrow holding account of its currency until they are paid out or
-- returned. Balances are kept on the account rows (updated under row locks taken in account_id order)
-- and can always be recomputed from the transfers: GET /economy/ledger/check does exactly that.

-- The foundation's placeholder table never held money.
DROP TABLE accounts;

CREATE TABLE accounts (
    account_id      bigserial PRIMARY KEY,
    owner_id        text   NOT NULL,
    currency        text   NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- owner: a client or an agent; fees: the platform's fee income; external: where deposits come
    -- from (the only account that may go below zero); escrow: funds held in open escrows
    kind            text   NOT NULL CHECK (kind IN ('owner', 'fees', 'external', 'escrow')),
    balance         bigint NOT NULL DEFAULT 0,
    -- what this owner has in open escrows it pays (already moved out of balance into escrow)
    held            bigint NOT NULL DEFAULT 0 CHECK (held >= 0),
    may_go_negative boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_id, currency),
    CHECK (may_go_negative OR balance >= 0)
);

CREATE TABLE transfers (
    transfer_id          text PRIMARY KEY,
    seq                  bigserial UNIQUE,
    debit_account        bigint NOT NULL REFERENCES accounts,
    credit_account       bigint NOT NULL REFERENCES accounts,
    amount               bigint NOT NULL CHECK (amount > 0),
    currency             text   NOT NULL,
    code                 text   NOT NULL,
    escrow_id            text,
    debit_balance_after  bigint NOT NULL,
    credit_balance_after bigint NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (debit_account <> credit_account)
);
CREATE INDEX transfers_debit ON transfers (debit_account, seq DESC);
CREATE INDEX transfers_credit ON transfers (credit_account, seq DESC);
CREATE INDEX transfers_escrow ON transfers (escrow_id) WHERE escrow_id IS NOT NULL;

-- Two-phase transfers from a payer to a payee: PENDING (held), then POSTED (paid out in full or in
-- part, less the fee; the rest returned) or VOIDED (all returned), exactly once.
CREATE TABLE escrows (
    escrow_id       text PRIMARY KEY,
    payer_id        text   NOT NULL,
    payee_id        text   NOT NULL,
    amount          bigint NOT NULL CHECK (amount > 0),
    currency        text   NOT NULL,
    task_id         uuid,
    status          text   NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'POSTED', 'VOIDED')),
    posted_amount   bigint,
    fee             bigint,
    returned_amount bigint,
    resolved_by     text,
    reason          text,
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    CHECK (payer_id <> payee_id)
);
CREATE INDEX escrows_expiring ON escrows (expires_at) WHERE status = 'PENDING';
