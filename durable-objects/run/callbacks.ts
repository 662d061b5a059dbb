/**
 * Await callbacks are deliveries of the one ledger (../ledger/ledger.ts):
 * this is the run's side of it. Rows are the `callbacks` table; the message
 * carries the signed body; outcomes follow the default retry policy.
 */
import { DEFAULT_RETRY } from "../../src/domain/backoff";
import type { DeliveryMessage } from "../../src/contracts/messages";
import type { DeliveryControl } from "../../src/contracts/rpc";
import type { LedgerRow, LedgerStore } from "../ledger/types";
import { DEFAULT_IN_FLIGHT, type LaneState } from "../../src/domain/delivery-lane";
import { CALLBACK_LANE, type RunCore } from "./core";
import { logEvent } from "../../src/observability/log";

/**
 * A callback row with what its message needs of its await: the callback
 * target (`target`, JSON; null when the await is gone or has none) and the
 * settled await's status and result (`await_status` null when it is gone).
 */
type CallbackRow = {
  id: string; step: string; type: string; status: string; attempts: number; created_at: number; next_attempt_at: number | null; seq: number | null;
  target: string | null; await_status: string | null; await_result: string | null;
};

/** One read gives a callback, its target and its await's outcome: the ledger's rows need the target's timeout, messages the rest. */
const FROM = `SELECT c.id, c.step, c.type, c.status, c.attempts, c.created_at, c.next_attempt_at, c.seq, a.callback AS target,
  a.status AS await_status, a.result AS await_result
  FROM callbacks c LEFT JOIN awaits a ON a.step = c.step`;

/** Rows read for the ledger, kept for the messages the same hand-over builds from them (bounded; a miss reads the row again). */
const KEPT_ROWS = 256;

function timeoutOfCallback(c: CallbackRow): number {
  const t = c.target ? (JSON.parse(c.target) as Record<string, unknown>) : null;
  return typeof t?.timeoutMs === "number" ? t.timeoutMs : 10_000;
}

const asLedgerRow = (c: CallbackRow): LedgerRow => ({
  id: c.id, lane: CALLBACK_LANE, key: [c.seq ?? 0, 0], status: c.status, attempts: c.attempts, dueAt: c.next_attempt_at ?? c.created_at, timeoutMs: timeoutOfCallback(c),
});

/** The callback body (API.md "Awaits"); null when the await is gone. */
export function callbackBody(core: RunCore, c: Pick<CallbackRow, "id" | "step" | "type" | "await_status" | "await_result">, attempt: number): Record<string, unknown> | null {
  if (c.await_status === null) return null;
  const result = c.await_result === null ? null : (JSON.parse(c.await_result) as unknown);
  return { type: c.type, deliveryId: c.id, tenant: core.tenant(), runId: core.runId(), step: c.step, status: c.await_status, result, attempt };
}

export function callbackRow(core: RunCore, id: string): CallbackRow | null {
  return core.sql.one<CallbackRow>(`${FROM} WHERE c.id = ?`, id);
}

export function runCallbackStore(core: RunCore, ready: () => boolean): LedgerStore {
  const lanes = new Map<string, LaneState>();
  const kept = new Map<string, CallbackRow>();
  const keep = (rows: CallbackRow[]): LedgerRow[] => {
    if (kept.size + rows.length > KEPT_ROWS) kept.clear();
    for (const c of rows) kept.set(c.id, c);
    return rows.map(asLedgerRow);
  };
  return {
    lanes: () => (ready() ? [{ lane: CALLBACK_LANE, cap: DEFAULT_IN_FLIGHT, breaker: null }] : []),
    fresh(after, _lanes, limit) {
      if (!ready()) return [];
      return keep(core.sql.all<CallbackRow>(`${FROM} WHERE c.status = 'queued' AND c.attempts = 0 AND c.seq > ? ORDER BY c.seq LIMIT ?`, after?.[0] ?? 0, limit));
    },
    dueRetries(_lane, now, limit) {
      if (!ready()) return [];
      return keep(core.sql.all<CallbackRow>(`${FROM} WHERE c.status = 'queued' AND c.attempts > 0 AND c.next_attempt_at <= ? ORDER BY c.next_attempt_at LIMIT ?`, Math.min(now, Number.MAX_SAFE_INTEGER), limit));
    },
    nextRetryAt(_lane, now) {
      if (!ready()) return null;
      return core.sql.one<{ t: number | null }>(`SELECT min(next_attempt_at) AS t FROM callbacks WHERE status = 'queued' AND attempts > 0 AND next_attempt_at > ?`, now)?.t ?? null;
    },
    // a run's callbacks have their own targets: the timeout is each callback's (rows carry it)
    timeoutOf: () => 10_000,
    row(id) {
      const c = ready() ? callbackRow(core, id) : null;
      return c ? asLedgerRow(c) : null;
    },
    message(r, attempt): DeliveryMessage {
      // the callback's step, type and target never change, nor a settled await's outcome: a row read by this hand-over is current
      const c = kept.get(r.id) ?? callbackRow(core, r.id)!;
      kept.delete(r.id);
      const x = c.target ? (JSON.parse(c.target) as DeliveryMessage["x"]) : null;
      return { k: "run", t: core.tenant(), n: core.runId(), d: r.id, a: attempt, f: c.step, v: 1, b: callbackBody(core, c, attempt) ?? undefined, ...(x ? { x } : {}) };
    },
    policy: () => DEFAULT_RETRY,
    write(r, attempt, decision, result, now) {
      logEvent("callback", { tenant: core.tenant(), runId: core.runId(), deliveryId: r.id, attempt, status: decision.status, statusCode: result.statusCode }, decision.status === "dead" || decision.status === "failed" ? "warn" : "info");
      const base = [attempt, result.statusCode, result.error];
      if (decision.status === "delivered") {
        core.sql.run(`UPDATE callbacks SET status = 'delivered', attempts = ?, last_status_code = ?, last_error = ?, delivered_at = ?, next_attempt_at = NULL WHERE id = ?`, ...base, now, r.id);
      } else if (decision.status === "retry") {
        core.sql.run(`UPDATE callbacks SET attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = ? WHERE id = ?`, ...base, now + decision.delaySeconds * 1000, r.id);
      } else {
        const status = decision.status === "skipped" ? "skipped" : decision.status;
        core.sql.run(`UPDATE callbacks SET status = ?, attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = NULL WHERE id = ?`, status, ...base, r.id);
      }
    },
    writeProbeFailure(r, _attempt, result) {
      core.sql.run(`UPDATE callbacks SET last_status_code = ?, last_error = ? WHERE id = ?`, result.statusCode, result.error, r.id);
    },
    // a run keeps no lane state across restarts (its callbacks are few, and each its own endpoint)
    loadLane: (lane) => lanes.get(lane) ?? null,
    saveLane: (lane, state) => void lanes.set(lane, state),
  };
}

/** The consumer's view of this run's callback targets, by step. */
export function callbackControl(core: RunCore): DeliveryControl {
  const rows = core.sql.all<{ step: string; callback: string }>(`SELECT step, callback FROM awaits WHERE callback IS NOT NULL`);
  return { version: 1, retired: false, targets: Object.fromEntries(rows.map((r) => [r.step, JSON.parse(r.callback)])), skipped: [] };
}

/** A callback message that reached the dead-letter queue. */
export function deadLetterCallback(core: RunCore, id: string): void {
  core.tx(() => core.sql.run(`UPDATE callbacks SET status = 'dead', last_error = coalesce(last_error, 'dead-lettered by the queue') WHERE id = ? AND status = 'queued'`, id));
  core.ledger.forget(id);
}
