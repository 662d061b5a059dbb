/**
 * The `waiters` table: event awaits of runs waiting for this trigger (not
 * subscriptions: they never show on the trigger). Each waiter keeps the
 * equality probe of its match (a path and the scalar it must hold, see
 * src/domain/match.ts), indexed, so a fire reads only the waiters it could
 * match: those whose probe it holds, and those without a probe.
 */
import { equalityProbe } from "../../../src/domain/match";
import type { Core } from "../core";

export type WaiterRow = { run_id: string; step: string; match: string; expires_at: number };

/** The probe paths in use, per object (a superset is harmless: one lookup that finds nothing). */
const pathsOf = new WeakMap<Core, Set<string>>();
/** Whether the object may have waiters (false: a fire reads nothing for them; a superset is harmless). */
const anyOf = new WeakMap<Core, boolean>();

function anyWaiter(core: Core): boolean {
  let any = anyOf.get(core);
  if (any === undefined) anyOf.set(core, (any = core.sql.one(`SELECT 1 AS x FROM waiters LIMIT 1`) !== null));
  return any;
}

export function putWaiter(core: Core, runId: string, step: string, match: Record<string, unknown>, expiresAt: number): void {
  const probe = equalityProbe(match);
  core.sql.run(
    `INSERT INTO waiters (run_id, step, match, expires_at, probe_path, probe_value) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step) DO UPDATE SET match = excluded.match, expires_at = excluded.expires_at, probe_path = excluded.probe_path, probe_value = excluded.probe_value`,
    runId, step, JSON.stringify(match), expiresAt, probe?.path ?? null, probe?.key ?? null,
  );
  if (probe) pathsOf.get(core)?.add(probe.path);
  anyOf.set(core, true);
}

export function deleteWaiter(core: Core, runId: string, step: string): void {
  core.sql.run(`DELETE FROM waiters WHERE run_id = ? AND step = ?`, runId, step);
  anyOf.delete(core);
}

/** The distinct probe paths, one index step each (loaded once per object start). */
function probePaths(core: Core): Set<string> {
  let paths = pathsOf.get(core);
  if (paths) return paths;
  paths = new Set();
  for (let after = ""; ; ) {
    const r = core.sql.one<{ p: string }>(`SELECT probe_path AS p FROM waiters WHERE probe_path > ? ORDER BY probe_path LIMIT 1`, after);
    if (!r) break;
    paths.add(r.p);
    after = r.p;
  }
  pathsOf.set(core, paths);
  return paths;
}

/**
 * The waiters a document could match: those whose probe it holds (`keyAt`
 * gives the document's scalar key at a path, or null), and those without a
 * probe. Index reads only: with no candidate it reads no row.
 */
export function candidateWaiters(core: Core, keyAt: (path: string) => string | null): WaiterRow[] {
  if (!anyWaiter(core)) return [];
  const out = core.sql.all<WaiterRow>(`SELECT run_id, step, match, expires_at FROM waiters WHERE probe_path IS NULL`);
  for (const path of probePaths(core)) {
    const key = keyAt(path);
    if (key !== null) out.push(...core.sql.all<WaiterRow>(`SELECT run_id, step, match, expires_at FROM waiters WHERE probe_path = ? AND probe_value = ?`, path, key));
  }
  return out;
}

/** Waiters that have not expired yet (an expired one lingers until its run removes it or a fire it could match drops it). */
export function openWaiterCount(core: Core, now: number): number {
  return core.sql.one<{ n: number }>(`SELECT count(*) AS n FROM waiters WHERE expires_at > ?`, now)!.n;
}
