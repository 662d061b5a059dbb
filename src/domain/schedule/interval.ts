/**
 * Fixed-period schedules (`interval`, `every`): absolute durations counted
 * from an anchor, blind to time zones and DST, so "1d" is always 86 400 s and
 * drifts an hour against the local clock across a DST change.
 */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** The units `every` accepts, with their length in ms. */
export const EVERY_UNIT_MS = {
  seconds: UNIT_MS.s,
  minutes: UNIT_MS.m,
  hours: UNIT_MS.h,
  days: UNIT_MS.d,
  weeks: UNIT_MS.w,
} as const;

/**
 * The period of an `interval` string in ms, or null when it is not an
 * integer followed by s, m, h, d or w.
 * @example parseInterval("15m") // 900000
 */
export function parseInterval(interval: string): number | null {
  const m = /^(\d{1,15})([smhdw])$/.exec(interval);
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return Number.isSafeInteger(ms) ? ms : null;
}

/**
 * The period of an `every` object: the sum of its parts, in ms.
 * @example everyPeriodMs({ hours: 1, minutes: 30 }) // 5400000
 */
export function everyPeriodMs(every: Partial<Record<keyof typeof EVERY_UNIT_MS, number>>): number {
  let ms = 0;
  for (const [unit, unitMs] of Object.entries(EVERY_UNIT_MS)) ms += (every[unit as keyof typeof EVERY_UNIT_MS] ?? 0) * unitMs;
  return ms;
}

/**
 * `anchor + k * period` for k = 0, 1, 2…, strictly after `afterMs`: the
 * anchor itself is the first occurrence, and nothing fires before it.
 * @example periodicTimes(0, 1000, 2500).next().value // 3000
 */
export function* periodicTimes(anchorMs: number, periodMs: number, afterMs: number): Generator<number> {
  let k = afterMs < anchorMs ? 0 : Math.floor((afterMs - anchorMs) / periodMs) + 1;
  for (;;) yield anchorMs + k++ * periodMs;
}
