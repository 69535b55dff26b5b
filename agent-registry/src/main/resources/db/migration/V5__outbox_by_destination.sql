-- The outbox is a queue: rows are inserted and deleted all day. Measured under load (#11, pg_stat_statements
-- and pg_stat_user_tables): the relay's claim read ~1,500 index entries per pass through (next_attempt_at, id),
-- mostly of other destinations' rows and of dead rows autovacuum had not yet removed (19,000 dead beside
-- 181 live), 28 ms a pass on average and 600 ms at worst. Each destination's claim now reads its own rows
-- in id order, and the table is vacuumed after every thousand deletions instead of a fifth of its size.
CREATE INDEX outbox_destination ON outbox (destination, id);
ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);
