-- The fair queue's deficit (who was served lately, per capability) counted every attempt in history and
-- looked up each recent one's task: 72 ms per dispatcher pass beside a million queued tasks (#11). Each
-- attempt now carries its task's capability and client, so the count reads only the capability's attempts
-- of the ageing window. Earlier attempts keep NULLs: the window is a minute long, so they stop mattering
-- within a minute of the upgrade, and no backfill has to rewrite the table.
ALTER TABLE task_attempts ADD COLUMN capability text, ADD COLUMN created_by text;
CREATE INDEX task_attempts_served ON task_attempts (capability, assigned_at);
