/**
 * Event-await waiters: a run waiting for this trigger. Every fire checks them
 * (in the fire's transaction); a match removes the waiter and queues a notice
 * to the RunObject in the outbox, applied after commit and retried by the
 * alarm. Waiters are not subscriptions: they never show in the trigger.
 */
import { matches } from "../../src/domain/match";
import type { Core, TriggerRow } from "./core";
import { queueProjection } from "./projection";

type WaiterRow = { run_id: string; step: string; match: string; expires_at: number };
type Notice = { op: "resolve"; runId: string; step: string; result: unknown };

export type WaiterResult = { matched: { eventId: string; trigger: string; firedAt: number; data: unknown } | null };

/** Registers a waiter; with lookbackMs, first looks for a recent fire that already matches. */
export function addWaiter(core: Core, runId: string, step: string, match: Record<string, unknown>, expiresAt: number, lookbackMs: number): WaiterResult {
  const row = core.requireRow();
  if (lookbackMs > 0) {
    const since = core.now() - lookbackMs;
    const recent = core.sql.all<{ id: string; ts: number; data: string }>(`SELECT id, ts, data FROM events WHERE type = 'trigger.fired' AND ts >= ? ORDER BY seq`, since);
    for (const e of recent) {
      const d = JSON.parse(e.data) as { payload?: unknown; source?: string };
      if (matches(match, { data: d.payload, source: d.source, trigger: row.name })) {
        return { matched: { eventId: e.id, trigger: row.name, firedAt: e.ts, data: d.payload ?? null } };
      }
    }
  }
  core.sql.run(`INSERT OR REPLACE INTO waiters (run_id, step, match, expires_at) VALUES (?, ?, ?, ?)`, runId, step, JSON.stringify(match), expiresAt);
  core.waiterCount = undefined;
  return { matched: null };
}

export function removeWaiter(core: Core, runId: string, step: string): void {
  core.sql.run(`DELETE FROM waiters WHERE run_id = ? AND step = ?`, runId, step);
  core.waiterCount = undefined;
}

/** Inside a fire's transaction: resolve every waiter this fire matches, drop expired ones. */
export function matchWaiters(core: Core, row: TriggerRow, fire: { id: string; ts: number; data: unknown; source: string }): void {
  if (core.waiterCount === undefined) core.waiterCount = core.sql.one<{ n: number }>(`SELECT count(*) AS n FROM waiters`)!.n;
  if (core.waiterCount === 0) return;
  const now = core.now();
  for (const w of core.sql.all<WaiterRow>(`SELECT * FROM waiters`)) {
    const expired = w.expires_at <= now;
    if (!expired && !matches(JSON.parse(w.match), { data: fire.data, source: fire.source, trigger: row.name })) continue;
    core.sql.run(`DELETE FROM waiters WHERE run_id = ? AND step = ?`, w.run_id, w.step);
    if (!expired) {
      const notice: Notice = { op: "resolve", runId: w.run_id, step: w.step, result: { eventId: fire.id, trigger: row.name, firedAt: fire.ts, data: fire.data } };
      queueProjection(core, `run:${w.run_id}:${w.step}`, notice);
    }
  }
  core.waiterCount = undefined;
}

/** Delivers due notices to their RunObjects; failures stay for the alarm. */
export async function drainNotices(core: Core): Promise<void> {
  const row = core.row();
  if (!row) return;
  const due = core.sql.all<{ key: string; payload: string; rev: number; attempts: number }>(`SELECT key, payload, rev, attempts FROM outbox WHERE key >= 'run:' AND key < 'run;' AND next_at <= ? LIMIT 100`, core.now());
  for (const r of due) {
    const n = JSON.parse(r.payload) as Notice;
    try {
      const stub = core.env.RUNS.get(core.env.RUNS.idFromName(`${row.tenant}:${n.runId}`));
      await stub.resolveFromEvent(n.step, n.result);
      core.sql.run(`DELETE FROM outbox WHERE key = ? AND rev = ?`, r.key, r.rev);
    } catch (e) {
      core.sql.run(`UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE key = ?`, core.now() + Math.min(1000 * 2 ** r.attempts, 60_000), String((e as Error).message).slice(0, 300), r.key);
    }
  }
}
