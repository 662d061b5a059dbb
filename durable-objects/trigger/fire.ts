/**
 * A fire: checks (retired, idempotency, schema, rate limit, filter), then one
 * transaction writes the stream event, the delivery rows (which double as the
 * queue outbox) and the dedup key; the queue send happens after commit.
 */
import { AppError } from "../../src/errors";
import { matches } from "../../src/domain/match";
import { validateAgainstSchema } from "../../src/domain/json-schema";
import { takeRateLimit, type RateWindow } from "../../src/domain/rate-limit";
import { dedupExpiresAt, isDedupLive } from "../../src/domain/idempotency";
import type { Core, TriggerRow } from "./core";
import { newDeliveryId, deliveryIdPrefix } from "./ids";
import { listSubscriptions } from "./subscriptions";
import { matchWaiters, drainNotices } from "./waiters";
import { bumpCounters } from "./stats";
import { markStatsDirty, STATS_COALESCE_MS } from "./projection";
import { armAlarm, leaseMs, noteLease, sendDeliveries } from "./dispatch";

export type FireSource = "api" | "webhook" | "schedule" | "poll" | "replay";

export type FireInput = {
  data: unknown;
  source: FireSource;
  idempotencyKey?: string;
  flows?: string[];
  /** extra fields recorded on the stream event (scheduledFor, lateness, …) */
  meta?: Record<string, unknown>;
  /** a preset skip (e.g. schema_invalid for webhooks, overlap for schedules) */
  skip?: { reason: string; details?: unknown };
  /** a deterministic event id (scheduled fires); default evt_<seq>_<random> */
  eventId?: string;
};

export type DeliveryRef = { deliveryId: string; flow: string; status: string };
export type FireAnswer = {
  eventId: string; seq: number; status: "accepted" | "deduplicated" | "skipped"; skipReason: string | null;
  deliveries: DeliveryRef[];
};

export type FireOutcome = { answer: FireAnswer; send: { id: string; attempt: number }[] };

export function deliveriesOf(core: Core, seq: number): DeliveryRef[] {
  const prefix = deliveryIdPrefix(core.requireRow().name, seq);
  return core.sql
    .all<{ id: string; flow: string; status: string }>(`SELECT id, flow, status FROM deliveries WHERE id > ? AND id < ? ORDER BY id`, prefix, prefix + "\uffff")
    .map((d) => ({ deliveryId: d.id, flow: d.flow, status: d.status }));
}

export function checkDedup(core: Core, key: string | undefined): FireAnswer | null {
  if (!key) return null;
  const hit = core.sql.one<{ event_id: string; seq: number; expires_at: number }>(`SELECT event_id, seq, expires_at FROM dedup WHERE key = ?`, key);
  if (!hit || !isDedupLive(hit.expires_at, core.now())) return null;
  return { eventId: hit.event_id, seq: hit.seq, status: "deduplicated", skipReason: null, deliveries: deliveriesOf(core, hit.seq) };
}

export function reject(core: Core, err: AppError): never {
  bumpCounters(core, { rejected: 1 });
  throw err;
}

export function checkRateLimit(core: Core, row: TriggerRow): RateWindow | null {
  const limit = row.def.config?.rateLimit;
  if (!limit) return null;
  const prev = core.sql.one<{ window_start: number; count: number }>(`SELECT window_start, count FROM rate_window WHERE id = 1`);
  const r = takeRateLimit(prev ? { windowStart: prev.window_start, count: prev.count } : null, limit, core.now());
  if (!r.allowed) {
    reject(core, new AppError(429, "rate_limited", `Rate limit of ${limit.max} fires per ${limit.windowSeconds}s reached`, { retryAfterSeconds: r.retryAfterSeconds }, { "Retry-After": String(r.retryAfterSeconds) }));
  }
  return r.next;
}

/**
 * Writes one fire (call inside a transaction): the stream event, a delivery
 * row per subscription in scope (the rows are the queue outbox), the dedup
 * key, the rate window. Returns the answer and the messages to send.
 */
