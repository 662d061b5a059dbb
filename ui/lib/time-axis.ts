/**
 * Where a history bucket goes on the chart's time axis: the axis always spans
 * the last `hours` up to now, whatever buckets the answer holds, so one busy
 * 10-minute bucket is a narrow bar at its time, not a bar across the chart.
 * Pure.
 */

export type Placed<B> = B & { x: number; width: number };

/**
 * @example placeOnAxis([{ at: now - 600_000 }], 600_000, now, 12, 700) // [{ at, x: 690.3, width: 9.7 }]: the last 1/72 of the width
 */
export function placeOnAxis<B extends { at: number }>(buckets: B[], bucketMs: number, now: number, hours: number, width: number): Placed<B>[] {
  const span = hours * 3_600_000;
  const start = now - span;
  const scale = width / span;
  return buckets
    .filter((b) => b.at + bucketMs > start && b.at <= now)
    .map((b) => {
      const from = Math.max(b.at, start);
      return { ...b, x: (from - start) * scale, width: Math.max(1, (Math.min(b.at + bucketMs, now) - from) * scale) };
    });
}
