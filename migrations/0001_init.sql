-- Global index of triggers and subscriptions: a projection of the TriggerObjects
-- (the objects are the source of truth; this table may lag, never lead).
CREATE TABLE triggers (
  tenant           TEXT    NOT NULL,
  name             TEXT    NOT NULL,
  type             TEXT    NOT NULL,
  status           TEXT    NOT NULL,
  display_name     TEXT,
  webhook_path     TEXT,
  registered_at    INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL,
  stats            TEXT    NOT NULL DEFAULT '{}',
  version          INTEGER NOT NULL,
  PRIMARY KEY (tenant, name)
);
-- newest first listing (registered_at DESC, name DESC as tie-breaker for the cursor)
CREATE INDEX triggers_by_registered ON triggers (tenant, registered_at DESC, name DESC);
CREATE INDEX triggers_by_type ON triggers (tenant, type, registered_at DESC, name DESC);
CREATE INDEX triggers_by_status ON triggers (tenant, status, registered_at DESC, name DESC);
-- webhook ingress: path -> trigger
CREATE UNIQUE INDEX triggers_by_webhook_path ON triggers (tenant, webhook_path) WHERE webhook_path IS NOT NULL;

CREATE TABLE subscriptions (
  tenant        TEXT    NOT NULL,
  trigger_name  TEXT    NOT NULL,
  flow          TEXT    NOT NULL,
  mode          TEXT    NOT NULL,
  target_type   TEXT    NOT NULL,
  subscribed_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, trigger_name, flow)
);
CREATE INDEX subscriptions_by_flow ON subscriptions (tenant, flow, trigger_name);
