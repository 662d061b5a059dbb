/**
 * When a schedule fires: the occurrences after an instant, or between two,
 * before jitter. Cron and `at` are matched on wall-clock time in the zone and
 * placed under the DST policy; `interval` and `every` count absolute time
 * from the anchor.
 */
import { parseAnchor } from "./anchor";
import { atToCron } from "./at";
import { cronWallTimes } from "./cron";
import { placeWallTime } from "./dst";
import { everyPeriodMs, parseInterval, periodicTimes } from "./interval";
import type { DstPolicy, ScheduleSpec } from "./types";
import { validateSchedule } from "./validate";
import { offsetAt } from "./zone";

const DAY = 86_400_000;

/**
 * The next `count` occurrences strictly after `afterMs`, ascending, never
 * repeated. `anchorMs` (the registration time) anchors `interval`/`every`
 * unless the spec has an `anchor`. Throws on a spec `validateSchedule` rejects.
 * @example nextOccurrences({ cron: "30 2 * * *", timezone: "America/New_York" }, Date.parse("2026-03-08T00:00:00Z"), 1, 0) // [Date.parse("2026-03-08T07:00:00Z")] (03:00 EDT: the gap ends there)
 */
export function nextOccurrences(spec: ScheduleSpec, afterMs: number, count: number, anchorMs: number): number[] {
  const out: number[] = [];
  if (count < 1) return out;
  for (const t of occurrencesAfter(spec, afterMs, anchorMs)) {
    out.push(t);
    if (out.length >= count) break;
  }
  return out;
}

/**
 * Occurrences in [fromMs, toMs], both ends included, at most `limit` of
 * them; `truncated` says more were left out. For backfills and previews.
 * @example occurrencesBetween({ interval: "1h" }, 0, 3 * 3_600_000, 0, 2) // { times: [0, 3600000], truncated: true }
 */
export function occurrencesBetween(
  spec: ScheduleSpec,
  fromMs: number,
  toMs: number,
  anchorMs: number,
  limit: number,
): { times: number[]; truncated: boolean } {
  const times: number[] = [];
  if (toMs < fromMs) return { times, truncated: false };
  // Occurrences are whole ms, so "after fromMs - 1" is "at or after fromMs".
  for (const t of occurrencesAfter(spec, fromMs - 1, anchorMs)) {
    if (t > toMs) break;
    if (times.length >= limit) return { times, truncated: true };
    times.push(t);
  }
  return { times, truncated: false };
}

/** Every occurrence strictly after `afterMs`, lazily, ascending. */
export function occurrencesAfter(spec: ScheduleSpec, afterMs: number, anchorMs: number): Generator<number> {
  const problems = validateSchedule(spec);
  if (problems.length > 0) throw new Error(`invalid schedule: ${problems.join("; ")}`);
  const cron = spec.cron ?? (spec.at !== undefined ? atToCron(spec.at) : null);
  if (cron !== null) return zonedTimes(cron, spec.timezone ?? "UTC", spec.dst ?? {}, afterMs);
  const period = spec.interval !== undefined ? parseInterval(spec.interval)! : everyPeriodMs(spec.every!);
  const anchor = spec.anchor !== undefined ? parseAnchor(spec.anchor)! : anchorMs;
  return periodicTimes(anchor, period, afterMs);
}

/**
 * Cron wall times placed in `zone`. A wall time can give two instants (fold)
 * or an instant shared with the next wall time (a shifted gap), so instants
 * wait in `pending` until the earliest instant any later wall time can give
 * (`floor`, non-decreasing) has passed them, which keeps the output sorted
 * and free of repeats.
 */
function* zonedTimes(cron: string, zone: string, dst: DstPolicy, afterMs: number): Generator<number> {
  // An instant after afterMs shows a wall time after afterMs + its offset;
  // the smaller offset of the next two days covers a fold right ahead.
  const startWall = afterMs + Math.min(offsetAt(zone, afterMs), offsetAt(zone, afterMs + 2 * DAY));
  const pending: number[] = [];
  let last = afterMs;
  for (const wall of cronWallTimes(cron, startWall)) {
    const { instants, floor } = placeWallTime(zone, wall, dst);
    for (const t of instants) if (t > last && !pending.includes(t)) insertSorted(pending, t);
    while (pending.length > 0 && pending[0] < floor) yield (last = pending.shift()!);
  }
  yield* pending;
}

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1] > value) i--;
  list.splice(i, 0, value);
}
