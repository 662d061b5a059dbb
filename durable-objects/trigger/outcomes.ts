/**
 * The delivery state machine on the object's side: the consumer claims a
 * delivery attempt, then reports what the target answered; the object records
 * it (stream + delivery row) and says whether to retry and when.
 * Repeated or stale queue messages are recognised by the attempt number and
 * the row's status, so a repeat is a no-op.
 */
import { classifyResponse, nextDelaySeconds, shouldGiveUp } from "../../src/domain/backoff";
import type { TargetDef } from "../../src/schemas/subscription";
import type { Core } from "./core";
import type { DeliveryRow } from "./fires";
import { getSubscription } from "./subscriptions";
import { leaseMs, noteLease } from "./dispatch";
import { markStatsDirty } from "./projection";

/** How long a claim holds before another copy of the message may take over. */
const CLAIM_MS = 90_000;

export type Claim =
  | { action: "drop"; reason: string }
  | { action: "retry"; delaySeconds: number }
  | { action: "deliver"; deliveryId: string; attempt: number; target: TargetDef; body: string; timeoutMs: number };

export type AttemptResult = { statusCode: number | null; error: string | null; retryAfterSeconds: number | null };

export function claimDelivery(core: Core, deliveryId: string, attempt: number): Claim {
  const row = core.row();
  if (!row) return { action: "drop", reason: "no_trigger" };
  const d = core.sql.one<DeliveryRow>(`SELECT * FROM deliveries WHERE id = ?`, deliveryId);
  if (!d) return { action: "drop", reason: "unknown_delivery" };
  if (d.status !== "queued") return { action: "drop", reason: `already_${d.status}` };
  if (attempt !== d.attempts + 1) return { action: "drop", reason: "stale_attempt" };
  const now = core.now();
  const held = core.inflight.get(deliveryId);
  if (held !== undefined && held > now) return { action: "drop", reason: "in_flight" };
  if (d.next_attempt_at !== null && d.next_attempt_at - now > 1000) return { action: "retry", delaySeconds: Math.ceil((d.next_attempt_at - now) / 1000) };
  const sub = getSubscription(core, d.flow);
  if (!sub || sub.target.type === "pull") {
    core.tx(() => {
      core.sql.run(`UPDATE deliveries SET status = 'skipped', reason = 'unsubscribed', updated_at = ? WHERE id = ?`, now, deliveryId);
      core.appendEvent("delivery.skipped", { deliveryId, flow: d.flow, reason: "unsubscribed" });
    });
    return { action: "drop", reason: "unsubscribed" };
  }
  const ev = core.sql.one<{ id: string; ts: number; data: string }>(`SELECT id, ts, data FROM events WHERE seq = ?`, d.event_seq);
  if (!ev) return { action: "drop", reason: "event_gone" };
  core.inflight.set(deliveryId, now + CLAIM_MS);
  const payload = (JSON.parse(ev.data) as { payload?: unknown }).payload;
  const body = JSON.stringify({
    type: "trigger.fired", deliveryId, eventId: ev.id, trigger: row.name, flow: d.flow, tenant: row.tenant,
    firedAt: ev.ts, attempt, data: payload ?? null,
  });
  const timeoutMs = sub.target.type === "http" ? sub.target.timeoutMs ?? 10_000 : 10_000;
  return { action: "deliver", deliveryId, attempt, target: sub.target, body, timeoutMs };
}

export type OutcomeAnswer = { action: "ack" } | { action: "retry"; delaySeconds: number };

export function recordOutcome(core: Core, deliveryId: string, attempt: number, result: AttemptResult, random = Math.random()): OutcomeAnswer {
  core.inflight.delete(deliveryId);
  const now = core.now();
  return core.tx(() => {
    const d = core.sql.one<DeliveryRow>(`SELECT * FROM deliveries WHERE id = ?`, deliveryId);
    if (!d || d.status !== "queued" || d.attempts + 1 !== attempt) return { action: "ack" } as const;
    const sub = getSubscription(core, d.flow);
    const policy = sub?.retry ?? { maxAttempts: 1, initialBackoffSeconds: 1, maxBackoffSeconds: 1 };
    const kind = classifyResponse(result.statusCode);
    const base = { deliveryId, flow: d.flow, attempt, statusCode: result.statusCode, ...(result.error ? { error: result.error } : {}) };
    markStatsDirty(core);
    if (kind === "delivered") {
      const latency = now - d.fired_at;
      core.sql.run(
        `UPDATE deliveries SET status = 'delivered', attempts = ?, last_status_code = ?, last_error = NULL, delivered_at = ?, latency_ms = ?, next_attempt_at = NULL, lease_until = NULL, updated_at = ? WHERE id = ?`,
        attempt, result.statusCode, now, latency, now, deliveryId,
      );
      core.appendEvent("delivery.succeeded", { ...base, latencyMs: latency });
      return { action: "ack" } as const;
    }
    if (kind === "retry" && !shouldGiveUp(attempt, policy)) {
      const delay = nextDelaySeconds(attempt, policy, random, result.retryAfterSeconds);
      const due = now + delay * 1000;
      core.sql.run(
        `UPDATE deliveries SET attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = ?, lease_until = ?, updated_at = ? WHERE id = ?`,
        attempt, result.statusCode, result.error, due, due + leaseMs(core), now, deliveryId,
      );
      core.appendEvent("delivery.failed", { ...base, willRetry: true, nextAttemptAt: due });
      noteLease(core, due + leaseMs(core));
      return { action: "retry", delaySeconds: delay } as const;
    }
    const status = kind === "retry" ? "dead" : "failed";
    core.sql.run(
      `UPDATE deliveries SET status = ?, attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = NULL, lease_until = NULL, updated_at = ? WHERE id = ?`,
      status, attempt, result.statusCode, result.error, now, deliveryId,
    );
    core.appendEvent("delivery.failed", { ...base, willRetry: false });
    if (status === "dead") core.appendEvent("delivery.dead", { deliveryId, flow: d.flow, attempts: attempt, lastStatusCode: result.statusCode, lastError: result.error });
    return { action: "ack" } as const;
  });
}

/** A message that reached the dead-letter queue: the delivery is dead unless already settled. */
export function recordDeadLetter(core: Core, deliveryId: string): void {
  const now = core.now();
  core.tx(() => {
    const d = core.sql.one<DeliveryRow>(`SELECT * FROM deliveries WHERE id = ?`, deliveryId);
    if (!d || d.status !== "queued") return;
    core.sql.run(`UPDATE deliveries SET status = 'dead', last_error = coalesce(last_error, 'dead-lettered by the queue'), lease_until = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ?`, now, deliveryId);
    core.appendEvent("delivery.dead", { deliveryId, flow: d.flow, attempts: d.attempts, lastStatusCode: d.last_status_code, lastError: "dead-lettered by the queue" });
  });
}
