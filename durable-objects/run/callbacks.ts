/**
 * Await callbacks through the same signed, retried delivery pipeline as fires:
 * the DELIVERIES queue carries {k:"run"} messages; the consumer claims the
 * attempt here and reports the outcome, exactly as with a TriggerObject.
 */
import { classifyResponse, nextDelaySeconds, shouldGiveUp, DEFAULT_RETRY } from "../../src/domain/backoff";
import type { DeliveryMessage } from "../../src/contracts/messages";
import type { Claim, AttemptResult, OutcomeAnswer } from "../../src/contracts/rpc";
import type { RunCore } from "./core";
import { getAwait, view } from "./awaits";

const LEASE_MS = 120_000;
const CLAIM_MS = 90_000;

type CallbackRow = { id: string; step: string; type: string; status: string; attempts: number; next_attempt_at: number | null };

export function claimCallback(core: RunCore, id: string, attempt: number): Claim {
  const c = core.sql.one<CallbackRow>(`SELECT * FROM callbacks WHERE id = ?`, id);
  if (!c || c.status !== "queued") return { action: "drop", reason: c ? `already_${c.status}` : "unknown_delivery" };
  if (attempt !== c.attempts + 1) return { action: "drop", reason: "stale_attempt" };
  const now = core.now();
  const held = core.inflight.get(id);
  if (held !== undefined && held > now) return { action: "drop", reason: "in_flight" };
  if (c.next_attempt_at !== null && c.next_attempt_at - now > 1000) return { action: "retry", delaySeconds: Math.ceil((c.next_attempt_at - now) / 1000) };
  const a = getAwait(core, c.step);
  if (!a?.callback) return { action: "drop", reason: "no_callback" };
  core.inflight.set(id, now + CLAIM_MS);
  const v = view(core, a);
  const body = JSON.stringify({ type: c.type, deliveryId: id, tenant: core.tenant(), runId: core.runId(), step: c.step, status: v.status, result: v.result ?? null, attempt });
  const target = JSON.parse(a.callback);
  return { action: "deliver", deliveryId: id, attempt, target, body, timeoutMs: target.timeoutMs ?? 10_000 };
}

export function recordCallbackOutcome(core: RunCore, id: string, attempt: number, result: AttemptResult, random = Math.random()): OutcomeAnswer {
  core.inflight.delete(id);
  const now = core.now();
  return core.tx(() => {
    const c = core.sql.one<CallbackRow>(`SELECT * FROM callbacks WHERE id = ?`, id);
    if (!c || c.status !== "queued" || c.attempts + 1 !== attempt) return { action: "ack" } as const;
    const kind = classifyResponse(result.statusCode);
    if (kind === "delivered") {
      core.sql.run(`UPDATE callbacks SET status = 'delivered', attempts = ?, last_status_code = ?, last_error = NULL, delivered_at = ?, next_attempt_at = NULL, lease_until = NULL WHERE id = ?`, attempt, result.statusCode, now, id);
      return { action: "ack" } as const;
    }
    if (kind === "retry" && !shouldGiveUp(attempt, DEFAULT_RETRY)) {
      const delay = nextDelaySeconds(attempt, DEFAULT_RETRY, random, result.retryAfterSeconds);
      const due = now + delay * 1000;
      core.sql.run(`UPDATE callbacks SET attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = ?, lease_until = ? WHERE id = ?`, attempt, result.statusCode, result.error, due, due + LEASE_MS, id);
      return { action: "retry", delaySeconds: delay } as const;
    }
    core.sql.run(`UPDATE callbacks SET status = ?, attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = NULL, lease_until = NULL WHERE id = ?`, kind === "retry" ? "dead" : "failed", attempt, result.statusCode, result.error, id);
    return { action: "ack" } as const;
  });
}

/** Sends queued callback attempts; a failed send is retried by the alarm (lease). */
export async function sendCallbacks(core: RunCore, items: { id: string; attempt: number; delaySeconds?: number }[]): Promise<void> {
  if (!items.length) return;
  try {
    await core.env.DELIVERIES.sendBatch(
      items.map((it) => ({ body: { k: "run", t: core.tenant(), n: core.runId(), d: it.id, a: it.attempt } satisfies DeliveryMessage, ...(it.delaySeconds ? { delaySeconds: it.delaySeconds } : {}) })),
    );
  } catch {
    core.tx(() => {
      for (const it of items) core.sql.run(`UPDATE callbacks SET lease_until = ? WHERE id = ? AND status = 'queued'`, core.now() + 1000, it.id);
    });
  }
}

/** Alarm path: callbacks whose lease ran out are sent again. */
export async function resendExpiredCallbacks(core: RunCore): Promise<void> {
  const now = core.now();
  const due = core.sql.all<{ id: string; attempts: number; next_attempt_at: number | null }>(`SELECT id, attempts, next_attempt_at FROM callbacks WHERE status = 'queued' AND lease_until <= ? LIMIT 500`, now);
  if (!due.length) return;
  core.tx(() => {
    for (const d of due) core.sql.run(`UPDATE callbacks SET lease_until = ? WHERE id = ?`, now + LEASE_MS, d.id);
  });
  await sendCallbacks(core, due.map((d) => ({ id: d.id, attempt: d.attempts + 1, delaySeconds: d.next_attempt_at && d.next_attempt_at > now ? Math.ceil((d.next_attempt_at - now) / 1000) : undefined })));
}

export function nextCallbackLease(core: RunCore): number | null {
  return core.sql.one<{ t: number | null }>(`SELECT min(lease_until) AS t FROM callbacks WHERE status = 'queued'`)?.t ?? null;
}
