/**
 * A fixed-bucket histogram (bounds in seconds) as plain JSON: bucket counts
 * (not cumulative), the sum and the count, as Prometheus histograms need.
 */
export type Histogram = { bounds: number[]; counts: number[]; sum: number; count: number };

/** Fire → 2xx delivery latency bounds (seconds). */
export const LATENCY_BOUNDS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Schedule lateness bounds (seconds). */
export const LATENESS_BOUNDS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function emptyHistogram(bounds: number[]): Histogram {
  return { bounds: [...bounds], counts: bounds.map(() => 0).concat(0), sum: 0, count: 0 };
}

/** Counts one observation (in seconds); values above the last bound land in the +Inf bucket. */
export function observe(h: Histogram, v: number): void {
  let i = h.bounds.findIndex((b) => v <= b);
  if (i < 0) i = h.bounds.length;
  h.counts[i]++;
  h.sum += v;
  h.count++;
}
