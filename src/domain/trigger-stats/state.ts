/**
 * A trigger's stats as counters kept up to date as stream events are
 * written, never recounted: every figure a read needs is a field here. The
 * state is plain JSON (checkpointed with the coalesced stats), and `foldEvent`
 * is a pure function of the state and one stream event, so replaying the
 * events after a checkpoint rebuilds exactly what a crash lost.
 */
import { observe, emptyHistogram, type Histogram, LATENCY_BOUNDS_S, LATENESS_BOUNDS_S } from "./histogram";

/**
 * Per flow: settled deliveries by status, attempts, deliveries still queued
 * (`pending`), and the subscription's breaker (open now: 1, and how often it opened).
 */
export type FlowCounters = {
  delivered: number; failed: number; dead: number; skipped: number; attempts: number;
  pending: number; breakerOpen: number; breakerOpened: number;
};

export type StatsState = {
  v: 2;
  /** the last stream seq folded in */
  seq: number;
  /** the last delivered outcome folded in that has no stream event (its row carries this number) */
  settledSeq: number;
  /** the oldest fire seq with a queued delivery when checkpointed (head + 1 when none) */
  openLow: number;
  fired: number; skippedFires: number; lastFiredAt: number | null;
  delivered: number; failed: number; dead: number; skippedDeliveries: number; pending: number;
  deduplicated: number; rejected: number; authFailures: number;
  bySource: Record<string, number>;
  skipReasons: Record<string, number>;
  flows: Record<string, FlowCounters>;
  /** webhook requests refused or deduplicated, by outcome (accepted ones are fires with source webhook) */
  webhook: Record<string, number>;
  scheduleMissed: number;
  pollFailures: number;
  /** fires per minute: [minute index, count], the last 60 minutes */
  minutes: [number, number][];
  /** per 10 minutes: [bucket start ms, fires, failures], the last 12 hours */
  history: [number, number, number][];
  /** the last RING_SIZE delivery latencies and schedule latenesses (ms), newest last */
  latency: number[];
  lateness: number[];
  latencyHist: Histogram;
  latenessHist: Histogram;
};

const RING_SIZE = 1000;
const HISTORY_BUCKET_MS = 600_000;
const HISTORY_BUCKETS = 72;
const MINUTE = 60_000;

export function emptyStats(seq = 0): StatsState {
  return {
    v: 2, seq, settledSeq: 0, openLow: seq + 1,
    fired: 0, skippedFires: 0, lastFiredAt: null,
    delivered: 0, failed: 0, dead: 0, skippedDeliveries: 0, pending: 0,
    deduplicated: 0, rejected: 0, authFailures: 0,
    bySource: {}, skipReasons: {}, flows: {}, webhook: {},
    scheduleMissed: 0, pollFailures: 0,
    minutes: [], history: [], latency: [], lateness: [],
    latencyHist: emptyHistogram(LATENCY_BOUNDS_S), latenessHist: emptyHistogram(LATENESS_BOUNDS_S),
  };
}

/** A stream event as folded: its data without the payload. */
export type FoldedEvent = { seq: number; type: string; ts: number; data: Record<string, any> | null };

const flow = (s: StatsState, f: unknown): FlowCounters =>
  (s.flows[String(f)] ??= { delivered: 0, failed: 0, dead: 0, skipped: 0, attempts: 0, pending: 0, breakerOpen: 0, breakerOpened: 0 });

/** One delivery of `f` left the queued state. */
function settledOne(s: StatsState, f: unknown): FlowCounters {
  s.pending--;
  const c = flow(s, f);
  c.pending--;
  return c;
}
const inc = (m: Record<string, number>, k: unknown, n = 1) => void (m[String(k)] = (m[String(k)] ?? 0) + n);

function push(ring: number[], v: number): void {
  ring.push(v);
  if (ring.length > RING_SIZE) ring.splice(0, ring.length - RING_SIZE);
}

function bucket<T extends [number, ...number[]]>(list: T[], at: number, fresh: () => T, keep: number): T {
  const last = list[list.length - 1];
  if (last && last[0] === at) return last;
  const b = fresh();
  list.push(b);
  list.sort((a, c) => a[0] - c[0]);
  if (list.length > keep) list.splice(0, list.length - keep);
  return b;
}

function countFire(s: StatsState, ts: number): void {
  const m = Math.floor(ts / MINUTE);
  bucket(s.minutes, m, () => [m, 0], 60)[1]++;
  const h = Math.floor(ts / HISTORY_BUCKET_MS) * HISTORY_BUCKET_MS;
  bucket(s.history, h, () => [h, 0, 0], HISTORY_BUCKETS)[1]++;
}

function countFailure(s: StatsState, ts: number): void {
  const h = Math.floor(ts / HISTORY_BUCKET_MS) * HISTORY_BUCKET_MS;
  bucket(s.history, h, () => [h, 0, 0], HISTORY_BUCKETS)[2]++;
}

/**
 * Folds one stream event into the state (mutating it). Events that change no
 * counter (registrations, subscription changes, …) only move `seq`.
 * @example foldEvent(s, { seq: 7, type: "trigger.fired", ts, data: { source: "api", deliveries: [] } })
 */
