-- GET /v1/fires: the triggers active in a time range, newest activity first, found
-- by one indexed range read (the feed then reads only those triggers' objects).
CREATE INDEX triggers_by_last_activity ON triggers (tenant, last_activity_at, name);
-- GET /v1/runs?status=…: runs by their latest change, newest first; waiting runs
-- (the list an operator opens first) have their own partial index.
CREATE INDEX run_awaits_by_updated ON run_awaits (tenant, updated_at, run_id);
CREATE INDEX run_awaits_waiting ON run_awaits (tenant, updated_at, run_id) WHERE waiting > 0;
