-- An agent's owner is the client that registered it, or one an admin named (#12). Owners written as free
-- text before (any string, which made the owner-based trust rules easy to side-step) become the client
-- that registered the agent.
UPDATE agents a SET owner = a.created_by
WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.client_id = a.owner);
