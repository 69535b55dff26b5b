-- Batches: many tasks submitted together, inserted with one statement.
CREATE TABLE batches (
    batch_id   uuid PRIMARY KEY,
    created_by text NOT NULL,
    size       int  NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tasks
    ADD COLUMN batch_id    uuid REFERENCES batches (batch_id),
    ADD COLUMN batch_index int,
    ADD COLUMN batch_key   text;
CREATE INDEX tasks_batch ON tasks (batch_id, batch_index) WHERE batch_id IS NOT NULL;
