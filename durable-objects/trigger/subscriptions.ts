/** Subscriptions of the trigger: add/update, remove, read (secrets redacted), and lookups for fan-out. */
import type { SubscriptionDef, TargetDef } from "../../src/schemas/subscription";
import { AppError } from "../../src/errors";
import { redactTarget } from "../../src/domain/redact";
import { DEFAULT_RETRY, type RetryPolicy } from "../../src/domain/backoff";
import { generateWebhookSecret } from "../../src/domain/standard-webhooks";
import type { Core } from "./core";
import { queueProjection } from "./projection";
import { touch, sameJson } from "./registry";

export type Subscription = {
  flow: string;
  mode: "auto" | "manual";
  target: TargetDef;
  retry: RetryPolicy;
  subscribedAt: number;
  checkpoint: number;
  /** the flow has reported a delivery's status at least once (overlap waits for its completed/failed) */
  reports: boolean;
};

type RawSub = { flow: string; mode: string; target: string; retry: string; subscribed_at: number; checkpoint: number; reports: number };

const parse = (r: RawSub): Subscription => ({
  flow: r.flow, mode: r.mode as Subscription["mode"], target: JSON.parse(r.target), retry: JSON.parse(r.retry),
  subscribedAt: r.subscribed_at, checkpoint: r.checkpoint, reports: r.reports === 1,
});

export function listSubscriptions(core: Core): Subscription[] {
  return core.sql.all<RawSub>(`SELECT * FROM subscriptions ORDER BY flow`).map(parse);
}

export function getSubscription(core: Core, flow: string): Subscription | null {
  const r = core.sql.one<RawSub>(`SELECT * FROM subscriptions WHERE flow = ?`, flow);
  return r ? parse(r) : null;
}

export function subscriptionView(s: Subscription) {
  return { flow: s.flow, mode: s.mode, target: redactTarget(s.target as Record<string, unknown>), retry: s.retry, subscribedAt: s.subscribedAt };
}

export function listSubscriptionViews(core: Core) {
  return listSubscriptions(core).map(subscriptionView);
}

/**
 * PUT …/subscriptions/{flow}. An http target without a secret keeps the one it
 * has, or gets a generated one that is returned once (`secret`).
 */
export function putSubscription(core: Core, flow: string, body: SubscriptionDef): { created: boolean; secret?: string; sub: Subscription } {
  return core.tx(() => {
    core.requireRow();
    const now = core.now();
    const old = getSubscription(core, flow);
    let target = body.target;
    let generated: string | undefined;
    if (target.type === "http" && !target.secret) {
      const kept = old?.target.type === "http" ? old.target.secret : undefined;
      if (kept) target = { ...target, secret: kept };
      else target = { ...target, secret: (generated = generateWebhookSecret()) };
    }
    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...body.retry };
    if (retry.maxBackoffSeconds < retry.initialBackoffSeconds) {
      throw new AppError(400, "invalid_request", "retry.maxBackoffSeconds must be >= retry.initialBackoffSeconds");
    }
    const mode = body.mode ?? "auto";
    if (old && old.mode === mode && sameJson(old.target, target) && sameJson(old.retry, retry)) return { created: false, sub: old };
    let checkpoint = old?.checkpoint ?? 0;
    const startFrom = target.type === "pull" ? target.startFrom ?? "beginning" : null;
    const pullChanged = target.type === "pull" && (old?.target.type !== "pull" || (old.target as { startFrom?: string }).startFrom !== startFrom);
    if (pullChanged) {
      checkpoint = startFrom === "now" ? core.currentSeq() : 0;
    }
    const sub: Subscription = { flow, mode, target, retry, subscribedAt: old?.subscribedAt ?? now, checkpoint, reports: old?.reports ?? false };
    core.sql.run(
      `INSERT OR REPLACE INTO subscriptions (flow, mode, target, retry, subscribed_at, updated_at, checkpoint, reports) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      flow, mode, JSON.stringify(target), JSON.stringify(retry), sub.subscribedAt, now, checkpoint, sub.reports ? 1 : 0,
    );
    const version = touch(core);
    core.appendEvent(old ? "subscription.updated" : "subscription.added", { flow, mode, targetType: target.type, version });
    if (pullChanged && startFrom === "now") core.appendEvent("checkpoint.reset", { flow, checkpoint, reason: "startFrom_now" });
    queueProjection(core, `d1:1:sub:${flow}`, { op: "sub", flow, mode, targetType: target.type, subscribedAt: sub.subscribedAt });
    return { created: !old, secret: generated, sub };
  });
}

export function removeSubscription(core: Core, flow: string): void {
  core.tx(() => {
    core.requireRow();
    if (!getSubscription(core, flow)) throw new AppError(404, "not_found", `Flow '${flow}' is not subscribed`);
    core.sql.run(`DELETE FROM subscriptions WHERE flow = ?`, flow);
    const version = touch(core);
    core.appendEvent("subscription.removed", { flow, version });
    queueProjection(core, `d1:1:sub:${flow}`, { op: "unsub", flow });
  });
}
