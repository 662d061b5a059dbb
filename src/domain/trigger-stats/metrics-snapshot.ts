/**
 * The figures of one trigger that `GET /v1/metrics` shows, as the trigger's
 * object pushes them to the D1 index with its coalesced stats (so a scrape
 * reads one row per trigger and never a stream). Plain JSON.
 */
import type { Histogram } from "./histogram";
import type { FlowCounters, StatsState } from "./state";

export type MetricsSnapshot = {
  v: 1;
  bySource: Record<string, number>;
  skipReasons: Record<string, number>;
  flows: Record<string, FlowCounters>;
  /** webhook requests by outcome: accepted, deduplicated and the refusals */
  webhook: Record<string, number>;
  pending: number;
  /** when the oldest fire with a delivery still pending was recorded; null when none is pending */
  pendingOldestAt: number | null;
  scheduleMissed: number;
  pollFailures: number;
  latency: Histogram;
  lateness: Histogram;
};

/**
 * The snapshot of a trigger's counters (copies, so later changes to the
 * state do not reach a snapshot being written).
 * @example metricsSnapshot(emptyStats(), null).pending // 0
 */
export function metricsSnapshot(s: StatsState, pendingOldestAt: number | null): MetricsSnapshot {
  const copy = <T>(v: T): T => structuredClone(v);
  return {
    v: 1,
    bySource: copy(s.bySource), skipReasons: copy(s.skipReasons), flows: copy(s.flows), webhook: copy(s.webhook),
    pending: Math.max(0, s.pending), pendingOldestAt: s.pending > 0 ? pendingOldestAt : null,
    scheduleMissed: s.scheduleMissed, pollFailures: s.pollFailures,
    latency: copy(s.latencyHist), lateness: copy(s.latenessHist),
  };
}

/** Reads a stored snapshot; anything unreadable (an older row, '{}') gives null. */
export function parseMetricsSnapshot(text: string | null | undefined): MetricsSnapshot | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<MetricsSnapshot>;
    return v && v.v === 1 ? (v as MetricsSnapshot) : null;
  } catch {
    return null;
  }
}
