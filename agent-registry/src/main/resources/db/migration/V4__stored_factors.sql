-- The slow-moving trust factors, kept on the agent row so that an outcome's intake does not recompute
-- them: ratings change with a rating, uptime with time (the refresh job).
ALTER TABLE agents
    ADD COLUMN rating_factor double precision NOT NULL DEFAULT 0.5,
    ADD COLUMN uptime_factor double precision NOT NULL DEFAULT 0.5;
