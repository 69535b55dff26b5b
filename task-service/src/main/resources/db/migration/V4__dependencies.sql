-- Task dependencies: a task waits BLOCKED until every task it depends on has completed.
ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check CHECK (status IN
    ('BLOCKED', 'QUEUED', 'ASSIGNED', 'RUNNING', 'RETRY_WAIT', 'COMPLETED', 'DEAD_LETTERED', 'CANCELLED'));

CREATE TABLE task_dependencies (
    task_id    uuid NOT NULL REFERENCES tasks (task_id) ON DELETE CASCADE,
    depends_on uuid NOT NULL REFERENCES tasks (task_id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, depends_on)
);
CREATE INDEX task_dependencies_on ON task_dependencies (depends_on);
CREATE INDEX tasks_blocked ON tasks (task_id) WHERE status = 'BLOCKED';
