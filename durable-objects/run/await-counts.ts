/**
 * The run's awaits by status, pushed to D1 for `signalbox_awaits` and
 * `GET /v1/runs` through the run's outbox: one outbox row however many
 * changes (the push reads the counts when it is sent), due
 * COUNTS_COALESCE_MS after the first change since the last push, so a burst
 * of PUTs or settlements costs one D1 write, not one per change (API.md lets
 * the runs list lag the objects by a few seconds).
 */
import type { AwaitCounts } from "../../src/store/tenant-metrics";
import type { RunCore } from "./core";

/** How long after the first change the push is sent (the changes meanwhile ride along). */
const COUNTS_COALESCE_MS = 1_000;

/**
 * Queues the push (inside the change's transaction). A push already queued
 * keeps its time (a steady stream of changes cannot postpone it) and takes
 * the new payload, so a change made while it is being sent is not removed
 * with it (the outbox deletes a row only if its payload is the one it sent).
 */
export function queueAwaitCounts(core: RunCore): void {
  const now = core.now();
  core.sql.run(
    `INSERT INTO outbox (key, payload, attempts, next_at) VALUES ('counts', ?, 0, ?) ON CONFLICT (key) DO UPDATE SET payload = excluded.payload`,
    JSON.stringify({ op: "counts", at: now }), now + COUNTS_COALESCE_MS,
  );
}

/** The run's awaits by status (a run holds few awaits; settled ones go after 7 days). */
export function awaitCounts(core: RunCore): AwaitCounts {
  const c: AwaitCounts = { waiting: 0, resolved: 0, timed_out: 0, cancelled: 0 };
  for (const r of core.sql.all<{ status: keyof AwaitCounts; n: number }>(`SELECT status, count(*) AS n FROM awaits GROUP BY status`)) c[r.status] = r.n;
  return c;
}
