/**
 * The recover form's time range: "since" is a relative choice (the last
 * hour…) or a local date and time, "until" an optional local date and time.
 * Pure: `now` is passed in.
 */

/** The relative choices of "since": [value, label, ms back from now]. */
export const SINCE_CHOICES: [string, string, number][] = [
  ["15m", "last 15 min", 15 * 60_000],
  ["1h", "last 1 h", 3_600_000],
  ["6h", "last 6 h", 6 * 3_600_000],
  ["24h", "last 24 h", 86_400_000],
  ["7d", "last 7 days", 7 * 86_400_000],
  ["30d", "last 30 days", 30 * 86_400_000],
];

/** The choice that means "the date and time typed". */
export const SINCE_AT = "at";

/**
 * A `datetime-local` value ("2026-07-01T10:30", seconds optional) in the
 * browser's zone as epoch ms; null when empty or not such a value.
 */
function localInputMs(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value.trim())) return null;
  const ms = new Date(value.trim()).getTime();
  return Number.isFinite(ms) ? ms : null;
}

export type Range = { since: number; until?: number } | { error: string };

/**
 * The range as the API takes it (epoch ms; no `until` means "now" on the server).
 * @example resolveRange("1h", "", "", 7_200_000) // { since: 3_600_000 }
 */
export function resolveRange(choice: string, sinceAt: string, untilAt: string, now: number): Range {
  let since: number | null;
  if (choice === SINCE_AT) {
    since = localInputMs(sinceAt);
    if (since === null) return { error: "Since: choose a date and time" };
  } else {
    const c = SINCE_CHOICES.find(([v]) => v === choice);
    if (!c) return { error: "Since: choose a range" };
    since = Math.max(0, now - c[2]);
  }
  if (untilAt.trim() === "") return { since };
  const until = localInputMs(untilAt);
  if (until === null) return { error: "Until: not a date and time" };
  if (until < since) return { error: "Until must not be before since" };
  return { since, until };
}
