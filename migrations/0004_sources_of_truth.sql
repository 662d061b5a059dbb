-- Webhook path ownership is decided here, synchronously, when a trigger is
-- registered (the triggers projection may lag; it no longer has a unique index).
CREATE TABLE webhook_paths (
  tenant       TEXT    NOT NULL,
  path         TEXT    NOT NULL,
  trigger_name TEXT    NOT NULL,
  claimed_at   INTEGER NOT NULL,
  PRIMARY KEY (tenant, path)
);
CREATE INDEX webhook_paths_by_trigger ON webhook_paths (tenant, trigger_name);
INSERT OR IGNORE INTO webhook_paths (tenant, path, trigger_name, claimed_at)
  SELECT tenant, webhook_path, name, registered_at FROM triggers WHERE webhook_path IS NOT NULL;
DROP INDEX triggers_by_webhook_path;
CREATE INDEX triggers_by_webhook_path ON triggers (tenant, webhook_path) WHERE webhook_path IS NOT NULL;

-- Stats pushes carry their time so an older push never overwrites a newer one.
ALTER TABLE triggers ADD COLUMN stats_at INTEGER NOT NULL DEFAULT 0;
-- The hash fire ids carry (GET /v1/fires/{eventId} finds the trigger by it).
ALTER TABLE triggers ADD COLUMN id_hash TEXT;
CREATE INDEX triggers_by_hash ON triggers (tenant, id_hash);

-- Subscription rows carry the trigger version of their change, and a removal
-- is a tombstone, so projection statements applied out of order converge.
ALTER TABLE subscriptions ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
