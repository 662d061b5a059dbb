/** Subscriptions of the trigger: add/update, remove, and read (secrets redacted). */
import type { SubscriptionDef } from "../../src/schemas/subscription";
import { AppError } from "../../src/errors";
import { redactTarget } from "../../src/domain/redact";
import { DEFAULT_RETRY, type RetryPolicy } from "../../src/domain/backoff";
import { generateWebhookSecret } from "../../src/domain/standard-webhooks";
import { sameJson } from "../../src/domain/stable-json";
import type { Core, Subscription } from "./core";
import { requireEntry } from "./tables/entry";
import { headSeq } from "./tables/events";
import { allSubscriptions, deleteSubscription, findSubscription, saveSubscription } from "./tables/subscriptions";
import { recordEvent } from "./journal";
import { queueSubscriptionProjection, touch } from "./projection";

export function subscriptionView(s: Subscription) {
  return { flow: s.flow, mode: s.mode, target: redactTarget(s.target as Record<string, unknown>), retry: s.retry, subscribedAt: s.subscribedAt };
}

export function subscriptionViews(core: Core) {
  return allSubscriptions(core).map(subscriptionView);
}

/**
 * PUT …/subscriptions/{flow}. An http target without a secret keeps the one it
 * has, or gets a generated one that is returned once (`secret`).
 */
export function putSubscription(core: Core, flow: string, body: SubscriptionDef): { created: boolean; secret?: string; sub: Subscription } {
  return core.tx(() => {
    requireEntry(core);
    const now = core.now();
    const old = findSubscription(core, flow);
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
    if (pullChanged) checkpoint = startFrom === "now" ? headSeq(core) : 0;
    const sub: Subscription = { flow, mode, target, retry, subscribedAt: old?.subscribedAt ?? now, checkpoint, reports: old?.reports ?? false };
    saveSubscription(core, sub, now);
    const version = touch(core);
    recordEvent(core, old ? "subscription.updated" : "subscription.added", { flow, mode, targetType: target.type, version });
    if (pullChanged && startFrom === "now") recordEvent(core, "checkpoint.reset", { flow, checkpoint, reason: "startFrom_now" });
    queueSubscriptionProjection(core, { op: "sub", flow, mode, targetType: target.type, subscribedAt: sub.subscribedAt, version });
    return { created: !old, secret: generated, sub };
  });
}

export function removeSubscription(core: Core, flow: string): void {
  core.tx(() => {
    requireEntry(core);
    if (!findSubscription(core, flow)) throw new AppError(404, "not_found", `Flow '${flow}' is not subscribed`);
    deleteSubscription(core, flow);
    const version = touch(core);
    recordEvent(core, "subscription.removed", { flow, version });
    queueSubscriptionProjection(core, { op: "unsub", flow, version });
  });
}
