/**
 * Fixed-bucket histograms for latencies (delivery, schedule lateness): plain
 * JSON state that a Durable Object keeps in memory and checkpoints to SQLite
 * with its other counters, merged across objects for `/v1/metrics`.
 * Observations are milliseconds; bounds and sums are seconds, as Prometheus
 * wants them.
 */
import type { HistogramSeries, Labels } from "./exposition";

/**
 * `counts[i]` observations fell in bucket i alone: at most `bounds[i]`
 * seconds and more than `bounds[i - 1]`; the last count is the overflow
 * (above every bound). `sumMs` is the total of the observations in ms.
 */
export type HistogramState = { bounds: number[]; counts: number[]; sumMs: number };

/** Fire to 2xx, in seconds: 5 ms to a minute. */
export const DELIVERY_LATENCY_BOUNDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** How late a scheduled fire ran, in seconds: 10 ms to an hour (alarms are late by a few ms to seconds, an outage by much more). */
export const SCHEDULE_LATENESS_BOUNDS: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/**
 * An empty histogram over `bounds` (seconds, finite, strictly increasing).
 * @example createHistogram(DELIVERY_LATENCY_BOUNDS).counts.length // 14
 */
export function createHistogram(bounds: readonly number[]): HistogramState {
  if (bounds.length === 0) throw new Error("a histogram needs at least one bucket bound");
  bounds.forEach((b, i) => {
    if (!Number.isFinite(b) || b < 0 || (i > 0 && b <= bounds[i - 1])) throw new Error("histogram bounds must be finite, non-negative and increasing");
  });
  return { bounds: [...bounds], counts: new Array(bounds.length + 1).fill(0), sumMs: 0 };
}

/**
 * Adds one observation of `ms` milliseconds, in place, and returns `h`.
 * Negative values (clock skew) count as 0; NaN and infinities are ignored.
 * @example observe(createHistogram([0.1, 1]), 250).counts // [0, 1, 0]
 */
export function observe(h: HistogramState, ms: number): HistogramState {
  if (!Number.isFinite(ms)) return h;
  const v = Math.max(0, ms);
  // ms / 1000 is correctly rounded, so 5 / 1000 is exactly the literal 0.005.
  const seconds = v / 1000;
  let i = 0;
  while (i < h.bounds.length && seconds > h.bounds[i]) i++;
  h.counts[i]++;
  h.sumMs += v;
  return h;
}

/** Number of observations. @example count(observe(createHistogram([1]), 5)) // 1 */
export function count(h: HistogramState): number {
  return h.counts.reduce((a, b) => a + b, 0);
}

/**
 * A new histogram holding the observations of both; throws when their bounds differ.
 * @example merge(a, b).counts // a.counts[i] + b.counts[i] for each i
 */
export function merge(a: HistogramState, b: HistogramState): HistogramState {
  if (a.bounds.length !== b.bounds.length || a.bounds.some((x, i) => x !== b.bounds[i])) {
    throw new Error("cannot merge histograms with different bounds");
  }
  return { bounds: [...a.bounds], counts: a.counts.map((c, i) => c + b.counts[i]), sumMs: a.sumMs + b.sumMs };
}

/**
 * An estimate of the `p` quantile (0..1) in milliseconds, interpolating
 * linearly inside the bucket it falls in as Prometheus' `histogram_quantile`
 * does (the first bucket starts at 0). A quantile in the overflow bucket is
 * the largest bound. Null when the histogram is empty or `p` is out of range.
 * @example quantile(observe(observe(createHistogram([1, 2]), 500), 1500), 0.5) // 1000
 */
export function quantile(h: HistogramState, p: number): number | null {
  const total = count(h);
  if (total === 0 || !(p >= 0 && p <= 1)) return null;
  const rank = p * total;
  let below = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i];
    if (c > 0 && below + c >= rank) {
      if (i === h.bounds.length) return h.bounds[i - 1] * 1000;
      const lower = i === 0 ? 0 : h.bounds[i - 1];
      return (lower + (h.bounds[i] - lower) * ((rank - below) / c)) * 1000;
    }
    below += c;
  }
  return h.bounds[h.bounds.length - 1] * 1000;
}

/**
 * The series `renderExposition` takes for this histogram.
 * @example toSeries(h, { trigger: "nightly" }) // { labels, upperBounds: h.bounds, counts: h.counts, sum: h.sumMs / 1000 }
 */
export function toSeries(h: HistogramState, labels?: Labels): HistogramSeries {
  return { labels, upperBounds: [...h.bounds], counts: [...h.counts], sum: h.sumMs / 1000 };
}

/**
 * Reads a checkpointed state back (from `JSON.parse`), or null when it is not
 * a well-formed histogram: a corrupt checkpoint must not poison the metrics.
 * With `bounds`, a state over other bounds (an older release) is null too.
 * @example fromJSON(JSON.parse(JSON.stringify(h)), DELIVERY_LATENCY_BOUNDS) // a copy of h
 */
export function fromJSON(value: unknown, bounds?: readonly number[]): HistogramState | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.bounds) || !Array.isArray(v.counts) || typeof v.sumMs !== "number" || !(v.sumMs >= 0)) return null;
  const b = v.bounds as unknown[], c = v.counts as unknown[];
  if (b.length === 0 || c.length !== b.length + 1) return null;
  if (!b.every((x, i) => typeof x === "number" && Number.isFinite(x) && x >= 0 && (i === 0 || x > (b[i - 1] as number)))) return null;
  if (!c.every((x) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0)) return null;
  if (bounds && (bounds.length !== b.length || bounds.some((x, i) => x !== b[i]))) return null;
  return { bounds: [...(b as number[])], counts: [...(c as number[])], sumMs: v.sumMs };
}
