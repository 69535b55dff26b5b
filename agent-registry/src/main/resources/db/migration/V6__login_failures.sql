-- Failed token requests per client id, for slowing and then locking out secret guessing (#12). One row
-- per client id that failed lately; a success or an expired window removes it. Shared by every registry
-- replica, so a guesser gains nothing by spreading attempts across them.
CREATE TABLE login_failures (
    client_id       text PRIMARY KEY,
    failures        integer NOT NULL,
    first_failed_at timestamptz NOT NULL,
    locked_until    timestamptz
);
