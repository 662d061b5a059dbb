/**
 * The trigger's side of the delivery ledger: its rows are the `deliveries`
 * table, an attempt's message carries the body built from the fire's stream
 * event, and an outcome is written as the delivery row's update plus, for a
 * failure, a stream event (a success writes no event unless
 * `config.auditDeliveries`; the row carries a number so counters survive a
 * restart without one).
 */
import type { RetryPolicy } from "../../src/domain/backoff";
import { MAX_MESSAGE_BODY, type DeliveryMessage } from "../../src/contracts/messages";
import type { AttemptResult } from "../../src/contracts/rpc";
import type { LaneConfig, LedgerDecision, LedgerRow, LedgerStore } from "../ledger/types";
import { DEFAULT_BREAKER, DEFAULT_IN_FLIGHT, type LaneEvent } from "../../src/domain/delivery-lane";
import { loadLaneState, saveLaneState } from "./tables/lanes";
import type { Core } from "./core";
import { loadEntry, requireEntry } from "./tables/entry";
import { deliveryById, dueRetriesOf, freshAfter, lowestQueuedFrom, nextRetryOf, patchDelivery, type DeliveryRow } from "./tables/deliveries";
import { eventAt, headSeq } from "./tables/events";
import { allSubscriptions, findSubscription, liveRotation } from "./tables/subscriptions";
import { recordEvent } from "./journal";
import { book, foldSettledOnCommit } from "./stats";
import { logEvent } from "../../src/observability/log";
import { gateMarks } from "./gate-marks";
import { nextRelease, releaseDue } from "./shaping";

const ONE_ATTEMPT: RetryPolicy = { maxAttempts: 1, initialBackoffSeconds: 1, maxBackoffSeconds: 1 };

function timeoutOf(core: Core, flow: string): number {
  const t = findSubscription(core, flow)?.target;
  return t?.type === "http" ? t.timeoutMs ?? 10_000 : 10_000;
}

const asLedgerRow = (core: Core, d: DeliveryRow): LedgerRow => ({
  id: d.id, lane: d.flow, key: [d.event_seq, d.n], status: d.status, attempts: d.attempts, dueAt: d.next_attempt_at ?? d.fired_at, timeoutMs: timeoutOf(core, d.flow), raw: d,
});
const rawOf = (core: Core, r: LedgerRow): DeliveryRow | null => (r.raw as DeliveryRow | undefined) ?? deliveryById(core, r.id);

/** The body a flow receives for one attempt (API.md "Deliveries"). */
export function deliveryBody(core: Core, d: DeliveryRow, attempt: number): Record<string, unknown> | null {
  const row = requireEntry(core);
  if (d.members !== null && d.members !== undefined) return batchBody(core, row, d, attempt);
  const ev = eventAt(core, d.event_seq);
  if (!ev) return null;
  const data = JSON.parse(ev.data) as { payload?: unknown; source?: string; eventType?: unknown; headers?: unknown };
  return {
    type: "trigger.fired", deliveryId: d.id, eventId: ev.id, trigger: row.name, flow: d.flow, tenant: row.tenant,
    firedAt: ev.ts, attempt, source: data.source ?? "api", eventType: data.eventType ?? null,
    ...(data.headers !== undefined ? { headers: data.headers } : {}), data: data.payload ?? null,
    // a debounced delivery stands for this many other fires (./shaping.ts)
    ...(d.debounced !== null && d.debounced !== undefined ? { debounced: d.debounced } : {}),
  };
}

/** A batch's body (API.md "Flows: delivery policy", `batch`): its fires in order. */
function batchBody(core: Core, row: { name: string; tenant: string }, d: DeliveryRow, attempt: number): Record<string, unknown> {
  const m = JSON.parse(d.members!) as { key: string | null; seqs: number[] };
  const events = m.seqs.flatMap((seq) => {
    const ev = eventAt(core, seq);
    if (!ev) return [];
    const data = JSON.parse(ev.data) as { payload?: unknown; source?: string; eventType?: unknown };
    return [{ eventId: ev.id, firedAt: ev.ts, source: data.source ?? "api", eventType: data.eventType ?? null, data: data.payload ?? null }];
  });
  return { type: "trigger.batch", deliveryId: d.id, trigger: row.name, flow: d.flow, tenant: row.tenant, attempt, key: m.key, events };
}

/**
 * The ledger's lanes: one per subscription with an http or queue target, and
 * a gone lane for a flow that still has queued deliveries but no such
 * subscription any more (they are skipped as `unsubscribed`). A lane whose
 * flow has a policy is gated (./flow-gates.ts); a policy with a breaker
 * replaces the subscription's own.
 */
