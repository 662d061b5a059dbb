/**
 * The run's awaits by status, pushed to D1 for `signalbox_awaits` through the
 * run's outbox: one outbox row however many changes (the push reads the
 * counts when it is sent), so the gauge costs one D1 write per burst.
 */
import type { AwaitCounts } from "../../src/store/tenant-metrics";
import type { RunCore } from "./core";

/** Queues the push (inside the change's transaction). */
export function queueAwaitCounts(core: RunCore): void {
  const now = core.now();
  core.sql.run(`INSERT OR REPLACE INTO outbox (key, payload, attempts, next_at) VALUES ('counts', ?, 0, ?)`, JSON.stringify({ op: "counts", at: now }), now);
}

/** The run's awaits by status (a run holds few awaits; settled ones go after 7 days). */
export function awaitCounts(core: RunCore): AwaitCounts {
  const c: AwaitCounts = { waiting: 0, resolved: 0, timed_out: 0, cancelled: 0 };
  for (const r of core.sql.all<{ status: keyof AwaitCounts; n: number }>(`SELECT status, count(*) AS n FROM awaits GROUP BY status`)) c[r.status] = r.n;
  return c;
}
