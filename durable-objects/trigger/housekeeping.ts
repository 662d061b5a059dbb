/**
 * Retention: expired dedup keys go, and stream events and settled deliveries
 * older than `config.retentionDays` (default 30) are removed, their counts
 * folded into the counters first so stats never go backwards.
 */
import type { Core } from "./core";
import { bumpCounters } from "./stats";
import { gcInbox } from "./inbox";

export const HOUSEKEEPING_EVERY_MS = 3_600_000;
const DAY = 86_400_000;
const BATCH = 5_000;

export function runHousekeeping(core: Core): void {
  const row = core.row();
  if (!row) return;
  const now = core.now();
  const cutoff = now - (row.def.config?.retentionDays ?? 30) * DAY;
  core.tx(() => {
    core.sql.run(`DELETE FROM dedup WHERE expires_at <= ?`, now);
    gcInbox(core, row);
    const ev = core.sql.all<{ type: string; n: number }>(
      `SELECT type, count(*) AS n FROM (SELECT type FROM events WHERE ts < ? ORDER BY seq LIMIT ?) WHERE type IN ('trigger.fired', 'trigger.skipped') GROUP BY type`,
      cutoff, BATCH,
    );
    const dl = core.sql.all<{ status: string; n: number }>(
      `SELECT status, count(*) AS n FROM deliveries WHERE fired_at < ? AND status NOT IN ('queued') GROUP BY status`,
      cutoff,
    );
    const n = (arr: { n: number }[], pred: (x: any) => boolean) => arr.filter(pred).reduce((s, x) => s + x.n, 0);
    bumpCounters(core, {
      firedBefore: n(ev, (e) => e.type === "trigger.fired"),
      skippedBefore: n(ev, (e) => e.type === "trigger.skipped"),
      deliveredBefore: n(dl, (d) => ["delivered", "processing", "completed"].includes(d.status)),
      failedBefore: n(dl, (d) => d.status === "failed"),
      deadBefore: n(dl, (d) => d.status === "dead"),
      skippedDeliveriesBefore: n(dl, (d) => d.status === "skipped"),
    });
    core.sql.run(`DELETE FROM deliveries WHERE fired_at < ? AND status NOT IN ('queued')`, cutoff);
    core.sql.run(`DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE ts < ? ORDER BY seq LIMIT ?)`, cutoff, BATCH);
    core.sql.run(`INSERT OR REPLACE INTO meta (key, value) VALUES ('housekeeping_at', ?)`, String(now));
  });
}

export function nextHousekeepingDue(core: Core): number {
  const last = core.sql.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'housekeeping_at'`);
  return (last ? Number(last.value) : core.row()?.registeredAt ?? core.now()) + HOUSEKEEPING_EVERY_MS;
}
