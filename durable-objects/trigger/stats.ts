/**
 * Stats derived at read time from the stream and the delivery rows (a fire
 * writes no counter rows), plus a few counters for things that leave no
 * stream event (deduplicated and rejected requests) and for rows that the
 * retention sweep removed.
 */
import type { Core } from "./core";

export type Counters = {
  deduplicated: number; rejected: number; authFailures: number;
  /** folded in by the retention sweep */
  firedBefore: number; skippedBefore: number; deliveredBefore: number; failedBefore: number; deadBefore: number; skippedDeliveriesBefore: number;
};

const ZERO: Counters = { deduplicated: 0, rejected: 0, authFailures: 0, firedBefore: 0, skippedBefore: 0, deliveredBefore: 0, failedBefore: 0, deadBefore: 0, skippedDeliveriesBefore: 0 };

export function readCounters(core: Core): Counters {
  const r = core.sql.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'counters'`);
  return r ? { ...ZERO, ...JSON.parse(r.value) } : { ...ZERO };
}

/** Adds to counters; call inside a transaction (or alone: one statement is atomic). */
export function bumpCounters(core: Core, add: Partial<Counters>): void {
  const c = readCounters(core);
  for (const [k, v] of Object.entries(add)) c[k as keyof Counters] += v ?? 0;
  core.sql.run(`INSERT OR REPLACE INTO meta (key, value) VALUES ('counters', ?)`, JSON.stringify(c));
}

export type Stats = {
  totalFires: number; lastFiredAt: number | null; activeSubscribers: number;
  delivered: number; failed: number; skipped: number; pending: number; dead: number;
  deduplicated: number; rejected: number; authFailures: number;
};

/** The `stats` object of API.md (plus dead, deduplicated and rejected). */
export function computeStats(core: Core): Stats {
  const c = readCounters(core);
  const ev = core.sql.all<{ type: string; n: number; last: number | null }>(
    `SELECT type, count(*) AS n, max(ts) AS last FROM events WHERE type IN ('trigger.fired', 'trigger.skipped') GROUP BY type`,
  );
  const fired = ev.find((e) => e.type === "trigger.fired");
  const skippedFires = ev.find((e) => e.type === "trigger.skipped")?.n ?? 0;
  const byStatus = new Map(core.sql.all<{ status: string; n: number }>(`SELECT status, count(*) AS n FROM deliveries GROUP BY status`).map((r) => [r.status, r.n]));
  const n = (s: string) => byStatus.get(s) ?? 0;
  const subs = core.sql.one<{ n: number }>(`SELECT count(*) AS n FROM subscriptions WHERE mode = 'auto'`)?.n ?? 0;
  return {
    totalFires: c.firedBefore + (fired?.n ?? 0),
    lastFiredAt: fired?.last ?? null,
    activeSubscribers: subs,
    delivered: c.deliveredBefore + n("delivered") + n("processing") + n("completed"),
    failed: c.failedBefore + n("failed"),
    skipped: c.skippedBefore + c.skippedDeliveriesBefore + skippedFires + n("skipped"),
    pending: n("queued"),
    dead: c.deadBefore + n("dead"),
    deduplicated: c.deduplicated,
    rejected: c.rejected,
    authFailures: c.authFailures,
  };
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** GET …/stats: the stats object plus the last hour's fires, delivery latency percentiles and write cost. */
export function detailedStats(core: Core) {
  const now = core.now();
  const lastHour = core.sql.one<{ n: number }>(`SELECT count(*) AS n FROM events WHERE type = 'trigger.fired' AND ts > ?`, now - 3_600_000)?.n ?? 0;
  const lat = core.sql
    .all<{ l: number }>(`SELECT latency_ms AS l FROM deliveries WHERE latency_ms IS NOT NULL ORDER BY delivered_at DESC LIMIT 10000`)
    .map((r) => r.l)
    .sort((a, b) => a - b);
  return {
    ...computeStats(core),
    firesLastHour: lastHour,
    p50DeliveryMs: percentile(lat, 50),
    p99DeliveryMs: percentile(lat, 99),
    rowsWritten: core.sql.rowsWritten,
  };
}
