-- An agent's load is the number of tasks it holds (ASSIGNED or RUNNING), counted from the tasks
-- themselves, instead of a counter row per agent (#11). Every completion, failure and cancellation had to
-- update that one row and kept it locked until its commit, so one agent's completions queued behind each
-- other and routing to the agent queued behind all of them. Routing now takes a per-agent advisory lock
-- and counts; a task that ends frees its slot by ending.
CREATE INDEX tasks_held_by_agent ON tasks (assigned_agent_id) WHERE status IN ('ASSIGNED', 'RUNNING');
DROP TABLE agent_load;
