/** Subscriptions of the trigger: add/update, remove, and read (secrets redacted). */
import type { SubscriptionDef, TargetDef } from "../../src/schemas/subscription";
import { AppError } from "../../src/errors";
import { keepRedactedTargetSecrets, redactTarget, targetHasPlaceholder } from "../../src/domain/redact";
import { DEFAULT_RETRY, type RetryPolicy } from "../../src/domain/backoff";
import { generateWebhookSecret } from "../../src/domain/standard-webhooks";
import { sameJson } from "../../src/domain/stable-json";
import type { SubscriptionView } from "../../src/contracts/views";
import type { Core, Subscription } from "./core";
import { requireEntry } from "./tables/entry";
import { headSeq } from "./tables/events";
import { allSubscriptions, deleteSubscription, findSubscription, saveSubscription } from "./tables/subscriptions";
import { recordEvent } from "./journal";
import { queueSubscriptionProjection, touch } from "./projection";
import { book } from "./stats";
import { deleteLaneState } from "./tables/lanes";
import { releaseBlocked, shapingOf } from "./shaping";

/**
 * A subscription as readers see it: its definition (secrets redacted) and,
 * for http and queue targets, its delivery state (API.md "Subscriptions"):
 * the breaker, the latest opening, a Retry-After hold and how many of its
 * deliveries wait.
 */
export function subscriptionView(core: Core, s: Subscription): SubscriptionView {
  const base = { flow: s.flow, mode: s.mode, target: redactTarget(s.target as Record<string, unknown>), retry: s.retry, subscribedAt: s.subscribedAt, ...(s.shaping ?? {}) };
  if (s.target.type === "pull") return base;
  const lane = core.ledger.laneView(s.flow);
  return { ...base, breaker: lane.breaker, breakerOpenedAt: lane.breakerOpenedAt, heldUntil: lane.heldUntil, waiting: Math.max(0, book(core).flows[s.flow]?.pending ?? 0), inFlight: lane.inFlight };
}

export function subscriptionViews(core: Core): SubscriptionView[] {
  return allSubscriptions(core).map((s) => subscriptionView(core, s));
}

/**
 * The target a body leads to, before any secret is generated: a missing or
 * redacted secret and redacted header values keep the stored ones.
 */
export function resolveTarget(body: SubscriptionDef, old: Subscription | null): TargetDef {
  let target = keepRedactedTargetSecrets(body.target as Record<string, unknown>, (old?.target ?? null) as Record<string, unknown> | null) as TargetDef;
  if (target.type === "http" && !target.secret) {
    const kept = old?.target.type === "http" ? old.target.secret : undefined;
    if (kept) target = { ...target, secret: kept };
  }
  return target;
}

/** Whether a body leaves a subscription as it is (PUT's no-op check; import and sync preview with it). */
export function sameSubscription(old: Subscription | null, body: SubscriptionDef, target: TargetDef): boolean {
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...body.retry };
  return !!old && old.mode === (body.mode ?? "auto") && sameJson(old.target, target) && sameJson(old.retry, retry) && sameJson(old.shaping, shapingOf(body));
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
    let target = resolveTarget(body, old);
    if (targetHasPlaceholder(target as Record<string, unknown>)) {
      throw new AppError(400, "invalid_request", "A secret or header holds the redacted placeholder '********' but nothing is stored to keep");
    }
    let generated: string | undefined;
    if (target.type === "http" && !target.secret) target = { ...target, secret: (generated = generateWebhookSecret()) };
    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...body.retry };
    if (retry.maxBackoffSeconds < retry.initialBackoffSeconds) {
      throw new AppError(400, "invalid_request", "retry.maxBackoffSeconds must be >= retry.initialBackoffSeconds");
    }
    const mode = body.mode ?? "auto";
    if (old && sameSubscription(old, body, target)) return { created: false, sub: old };
    let checkpoint = old?.checkpoint ?? 0;
    const startFrom = target.type === "pull" ? target.startFrom ?? "beginning" : null;
    const pullChanged = target.type === "pull" && (old?.target.type !== "pull" || (old.target as { startFrom?: string }).startFrom !== startFrom);
    if (pullChanged) checkpoint = startFrom === "now" ? headSeq(core) : 0;
    const shaping = shapingOf(body);
    const sub: Subscription = { flow, mode, target, retry, subscribedAt: old?.subscribedAt ?? now, checkpoint, reports: old?.reports ?? false, shaping };
    saveSubscription(core, sub, now);
    // ordering dropped: what waited for its key's turn waits no more
    if (old?.shaping?.ordering && !shaping?.ordering) releaseBlocked(core, flow);
    // a new or changed target starts with a closed breaker and no hold (the user fixed the endpoint)
    if (old && !sameJson(old.target, target)) {
      deleteLaneState(core, flow);
      core.onCommit(() => core.ledger.resetLane(flow));
    }
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
    deleteLaneState(core, flow);
    const version = touch(core);
    recordEvent(core, "subscription.removed", { flow, version });
    queueSubscriptionProjection(core, { op: "unsub", flow, version });
  });
}
