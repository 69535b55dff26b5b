-- The price an auction's winner is paid (analytics counts it as the task's cost).
ALTER TABLE tasks ADD COLUMN auction_price bigint;
