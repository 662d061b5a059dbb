/**
 * GET /v1/runs: the runs of a tenant by their awaits, from the `run_awaits`
 * projection each RunObject pushes through its outbox (one row per run, its
 * awaits counted by status). One indexed read a page; figures may lag the
 * run objects by a few seconds.
 */
import { decodeCursor, encodeCursor } from "./cursor";
import type { AwaitCounts } from "./tenant-metrics";

export type AwaitStatus = keyof AwaitCounts;
export const AWAIT_STATUSES: readonly AwaitStatus[] = ["waiting", "resolved", "timed_out", "cancelled"];

type Row = AwaitCounts & { run_id: string; updated_at: number };

export class RunIndex {
  constructor(
    private readonly db: D1Database,
    private readonly tenant: string,
  ) {}

  /** Runs having awaits in `status` (all runs when null), most recently changed first. */
  async list(status: AwaitStatus | null, limit: number, cursor?: string) {
    const c = decodeCursor(cursor);
    // the status names a column: only the four known ones reach the SQL
    const where = ["tenant = ?", status && AWAIT_STATUSES.includes(status) ? `${status} > 0` : "1 = 1"];
    const params: unknown[] = [this.tenant];
    if (c) (where.push("(updated_at < ? OR (updated_at = ? AND run_id < ?))"), params.push(c[0], c[0], c[1]));
    const { results } = await this.db
      .prepare(`SELECT run_id, waiting, resolved, timed_out, cancelled, updated_at FROM run_awaits WHERE ${where.join(" AND ")} ORDER BY updated_at DESC, run_id DESC LIMIT ?`)
      .bind(...params, limit + 1)
      .all<Row>();
    const page = results.slice(0, limit);
    const last = page[page.length - 1];
    return {
      runs: page.map((r) => ({
        runId: r.run_id,
        awaits: { waiting: r.waiting, resolved: r.resolved, timed_out: r.timed_out, cancelled: r.cancelled },
        updatedAt: r.updated_at,
      })),
      nextCursor: results.length > limit && last ? encodeCursor([last.updated_at, last.run_id]) : null,
    };
  }
}
