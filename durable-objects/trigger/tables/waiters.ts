/** The `waiters` table: event awaits of runs waiting for this trigger (not subscriptions: they never show on the trigger). */
import type { Core } from "../core";

export type WaiterRow = { run_id: string; step: string; match: string; expires_at: number };

export function putWaiter(core: Core, runId: string, step: string, match: unknown, expiresAt: number): void {
  core.sql.run(`INSERT OR REPLACE INTO waiters (run_id, step, match, expires_at) VALUES (?, ?, ?, ?)`, runId, step, JSON.stringify(match), expiresAt);
  core.waiterCount = undefined;
}

export function deleteWaiter(core: Core, runId: string, step: string): void {
  core.sql.run(`DELETE FROM waiters WHERE run_id = ? AND step = ?`, runId, step);
  core.waiterCount = undefined;
}

export function waiterCount(core: Core): number {
  core.waiterCount ??= core.sql.one<{ n: number }>(`SELECT count(*) AS n FROM waiters`)!.n;
  return core.waiterCount;
}

export function allWaiters(core: Core): WaiterRow[] {
  return core.sql.all<WaiterRow>(`SELECT * FROM waiters`);
}

/** Waiters that have not expired yet (an expired one lingers until a fire drops it). */
export function openWaiterCount(core: Core, now: number): number {
  return core.sql.one<{ n: number }>(`SELECT count(*) AS n FROM waiters WHERE expires_at > ?`, now)!.n;
}
