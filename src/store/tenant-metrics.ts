/**
 * D1 reads and writes behind `GET /v1/metrics`: one row per trigger (the
 * figures its object pushed with its stats), one row per run (its awaits by
 * status) and the tenant's awaits totals, changed in the same batch as a
 * run's row. A scrape reads O(triggers) rows plus one and writes nothing.
 */
import { parseMetricsSnapshot } from "../domain/trigger-stats/metrics-snapshot";
import type { TriggerFigures } from "../domain/metrics/tenant";

export type AwaitCounts = { waiting: number; resolved: number; timed_out: number; cancelled: number };

const PAGE = 1000;

export class TenantMetrics {
  /** Rows D1 reported read by this instance's queries (for the benchmark's O(triggers) check). */
  rowsRead = 0;

  constructor(
    private readonly db: D1Database,
    private readonly tenant: string,
  ) {}

  /** Every trigger's figures, paged by name (retired ones too: their counters stay counters). */
  async triggers(): Promise<TriggerFigures[]> {
    const out: TriggerFigures[] = [];
    for (let after = ""; ; ) {
      const { results, meta } = await this.db
        .prepare(`SELECT name, type, metrics FROM triggers WHERE tenant = ? AND name > ? ORDER BY name LIMIT ?`)
        .bind(this.tenant, after, PAGE)
        .all<{ name: string; type: string; metrics: string }>();
      this.rowsRead += Number(meta?.rows_read ?? 0);
      for (const r of results) out.push({ name: r.name, type: r.type, metrics: parseMetricsSnapshot(r.metrics) });
      if (results.length < PAGE) return out;
      after = results[results.length - 1].name;
    }
  }

  /** Awaits by status across the tenant's runs: the totals row (one row read). */
  async awaits(): Promise<AwaitCounts> {
    const { results, meta } = await this.db
      .prepare(`SELECT waiting, resolved, timed_out, cancelled FROM run_awaits_totals WHERE tenant = ?`)
      .bind(this.tenant)
      .all<AwaitCounts>();
    this.rowsRead += Number(meta?.rows_read ?? 0);
    return results[0] ?? { waiting: 0, resolved: 0, timed_out: 0, cancelled: 0 };
  }

  /**
   * A run's awaits by status (a run with none left loses its row), and the
   * tenant's totals moved by the difference, in one batch. Both are guarded
   * by the push's time: an older push applied late changes neither.
   */
  async putRunAwaits(runId: string, c: AwaitCounts, at: number): Promise<void> {
    const t = this.tenant;
    const old = (col: keyof AwaitCounts) => `coalesce((SELECT ${col} FROM run_awaits WHERE tenant = ? AND run_id = ?), 0)`;
    const totals = [
      this.db.prepare(`INSERT INTO run_awaits_totals (tenant) VALUES (?) ON CONFLICT (tenant) DO NOTHING`).bind(t),
      this.db
        .prepare(
          `UPDATE run_awaits_totals SET waiting = waiting + ? - ${old("waiting")}, resolved = resolved + ? - ${old("resolved")},
             timed_out = timed_out + ? - ${old("timed_out")}, cancelled = cancelled + ? - ${old("cancelled")}
           WHERE tenant = ? AND NOT EXISTS (SELECT 1 FROM run_awaits WHERE tenant = ? AND run_id = ? AND updated_at > ?)`,
        )
        .bind(c.waiting, t, runId, c.resolved, t, runId, c.timed_out, t, runId, c.cancelled, t, runId, t, t, runId, at),
    ];
    const row = c.waiting + c.resolved + c.timed_out + c.cancelled === 0
      ? this.db.prepare(`DELETE FROM run_awaits WHERE tenant = ? AND run_id = ? AND updated_at <= ?`).bind(t, runId, at)
      : this.db
          .prepare(
            `INSERT INTO run_awaits (tenant, run_id, waiting, resolved, timed_out, cancelled, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (tenant, run_id) DO UPDATE SET waiting = excluded.waiting, resolved = excluded.resolved, timed_out = excluded.timed_out,
               cancelled = excluded.cancelled, updated_at = excluded.updated_at WHERE excluded.updated_at >= run_awaits.updated_at`,
          )
          .bind(t, runId, c.waiting, c.resolved, c.timed_out, c.cancelled, at);
    await this.db.batch([...totals, row]);
  }
}
