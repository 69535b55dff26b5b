-- Daily rollups of task_facts, so that a report over a long range sums a few thousand rollup rows instead
-- of reading every task. A report over [from, to) reads whole UTC days from task_rollup and the partial
-- days at either end from task_facts (report_rows below); both go through fact_measures, so a task counts
-- the same whichever side it is read from.
--
-- The rollup is keyed by the task's creation day and everything the reports group by. Execution times
-- are kept as a log-scale histogram (exec_bucket, 25% wide buckets) with the sum of times per bucket, so a
-- p95 is the mean of the bucket that holds the 95th percentile: within that bucket's width of the truth.

-- Bucket k holds execution times in (1.25^(k-1), 1.25^k] ms; 0 holds ≤ 1 ms.
CREATE FUNCTION exec_bucket(ms bigint) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN ms IS NULL THEN NULL WHEN ms <= 1 THEN 0 ELSE ceil(ln(ms) / ln(1.25))::smallint END;

CREATE TABLE task_rollup (
    day             timestamptz NOT NULL, -- UTC midnight of the tasks' created_at
    created_by      text,
    task_type       text,
    agent_id        uuid,
    status          text        NOT NULL,
    currency        text,                 -- set for completed tasks with a price
    exec_bucket     smallint,             -- set for completed tasks with an execution time
    tasks           bigint      NOT NULL,
    failed_attempts bigint      NOT NULL,
    retries         bigint      NOT NULL, -- attempts beyond the first
    retried         bigint      NOT NULL, -- tasks with more than one attempt
    exec_ms_sum     bigint      NOT NULL,
    wait_ms_sum     bigint      NOT NULL, -- created → first assigned
    waited          bigint      NOT NULL,
    cost_sum        bigint      NOT NULL,
    CONSTRAINT task_rollup_key UNIQUE NULLS NOT DISTINCT
        (day, created_by, task_type, agent_id, status, currency, exec_bucket)
);
CREATE INDEX task_rollup_creator ON task_rollup (created_by, day);

-- What one task contributes to the reports: its rollup key and measures. The one definition used by the
-- rollup's maintenance (old contribution out, new in), its rebuild, and the partial days of a report.
CREATE FUNCTION fact_measures(f task_facts)
    RETURNS TABLE (day timestamptz, created_by text, task_type text, agent_id uuid, status text, currency text,
                   exec_bucket smallint, tasks bigint, failed_attempts bigint, retries bigint, retried bigint,
                   exec_ms_sum bigint, wait_ms_sum bigint, waited bigint, cost_sum bigint)
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT date_trunc('day', f.created_at, 'UTC'), f.created_by, f.task_type, f.agent_id, f.status,
        CASE WHEN f.status = 'COMPLETED' AND f.cost IS NOT NULL THEN coalesce(f.currency, 'USD') END,
        CASE WHEN f.status = 'COMPLETED' THEN exec_bucket(f.execution_ms) END,
        1::bigint, f.failed_attempts::bigint, greatest(f.attempts - 1, 0)::bigint,
        CASE WHEN f.attempts > 1 THEN 1 ELSE 0 END::bigint,
        CASE WHEN f.status = 'COMPLETED' THEN coalesce(f.execution_ms, 0) ELSE 0 END::bigint,
        coalesce(round(extract(epoch FROM f.first_assigned_at - f.created_at) * 1000), 0)::bigint,
        CASE WHEN f.first_assigned_at IS NOT NULL THEN 1 ELSE 0 END::bigint,
        CASE WHEN f.status = 'COMPLETED' THEN coalesce(f.cost, 0) ELSE 0 END::bigint
    WHERE f.created_at IS NOT NULL
$$;

-- Rebuilds the whole rollup from the facts (used here for the facts already stored, and by an operator
-- after repairing facts by hand).
CREATE FUNCTION rebuild_task_rollup() RETURNS bigint
    LANGUAGE sql
AS $$
    DELETE FROM task_rollup;
    INSERT INTO task_rollup
    SELECT m.day, m.created_by, m.task_type, m.agent_id, m.status, m.currency, m.exec_bucket, sum(m.tasks),
        sum(m.failed_attempts), sum(m.retries), sum(m.retried), sum(m.exec_ms_sum), sum(m.wait_ms_sum),
        sum(m.waited), sum(m.cost_sum)
    FROM task_facts f, fact_measures(f) m
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
    SELECT count(*) FROM task_rollup;
$$;
SELECT rebuild_task_rollup();

-- Every report's input for tasks created in [p_from, p_to) of one creator (or all, when null): rollup
-- rows for the whole UTC days inside the range, fact rows for the partial days at its ends.
CREATE FUNCTION report_rows(p_from timestamptz, p_to timestamptz, p_creator text)
    RETURNS TABLE (day timestamptz, created_by text, task_type text, agent_id uuid, status text, currency text,
                   exec_bucket smallint, tasks bigint, failed_attempts bigint, retries bigint, retried bigint,
                   exec_ms_sum bigint, wait_ms_sum bigint, waited bigint, cost_sum bigint)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    lo timestamptz := date_trunc('day', p_from, 'UTC');
    hi timestamptz := date_trunc('day', p_to, 'UTC');
BEGIN
    IF lo < p_from THEN
        lo := lo + interval '1 day';
    END IF;
    IF lo >= hi THEN -- no whole day inside: everything from the facts
        lo := p_to;
        hi := p_to;
    END IF;
    RETURN QUERY
        SELECT r.day, r.created_by, r.task_type, r.agent_id, r.status, r.currency, r.exec_bucket, r.tasks,
            r.failed_attempts, r.retries, r.retried, r.exec_ms_sum, r.wait_ms_sum, r.waited, r.cost_sum
        FROM task_rollup r
        WHERE r.day >= lo AND r.day < hi AND (p_creator IS NULL OR r.created_by = p_creator)
        UNION ALL
        SELECT m.* FROM task_facts f, fact_measures(f) m
        WHERE f.created_at >= p_from AND f.created_at < lo AND (p_creator IS NULL OR f.created_by = p_creator)
        UNION ALL
        SELECT m.* FROM task_facts f, fact_measures(f) m
        WHERE f.created_at >= hi AND f.created_at < p_to AND (p_creator IS NULL OR f.created_by = p_creator);
END
$$;
