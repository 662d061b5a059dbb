-- GET /v1/triggers?subscribedBy=<flow>: a page is read from the flow's live
-- subscriptions, kept in the list's order (newest trigger first), instead of
-- testing every trigger of the tenant for a subscription. Each subscription
-- row carries its trigger's registered_at (projected with it; it never
-- changes while the trigger exists).
ALTER TABLE subscriptions ADD COLUMN trigger_registered_at INTEGER NOT NULL DEFAULT 0;
UPDATE subscriptions SET trigger_registered_at = coalesce(
  (SELECT t.registered_at FROM triggers t WHERE t.tenant = subscriptions.tenant AND t.name = subscriptions.trigger_name), 0);
CREATE INDEX subscriptions_live_by_flow ON subscriptions (tenant, flow, trigger_registered_at DESC, trigger_name DESC) WHERE removed = 0;