function lanesOf(core: Core): LaneConfig[] {
  if (!core.ready || !loadEntry(core)) return [];
  const subs = allSubscriptions(core).filter((s) => s.target.type !== "pull");
  const gates = gateMarks(core);
  const lanes: LaneConfig[] = subs.map((s) => {
    const g = gates[s.flow];
    return g
      ? { lane: s.flow, cap: DEFAULT_IN_FLIGHT, breaker: g.breaker ? null : DEFAULT_BREAKER, gated: true, exactStarts: g.rate === true }
      : { lane: s.flow, cap: DEFAULT_IN_FLIGHT, breaker: DEFAULT_BREAKER };
  });
  for (const [flow, c] of Object.entries(book(core).flows)) {
    if ((c.pending ?? 0) > 0 && !subs.some((s) => s.flow === flow)) lanes.push({ lane: flow, cap: DEFAULT_IN_FLIGHT, breaker: null, gone: true });
  }
  return lanes;
}

export function triggerDeliveryStore(core: Core): LedgerStore {
  return {
    lanes: () => lanesOf(core),
    fresh(after, lanes, limit) {
      if (!core.ready || lanes.length === 0) return [];
      const from = after ?? [book(core).openLow, -1];
      return freshAfter(core, from[0], from[1], lanes, limit).map((d) => asLedgerRow(core, d));
    },
    dueRetries(lane, now, limit) {
      return core.ready ? dueRetriesOf(core, lane, Math.min(now, Number.MAX_SAFE_INTEGER), limit).map((d) => asLedgerRow(core, d)) : [];
    },
    nextRetryAt: (lane, now) => (core.ready ? nextRetryOf(core, lane, now) : null),
    timeoutOf: (lane) => timeoutOf(core, lane),
    release: (now) => (core.ready ? releaseDue(core, now) : undefined),
    nextRelease: () => nextRelease(core),
    held: (lane, limit) =>
      core.ready
        ? core.sql.all<DeliveryRow>(`SELECT * FROM deliveries WHERE flow = ? AND status = 'queued' AND hold_until IS NOT NULL LIMIT ?`, lane, limit).map((d) => asLedgerRow(core, d))
        : [],
    row(id) {
      const d = core.ready ? deliveryById(core, id) : null;
      return d ? asLedgerRow(core, d) : null;
    },
    message(r, attempt): DeliveryMessage {
      const entry = requireEntry(core);
      const fresh = core.freshBodies.take(r.id);
      const gen = { t: entry.tenant, n: entry.name, d: r.id, a: attempt, v: entry.version, g: entry.registeredAt };
      if (fresh && attempt === 1) return { ...gen, f: fresh.flow as string, b: fresh };
      const d = rawOf(core, r)!;
      const body = deliveryBody(core, d, attempt);
      const small = body !== null && JSON.stringify(body).length <= MAX_MESSAGE_BODY;
      return { ...gen, f: d.flow, ...(small ? { b: body } : {}) };
    },
    policy(r) {
      const d = rawOf(core, r);
      return (d && findSubscription(core, d.flow)?.retry) || ONE_ATTEMPT;
    },
    write(r, attempt, decision, result, now) {
      writeOutcome(core, rawOf(core, r)!, attempt, decision, result, now);
    },
    writeProbeFailure(r, attempt, result, now) {
      const d = rawOf(core, r)!;
      patchDelivery(core, d, { last_status_code: result.statusCode, last_error: result.error }, now);
      recordEvent(core, "delivery.failed", { deliveryId: d.id, flow: d.flow, attempt, statusCode: result.statusCode, ...(result.error ? { error: result.error } : {}), willRetry: true, probe: true });
    },
    loadLane: (lane) => (core.ready ? loadLaneState(core, lane) : null),
    saveLane(lane, state, events, now) {
      saveLaneState(core, lane, state, now);
      for (const e of events) {
        const data = laneEventData(lane, e, now);
        recordEvent(core, `subscription.${e.type}`, data);
        const entry = loadEntry(core);
        core.onCommit(() => logEvent("lane", { tenant: entry?.tenant, trigger: entry?.name, flow: lane, event: e.type, failures: state.failures, until: state.heldUntil }, e.type === "breaker_closed" ? "info" : "warn"));
      }
    },
  };
}

function laneEventData(flow: string, e: LaneEvent, now: number): Record<string, unknown> {
  switch (e.type) {
    case "breaker_opened":
      return { flow, failures: e.failures, lastStatusCode: e.statusCode, ...(e.error ? { lastError: e.error } : {}) };
    case "breaker_closed":
      return { flow, openedAt: e.openedAt, openForMs: e.openedAt === null ? null : now - e.openedAt };
    case "held":
      return { flow, until: e.until };
  }
}

