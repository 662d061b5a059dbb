/**
 * The delivery state machine on the object's side: the consumer claims a
 * delivery attempt, then reports what the target answered; the object records
 * it (stream + delivery row) and says whether to retry and when. Repeated or
 * stale queue messages are recognised by the attempt number and the row's
 * status, so a repeat is a no-op.
 */
import { classifyResponse, nextDelaySeconds, shouldGiveUp } from "../../src/domain/backoff";
import type { AttemptResult, Claim, OutcomeAnswer } from "../../src/contracts/rpc";
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import { deliveryById, patchDelivery } from "./tables/deliveries";
import { eventAt } from "./tables/events";
import { findSubscription } from "./tables/subscriptions";
import { recordEvent } from "./journal";
import { leaseMs } from "./lease";

/** How long a claim holds before another copy of the message may take over. */
const CLAIM_MS = 90_000;

export function claimDelivery(core: Core, deliveryId: string, attempt: number): Claim {
  const row = loadEntry(core);
  if (!row) return { action: "drop", reason: "no_trigger" };
  const d = deliveryById(core, deliveryId);
  if (!d) return { action: "drop", reason: "unknown_delivery" };
  if (d.status !== "queued") return { action: "drop", reason: `already_${d.status}` };
  if (attempt !== d.attempts + 1) return { action: "drop", reason: "stale_attempt" };
  const now = core.now();
  const held = core.inflight.get(deliveryId);
  if (held !== undefined && held > now) return { action: "drop", reason: "in_flight" };
  if (d.next_attempt_at !== null && d.next_attempt_at - now > 1000) return { action: "retry", delaySeconds: Math.ceil((d.next_attempt_at - now) / 1000) };
  const sub = findSubscription(core, d.flow);
  if (!sub || sub.target.type === "pull") {
    core.tx(() => {
      patchDelivery(core, d, { status: "skipped", reason: "unsubscribed", next_attempt_at: null, lease_until: null }, now);
      recordEvent(core, "delivery.skipped", { deliveryId, flow: d.flow, reason: "unsubscribed" });
    });
    return { action: "drop", reason: "unsubscribed" };
  }
  const ev = eventAt(core, d.event_seq);
  if (!ev) return { action: "drop", reason: "event_gone" };
  core.inflight.set(deliveryId, now + CLAIM_MS);
  const data = JSON.parse(ev.data) as { payload?: unknown; source?: string; eventType?: unknown; headers?: unknown };
  const body = JSON.stringify({
    type: "trigger.fired", deliveryId, eventId: ev.id, trigger: row.name, flow: d.flow, tenant: row.tenant,
    firedAt: ev.ts, attempt, data: data.payload ?? null,
  });
  const timeoutMs = sub.target.type === "http" ? sub.target.timeoutMs ?? 10_000 : 10_000;
  return { action: "deliver", deliveryId, attempt, target: sub.target, body, timeoutMs };
}

export function recordOutcome(core: Core, deliveryId: string, attempt: number, result: AttemptResult, random = Math.random()): OutcomeAnswer {
  core.inflight.delete(deliveryId);
  const now = core.now();
  return core.tx(() => {
    const d = deliveryById(core, deliveryId);
    if (!d || d.status !== "queued" || d.attempts + 1 !== attempt) return { action: "ack" } as const;
    const policy = findSubscription(core, d.flow)?.retry ?? { maxAttempts: 1, initialBackoffSeconds: 1, maxBackoffSeconds: 1 };
    const kind = classifyResponse(result.statusCode);
    const base = { deliveryId, flow: d.flow, attempt, statusCode: result.statusCode, ...(result.error ? { error: result.error } : {}) };
    if (kind === "delivered") {
      const latency = now - d.fired_at;
      patchDelivery(core, d, { status: "delivered", attempts: attempt, last_status_code: result.statusCode, last_error: null, delivered_at: now, latency_ms: latency, next_attempt_at: null, lease_until: null }, now);
      recordEvent(core, "delivery.succeeded", { ...base, latencyMs: latency });
      return { action: "ack" } as const;
    }
    if (kind === "retry" && !shouldGiveUp(attempt, policy)) {
      const delay = nextDelaySeconds(attempt, policy, random, result.retryAfterSeconds);
      const due = now + delay * 1000;
      patchDelivery(core, d, { attempts: attempt, last_status_code: result.statusCode, last_error: result.error, next_attempt_at: due, lease_until: due + leaseMs(core) }, now);
      recordEvent(core, "delivery.failed", { ...base, willRetry: true, nextAttemptAt: due });
      return { action: "retry", delaySeconds: delay } as const;
    }
    const status = kind === "retry" ? "dead" : "failed";
    patchDelivery(core, d, { status, attempts: attempt, last_status_code: result.statusCode, last_error: result.error, next_attempt_at: null, lease_until: null }, now);
    recordEvent(core, "delivery.failed", { ...base, willRetry: false, outcome: status });
    if (status === "dead") recordEvent(core, "delivery.dead", { deliveryId, flow: d.flow, attempts: attempt, lastStatusCode: result.statusCode, lastError: result.error });
    return { action: "ack" } as const;
  });
}

/** A message that reached the dead-letter queue: the delivery is dead unless already settled. */
export function recordDeadLetter(core: Core, deliveryId: string): void {
  const now = core.now();
  core.tx(() => {
    const d = deliveryById(core, deliveryId);
    if (!d || d.status !== "queued") return;
    patchDelivery(core, d, { status: "dead", last_error: d.last_error ?? "dead-lettered by the queue", lease_until: null, next_attempt_at: null }, now);
    recordEvent(core, "delivery.dead", { deliveryId, flow: d.flow, attempts: d.attempts, lastStatusCode: d.last_status_code, lastError: "dead-lettered by the queue" });
  });
}
