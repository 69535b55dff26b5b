-- Rotation with a grace period (#12): the secret or key that was replaced keeps working until its time
-- is up, so that the processes using it can be moved over without a failed request; a grace of zero
-- revokes it at once.
ALTER TABLE clients ADD COLUMN previous_secret_hash text, ADD COLUMN previous_secret_until timestamptz;
ALTER TABLE agents ADD COLUMN previous_key_hash text, ADD COLUMN previous_key_until timestamptz;
CREATE INDEX agents_previous_key ON agents (previous_key_hash) WHERE previous_key_hash IS NOT NULL;
