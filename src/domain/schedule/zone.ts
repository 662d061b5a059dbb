/**
 * Time-zone maths on Intl alone: the wall clock an instant shows in a zone,
 * and the instants (none, one or two) that show a given wall clock.
 * A "wall time" is the local date and time encoded as if it were UTC epoch
 * ms, so cron fields can be matched on it with plain UTC arithmetic.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when Intl knows the zone; "" is refused although some runtimes read it as the default zone. */
export function isValidTimeZone(zone: string): boolean {
  if (zone.trim() === "") return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The wall time `instantMs` shows in `zone`. */
function wallTimeAt(zone: string, instantMs: number): number {
  const ms = ((instantMs % 1000) + 1000) % 1000;
  const p: Record<string, string> = {};
  for (const { type, value } of formatterFor(zone).formatToParts(instantMs - ms)) p[type] = value;
  const hour = Number(p.hour) % 24; // some ICU versions print midnight as 24 even with h23
  const d = new Date(0);
  d.setUTCFullYear(Number(p.year), Number(p.month) - 1, Number(p.day));
  d.setUTCHours(hour, Number(p.minute), Number(p.second), ms);
  return d.getTime();
}

/** The zone's UTC offset at an instant, in ms (east positive). */
export function offsetAt(zone: string, instantMs: number): number {
  return wallTimeAt(zone, instantMs) - instantMs;
}

// The last gap found per zone, as wall times [from, to) and the instant it
// ends: a seconds-level cron meets the same gap thousands of times in a row.
const lastGap = new Map<string, { from: number; to: number; end: number }>();

/** Where a wall time falls: once, twice (fold, earlier first) or never (gap, with the instant the gap ends). */
export type WallTimeResolution =
  | { kind: "single"; instant: number }
  | { kind: "fold"; first: number; second: number }
  | { kind: "gap"; gapEnd: number };

/**
 * The instants showing wall time `wall` in `zone`. Offsets are sampled a day
 * either side, which brackets any real offset (-12 h..+14 h); zones with two
 * transitions within two days are not handled.
 * @example resolveWallTime("America/New_York", Date.UTC(2026, 2, 8, 2, 30)) // { kind: "gap", gapEnd: Date.UTC(2026, 2, 8, 7) }
 */
export function resolveWallTime(zone: string, wall: number): WallTimeResolution {
  const gap = lastGap.get(zone);
  if (gap && wall >= gap.from && wall < gap.to) return { kind: "gap", gapEnd: gap.end };
  const before = offsetAt(zone, wall - DAY);
  const after = offsetAt(zone, wall + DAY);
  if (before === after) {
    const t = wall - before;
    if (wallTimeAt(zone, t) === wall) return { kind: "single", instant: t };
  }
  const hits = [...new Set([wall - before, wall - after])].filter((t) => wallTimeAt(zone, t) === wall).sort((a, b) => a - b);
  if (hits.length === 1) return { kind: "single", instant: hits[0] };
  if (hits.length === 2) return { kind: "fold", first: hits[0], second: hits[1] };
  return { kind: "gap", gapEnd: gapEnd(zone, wall, Math.min(wall - before, wall - after), Math.max(wall - before, wall - after)) };
}

function gapEnd(zone: string, wall: number, lo: number, hi: number): number {
  const end = gapEndAfter(zone, wall, lo, hi);
  lastGap.set(zone, { from: wallTimeAt(zone, end - 1000) + 1000, to: wallTimeAt(zone, end), end });
  return end;
}

/**
 * The first instant whose wall time is past `wall`, searched between `lo`
 * (showing an earlier wall time) and `hi` (a later one): the transition that
 * opened the gap. Offsets change on whole seconds, so seconds suffice.
 */
function gapEndAfter(zone: string, wall: number, lo: number, hi: number): number {
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallTimeAt(zone, mid) > wall) hi = mid;
    else lo = mid;
  }
  return hi;
}
