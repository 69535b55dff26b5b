-- An auction's bidding window counts from when its invitations leave economic-service: if they go out
-- late (economic-service restarting, task-service unreachable), the window starts again then, so an
-- outage never closes an auction that nobody could hear of. The window's length is kept for that.
ALTER TABLE auctions ADD COLUMN bidding_seconds double precision;
UPDATE auctions SET bidding_seconds = extract(epoch FROM deadline - created_at);
ALTER TABLE auctions ALTER COLUMN bidding_seconds SET NOT NULL;

-- "Are this auction's invitations still waiting to be sent?" (the award at the deadline waits for them)
CREATE INDEX outbox_pending_invitation ON outbox ((payload->>'task_id')) WHERE event_type = 'auction.invited';
