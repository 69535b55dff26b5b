-- The queue-depth gauges of a long queue come from the planner's estimate per priority (counting a million
-- queued tasks every scrape would cost more than the tasks). Statistics on status and priority together
-- make that estimate follow the real mix instead of assuming the two columns independent.
CREATE STATISTICS tasks_status_priority (mcv) ON status, priority FROM tasks;
