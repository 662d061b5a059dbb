/** Formatting for the dashboard: local times with a UTC title, relative ages, durations, counts. Pure. */

const UNITS: [number, string][] = [
  [86_400_000, "d"],
  [3_600_000, "h"],
  [60_000, "min"],
  [1_000, "s"],
];

/**
 * "3 s ago", "in 5 min", "just now": the largest whole unit.
 * @example relativeTime(1_000, 4_000) // "3 s ago"
 */
export function relativeTime(at: number, now: number): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  if (abs < 1_000) return diff <= 0 ? "just now" : "in a moment";
  for (const [ms, unit] of UNITS) {
    if (abs >= ms) {
      const n = Math.floor(abs / ms);
      return diff < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
    }
  }
  return "just now";
}

/**
 * The UTC time, for title attributes.
 * @example utcText(0) // "1970-01-01 00:00:00 UTC"
 */
export function utcText(at: number): string {
  return new Date(at).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
}

// Building an Intl formatter costs far more than using one: keep one per zone.
const dateFormats = new Map<string, Intl.DateTimeFormat | null>();
const counts = new Intl.NumberFormat("en-US");

/** The time in the browser's zone (or `timeZone`), date and seconds included. */
export function localText(at: number, timeZone?: string): string {
  const key = timeZone ?? "";
  let f = dateFormats.get(key);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium", timeZone });
    } catch {
      f = null; // an unknown zone: fall back to the browser's
    }
    dateFormats.set(key, f);
  }
  return f ? f.format(at) : new Date(at).toLocaleString();
}

/**
 * A duration in ms for people.
 * @example durationText(1234) // "1.2 s"
 */
export function durationText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A count with thousands separators; "—" for a missing one. */
export function countText(n: unknown): string {
  return typeof n === "number" && Number.isFinite(n) ? counts.format(n) : "—";
}
