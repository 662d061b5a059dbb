-- The peer's tables: triggers' subscriptions, the fired events and one delivery row per (event, subscription).
CREATE TABLE subscriptions (id BIGSERIAL PRIMARY KEY, trigger TEXT NOT NULL, url TEXT NOT NULL, secret TEXT NOT NULL);
CREATE INDEX subscriptions_by_trigger ON subscriptions (trigger);
CREATE TABLE events (id TEXT PRIMARY KEY, trigger TEXT NOT NULL, payload JSONB NOT NULL, fired_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE deliveries (
  id BIGSERIAL PRIMARY KEY, event_id TEXT NOT NULL REFERENCES events (id), subscription_id BIGINT NOT NULL REFERENCES subscriptions (id),
  status TEXT NOT NULL DEFAULT 'queued', attempts INT NOT NULL DEFAULT 0, response_status INT, delivered_at TIMESTAMPTZ
);
