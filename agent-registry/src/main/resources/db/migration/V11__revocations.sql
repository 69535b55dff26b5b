-- What the registry has revoked (#12), read by every service about once a second (GET /ains/internal/revocations)
-- so that a revoked token, a client's older tokens or a deactivated agent's key is refused everywhere within
-- seconds. An entry is kept until nothing it names can still be valid (expires_at).
CREATE TABLE revocations (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('token', 'subject', 'agent')),
    subject       text NOT NULL,
    jti           text,
    issued_before timestamptz,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX revocations_recorded ON revocations (recorded_at);
