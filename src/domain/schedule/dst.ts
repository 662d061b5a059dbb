/**
 * The DST policy: which instants a wall-clock occurrence fires at when the
 * zone skips its local time (gap, spring forward) or repeats it (fold, fall
 * back). API.md "Triggers" defines `dst.gap` and `dst.fold`.
 */
import type { DstPolicy } from "./types";
import { resolveWallTime } from "./zone";

/** Instants to fire for one wall-clock occurrence, and a lower bound on what any later wall time can give. */
export type PlacedOccurrence = { instants: number[]; floor: number };

/**
 * Places wall time `wall` in `zone` under `policy`. A gap with `shift` fires
 * at the end of the gap (02:30 in a 02:00→03:00 gap fires at 03:00, not at
 * 03:30 as "add the gap length" libraries do); `skip` drops it. A fold fires
 * at its first instant with `once`, at both with `twice`. `floor` is the
 * earliest instant the wall time maps to, which never decreases as the wall
 * time grows, so callers can emit everything below it in order.
 * @example placeWallTime("America/New_York", Date.UTC(2026, 10, 1, 1, 30), { fold: "twice" }).instants // [05:30Z, 06:30Z]
 */
export function placeWallTime(zone: string, wall: number, policy: DstPolicy = {}): PlacedOccurrence {
  if (zone === "UTC") return { instants: [wall], floor: wall };
  const r = resolveWallTime(zone, wall);
  switch (r.kind) {
    case "single":
      return { instants: [r.instant], floor: r.instant };
    case "fold":
      return { instants: policy.fold === "twice" ? [r.first, r.second] : [r.first], floor: r.first };
    case "gap":
      return { instants: policy.gap === "skip" ? [] : [r.gapEnd], floor: r.gapEnd };
  }
}
