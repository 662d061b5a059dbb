/**
 * Event-await waiters: a run waiting for this trigger. Every fire checks the
 * waiters it could match (in the fire's transaction; found by their equality
 * probe, so the cost follows the candidates, not the number of waiters); a
 * match removes the waiter and queues a notice to the RunObject in the
 * outbox, applied after commit (./notices.ts).
 */
import { getPath, matches, scalarKey } from "../../src/domain/match";
import type { WaiterResult } from "../../src/contracts/rpc";
import type { Core, TriggerRow } from "./core";
import { requireEntry } from "./tables/entry";
import { putWaiter, deleteWaiter, candidateWaiters } from "./tables/waiters";
import { queueOutbox } from "./tables/outbox";
import { LOOKBACK_BUDGET, recentFires } from "./reads";

export type Notice = { op: "resolve"; runId: string; step: string; result: unknown };

type FireFacts = { id: string; ts: number; data: unknown; source: string; meta?: Record<string, unknown> };

const view = (row: TriggerRow, f: { data: unknown; source: string; meta?: Record<string, unknown> }) =>
  ({ data: f.data, source: f.source, trigger: row.name, eventType: f.meta?.eventType ?? null, headers: f.meta?.headers ?? {} });

/** Registers a waiter; with lookbackMs, first looks for a recent fire that already matches. */
export function addWaiter(core: Core, runId: string, step: string, match: Record<string, unknown>, expiresAt: number, lookbackMs: number): WaiterResult {
  const row = requireEntry(core);
  if (lookbackMs > 0) {
    for (const e of recentFires(core, core.now() - lookbackMs, LOOKBACK_BUDGET)) {
      const d = JSON.parse(e.data) as { payload?: unknown; source?: string; eventType?: unknown; headers?: unknown };
      if (matches(match, view(row, { data: d.payload, source: d.source ?? "api", meta: d as Record<string, unknown> }))) {
        return { matched: { eventId: e.id, trigger: row.name, firedAt: e.ts, data: d.payload ?? null } };
      }
    }
  }
  putWaiter(core, runId, step, match, expiresAt);
  return { matched: null };
}

export function removeWaiter(core: Core, runId: string, step: string): void {
  deleteWaiter(core, runId, step);
}

/** Inside a fire's transaction: resolve every waiter this fire matches, drop expired candidates. */
export function matchWaiters(core: Core, row: TriggerRow, fire: FireFacts): void {
  const now = core.now();
  const doc = view(row, fire);
  const keyAt = (path: string) => {
    const at = getPath(doc, path);
    return at.found ? scalarKey(at.value) : null;
  };
  for (const w of candidateWaiters(core, keyAt)) {
    const expired = w.expires_at <= now;
    if (!expired && !matches(JSON.parse(w.match), doc)) continue;
    deleteWaiter(core, w.run_id, w.step);
    if (!expired) {
      const notice: Notice = { op: "resolve", runId: w.run_id, step: w.step, result: { eventId: fire.id, trigger: row.name, firedAt: fire.ts, data: fire.data } };
      queueOutbox(core, `run:${w.run_id}:${w.step}`, notice, now);
      core.onCommit(() => (core.runNotices = true));
    }
  }
}