export function foldEvent(s: StatsState, e: FoldedEvent): void {
  if (e.seq <= s.seq) return;
  s.seq = e.seq;
  const d = e.data ?? {};
  switch (e.type) {
    case "trigger.fired": {
      s.fired++;
      s.lastFiredAt = e.ts;
      inc(s.bySource, d.source ?? "api");
      countFire(s, e.ts);
      for (const dl of (d.deliveries ?? []) as { flow: string; status: string; batched?: boolean }[]) {
        if (dl.batched) continue; // joined a batch that an earlier fire created (and counted)
        if (dl.status === "queued") (s.pending++, flow(s, dl.flow).pending++);
        else if (dl.status === "skipped") (s.skippedDeliveries++, flow(s, dl.flow).skipped++);
      }
      if (d.source === "schedule" && typeof d.latenessMs === "number" && !d.backfill && !d.buffered) {
        push(s.lateness, d.latenessMs);
        observe(s.latenessHist, d.latenessMs / 1000);
      }
      return;
    }
    case "trigger.skipped":
      s.skippedFires++;
      inc(s.skipReasons, d.skipReason ?? "unknown");
      return;
    case "delivery.succeeded": {
      s.delivered++;
      const f = settledOne(s, d.flow);
      f.delivered++;
      f.attempts++;
      if (typeof d.latencyMs === "number") (push(s.latency, d.latencyMs), observe(s.latencyHist, d.latencyMs / 1000));
      return;
    }
    case "delivery.failed": {
      const f = flow(s, d.flow);
      f.attempts++;
      if (d.willRetry === false && d.outcome !== "dead") {
        settledOne(s, d.flow);
        s.failed++;
        f.failed++;
        countFailure(s, e.ts);
      }
      return;
    }
    case "delivery.dead":
      s.dead++;
      settledOne(s, d.flow).dead++;
      countFailure(s, e.ts);
      return;
    case "delivery.skipped":
      s.skippedDeliveries++;
      settledOne(s, d.flow).skipped++;
      return;
    case "delivery.processing":
    case "delivery.completed":
      if (d.from === "queued") (s.delivered++, settledOne(s, d.flow).delivered++);
      return;
    case "delivery.flow_failed": {
      const f = flow(s, d.flow);
      if (d.from === "queued") settledOne(s, d.flow);
      else (s.delivered--, f.delivered--);
      s.failed++;
      f.failed++;
      countFailure(s, e.ts);
      return;
    }
    case "delivery.replayed": {
      const list = (d.deliveries ?? []) as { flow?: string }[];
      const n = list.length;
      s.pending += n;
      for (const x of list) flow(s, x.flow).pending++;
      if (n > 0 && typeof d.seq === "number") s.openLow = Math.min(s.openLow, d.seq);
      return;
    }
    case "subscription.breaker_opened": {
      const f = flow(s, d.flow);
      f.breakerOpen = 1;
      f.breakerOpened++;
      return;
    }
    case "subscription.breaker_closed":
      flow(s, d.flow).breakerOpen = 0;
      return;
    case "subscription.removed":
      if (s.flows[String(d.flow)]) s.flows[String(d.flow)].breakerOpen = 0;
      return;
    case "schedule.missed":
      s.scheduleMissed += typeof d.count === "number" ? d.count : 1;
      return;
    case "poll.failed":
      s.pollFailures++;
      return;
  }
}

/** A delivered outcome recorded on its delivery row only (no stream event), numbered in order. */
export type SettledDelivery = { settledSeq: number; flow: string; latencyMs: number };

/**
 * Folds a delivered outcome that left no stream event (replay after a
 * restart reads them back from the rows, by their number).
 * @example foldSettled(s, { settledSeq: 12, flow: "billing", latencyMs: 40 })
 */
export function foldSettled(s: StatsState, d: SettledDelivery): void {
  if (d.settledSeq <= s.settledSeq) return;
  s.settledSeq = d.settledSeq;
  s.delivered++;
  const f = settledOne(s, d.flow);
  f.delivered++;
  f.attempts++;
  push(s.latency, d.latencyMs);
  observe(s.latencyHist, d.latencyMs / 1000);
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The `stats` object of API.md (plus dead, deduplicated, rejected, authFailures). */
export function statsView(s: StatsState, activeSubscribers: number) {
  return {
    totalFires: s.fired, lastFiredAt: s.lastFiredAt, activeSubscribers,
    delivered: s.delivered, failed: s.failed, skipped: s.skippedFires + s.skippedDeliveries, pending: s.pending, dead: s.dead,
    deduplicated: s.deduplicated, rejected: s.rejected, authFailures: s.authFailures,
  };
}

/** GET …/stats extras: the last hour's fires, delivery latency percentiles, a 12-hour history. */
export function detailedView(s: StatsState, now: number) {
  const since = Math.floor((now - 3_600_000) / MINUTE);
  const from = Math.floor(now / HISTORY_BUCKET_MS) * HISTORY_BUCKET_MS - (HISTORY_BUCKETS - 1) * HISTORY_BUCKET_MS;
  return {
    firesLastHour: s.minutes.filter(([m]) => m > since).reduce((n, [, c]) => n + c, 0),
    p50DeliveryMs: percentile(s.latency, 50),
    p99DeliveryMs: percentile(s.latency, 99),
    history: {
      bucketMs: HISTORY_BUCKET_MS,
      buckets: s.history.filter(([at]) => at >= from).map(([at, fires, failures]) => ({ at, fires, failures })),
    },
  };
}

/** Schedule lateness percentiles of recent on-time scheduled fires. */
export function latenessView(s: StatsState) {
  return { p50LatenessMs: percentile(s.lateness, 50), p99LatenessMs: percentile(s.lateness, 99) };
}