export function writeFire(core: Core, row: TriggerRow, input: FireInput, skip: { reason: string; details?: unknown } | undefined, window: RateWindow | null): FireOutcome {
  const now = core.now();
  const persist = row.def.config?.persistData !== false;
  const lease = leaseMs(core);
  const base = {
    source: input.source, ...input.meta, ...(input.flows ? { flows: input.flows } : {}),
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}), payload: input.data, ...(persist ? {} : { persistData: false }),
  };
  if (window) core.sql.run(`INSERT OR REPLACE INTO rate_window (id, window_start, count) VALUES (1, ?, ?)`, window.windowStart, window.count);
  const deliveries: DeliveryRef[] = [];
  const send: { id: string; attempt: number }[] = [];
  let ev;
  if (skip) {
    ev = core.appendEvent("trigger.skipped", { ...base, skipReason: skip.reason, ...(skip.details ? { details: skip.details } : {}) }, input.eventId);
  } else {
    ev = core.appendEvent("trigger.fired", base, input.eventId);
    matchWaiters(core, row, { id: ev.id, ts: ev.ts, data: input.data, source: input.source });
    const subs = listSubscriptions(core);
    const wanted = input.flows ? subs.filter((s) => input.flows!.includes(s.flow)) : subs;
    let n = 0;
    for (const s of wanted) {
      if (s.target.type === "pull") continue;
      const id = newDeliveryId(row.name, ev.seq, n++);
      const manual = s.mode === "manual";
      const status = manual ? "skipped" : "queued";
      core.sql.run(
        `INSERT INTO deliveries (id, event_seq, flow, status, attempts, fired_at, next_attempt_at, lease_until, reason, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
        id, ev.seq, s.flow, status, now, manual ? null : now, manual ? null : now + lease, manual ? "manual_mode" : null, now,
      );
      deliveries.push({ deliveryId: id, flow: s.flow, status });
      if (!manual) send.push({ id, attempt: 1 });
    }
  }
  if (input.idempotencyKey) {
    core.sql.run(`INSERT OR REPLACE INTO dedup (key, event_id, seq, expires_at) VALUES (?, ?, ?, ?)`, input.idempotencyKey, ev.id, ev.seq, dedupExpiresAt(now, row.def.dedup?.windowSeconds));
  }
  markStatsDirty(core);
  return {
    answer: { eventId: ev.id, seq: ev.seq, status: skip ? "skipped" : "accepted", skipReason: skip?.reason ?? null, deliveries },
    send,
  };
}

/** Records one API fire. Throws AppError for 404/410/400/422/429; a duplicate key answers the original. */
export function recordFire(core: Core, input: FireInput): FireOutcome {
  const row = core.requireActive();
  const dup = checkDedup(core, input.idempotencyKey);
  if (dup) {
    bumpCounters(core, { deduplicated: 1 });
    return { answer: dup, send: [] };
  }
  if (row.def.schema !== undefined && !input.skip) {
    const issues = validateAgainstSchema(row.def.schema, input.data);
    if (issues.length) reject(core, new AppError(422, "schema_invalid", "The payload does not match the trigger's schema", issues));
  }
  if (input.flows) {
    const subs = listSubscriptions(core);
    const unknown = input.flows.filter((f) => !subs.some((s) => s.flow === f));
    if (unknown.length) reject(core, new AppError(400, "unknown_flow", `Not subscribed to this trigger: ${unknown.join(", ")}`));
  }
  const window = checkRateLimit(core, row);
  const skip = input.skip ?? filterSkip(row, input.data, input.source);
  return core.tx(() => writeFire(core, row, input, skip, window));
}

/** The filter verdict for a payload: undefined when it passes (or there is no filter). */
export function filterSkip(row: TriggerRow, data: unknown, source: string): { reason: string } | undefined {
  if (!row.def.filter) return undefined;
  return matches(row.def.filter, { data, source, trigger: row.name }) ? undefined : { reason: "filter" };
}

/** After commit: arm the alarm (lease, stats) before sending, so a crash mid-send is recovered. */
export async function afterFire(core: Core, outcome: FireOutcome): Promise<void> {
  if (outcome.answer.status === "deduplicated") return;
  for (const wake of [...core.fireWaiters]) wake();
  const now = core.now();
  if (outcome.send.length) noteLease(core, now + leaseMs(core));
  await armAlarm(core, Math.min(core.statsDueAt ?? now + STATS_COALESCE_MS, core.leaseDue ?? Infinity));
  await sendDeliveries(core, outcome.send);
  await drainNotices(core);
}
