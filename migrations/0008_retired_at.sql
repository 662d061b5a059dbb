-- Cleanup: when a trigger was retired (projected from its object), and the two
-- indexed reads that find cleanup candidates without a scan: active triggers by
-- their last activity, retired triggers by their retirement time.
ALTER TABLE triggers ADD COLUMN retired_at INTEGER;
-- Rows retired before this column existed: their last activity is no earlier than the retirement (the object's own time wins on the decision).
UPDATE triggers SET retired_at = last_activity_at WHERE status = 'retired';
CREATE INDEX triggers_by_activity ON triggers (tenant, status, last_activity_at, name);
CREATE INDEX triggers_by_retired_at ON triggers (tenant, retired_at, name) WHERE retired_at IS NOT NULL;
-- Where the next cron cleanup starts (the tenant a run stopped at, when its budget ran out), so every tenant gets its turn.
CREATE TABLE cleanup_state (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  start_tenant TEXT    NOT NULL
);