function writeOutcome(core: Core, d: DeliveryRow, attempt: number, decision: LedgerDecision, result: AttemptResult, now: number): void {
  const entry = loadEntry(core);
  core.onCommit(() =>
    logEvent("delivery", {
      tenant: entry?.tenant, trigger: entry?.name, deliveryId: d.id, flow: d.flow, attempt, status: decision.status, statusCode: result.statusCode,
      ...(decision.status === "delivered" ? { latencyMs: now - d.fired_at } : {}), ...(decision.status === "skipped" ? { reason: decision.reason } : {}),
    }, decision.status === "dead" || decision.status === "failed" ? "warn" : "info"),
  );
  const base = { deliveryId: d.id, flow: d.flow, attempt, statusCode: result.statusCode, ...(result.error ? { error: result.error } : {}) };
  const fields = { attempts: attempt, last_status_code: result.statusCode, last_error: result.error };
  switch (decision.status) {
    case "delivered": {
      const latency = now - d.fired_at;
      const audit = loadEntry(core)?.def.config?.auditDeliveries === true;
      const settledSeq = audit ? null : nextSettledSeq(core);
      patchDelivery(core, d, { ...fields, status: "delivered", last_error: null, delivered_at: now, latency_ms: latency, next_attempt_at: null, settled_seq: settledSeq }, now);
      if (audit) recordEvent(core, "delivery.succeeded", { ...base, latencyMs: latency });
      else foldSettledOnCommit(core, { settledSeq: settledSeq!, flow: d.flow, latencyMs: latency });
      return;
    }
    case "retry": {
      const due = now + decision.delaySeconds * 1000;
      patchDelivery(core, d, { ...fields, next_attempt_at: due }, now);
      recordEvent(core, "delivery.failed", { ...base, willRetry: true, nextAttemptAt: due });
      return;
    }
    case "skipped":
      patchDelivery(core, d, { status: "skipped", reason: decision.reason, next_attempt_at: null }, now);
      recordEvent(core, "delivery.skipped", { deliveryId: d.id, flow: d.flow, reason: decision.reason });
      return;
    default: {
      patchDelivery(core, d, { ...fields, status: decision.status, next_attempt_at: null }, now);
      recordEvent(core, "delivery.failed", { ...base, willRetry: false, outcome: decision.status });
      if (decision.status === "dead") recordEvent(core, "delivery.dead", { deliveryId: d.id, flow: d.flow, attempts: attempt, lastStatusCode: result.statusCode, lastError: result.error });
    }
  }
}

/** The next number for a delivered outcome without a stream event (in memory; rolled back with its transaction). */
function nextSettledSeq(core: Core): number {
  core.settledSeq = Math.max(core.settledSeq ?? 0, book(core).settledSeq) + 1;
  return core.settledSeq;
}

/**
 * The consumer's view of this trigger's targets (see DeliveryControl). An
 * http target in a secret rotation's overlap carries the previous secret and
 * its end (src/delivery/send-http.ts signs with both until then).
 */
export function deliveryControl(core: Core) {
  const row = requireEntry(core);
  const now = core.now();
  const targetOf = (s: ReturnType<typeof allSubscriptions>[number]) => {
    const r = s.target.type === "http" ? liveRotation(s, now) : null;
    return r ? { ...s.target, previousSecret: r.previousSecret, previousSecretUntil: r.until } : s.target;
  };
  const targets = Object.fromEntries(allSubscriptions(core).filter((s) => s.target.type !== "pull").map((s) => [s.flow, targetOf(s)]));
  return { version: row.version, retired: row.status === "retired", targets, skipped: [...core.recentlySkipped] };
}

/** The oldest fire seq with a queued delivery (head + 1 when none): where a restart starts looking. Reads from the last mark on. */
export function openLowWater(core: Core): number {
  return lowestQueuedFrom(core, book(core).openLow) ?? headSeq(core) + 1;
}

/** A message that reached the dead-letter queue: the delivery is dead unless already settled. */
export function recordDeadLetter(core: Core, deliveryId: string): void {
  const now = core.now();
  core.tx(() => {
    const d = deliveryById(core, deliveryId);
    if (!d || d.status !== "queued") return;
    patchDelivery(core, d, { status: "dead", last_error: d.last_error ?? "dead-lettered by the queue", next_attempt_at: null }, now);
    recordEvent(core, "delivery.dead", { deliveryId, flow: d.flow, attempts: d.attempts, lastStatusCode: d.last_status_code, lastError: "dead-lettered by the queue" });
  });
}
