/**
 * Checks a schedule when it is set, not when it runs: every problem comes
 * back as a sentence naming the field, for the 400 answer.
 */
import { parseAnchor } from "./anchor";
import { atToCron } from "./at";
import { cronProblem } from "./cron";
import { EVERY_UNIT_MS, everyPeriodMs, parseInterval } from "./interval";
import { isValidTimeZone } from "./zone";

const KINDS = ["cron", "interval", "at", "every"] as const;
const MAX_JITTER_SECONDS = 3600;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Problems with a trigger's `schedule`; empty when it is usable. Fields other
 * than the timing ones (enabled, overlap, catchup, payload…) are not looked at.
 * @example validateSchedule({ cron: "0 2 * * *", timezone: "America/New_York" }) // []
 * @example validateSchedule({ interval: "0s" }) // ["interval must be greater than 0"]
 */
export function validateSchedule(spec: unknown): string[] {
  if (!isObject(spec)) return ["schedule must be an object"];
  const problems: string[] = [];
  const kinds = KINDS.filter((k) => spec[k] !== undefined);
  if (kinds.length === 0) problems.push("schedule needs one of cron, interval, at or every");
  if (kinds.length > 1) problems.push(`schedule takes only one of cron, interval, at or every (got ${kinds.join(" and ")})`);

  if (spec.cron !== undefined) {
    const p = typeof spec.cron === "string" ? cronProblem(spec.cron) : "cron must be a string";
    if (p) problems.push(p);
  }
  if (spec.interval !== undefined) problems.push(...intervalProblems(spec.interval));
  if (spec.at !== undefined && (typeof spec.at !== "string" || atToCron(spec.at) === null)) {
    problems.push('at must be "HH:MM" or "HH:MM:SS" on a 24-hour clock, e.g. "02:00"');
  }
  if (spec.every !== undefined) problems.push(...everyProblems(spec.every));
  if (spec.anchor !== undefined) {
    if (typeof spec.anchor !== "string" || parseAnchor(spec.anchor) === null) {
      problems.push('anchor must be an ISO 8601 date-time with Z or an offset, e.g. "2026-01-01T09:00:00Z"');
    } else if (spec.cron !== undefined || spec.at !== undefined) {
      problems.push("anchor only applies to interval and every");
    }
  }
  if (spec.timezone !== undefined && (typeof spec.timezone !== "string" || !isValidTimeZone(spec.timezone))) {
    problems.push(`timezone ${JSON.stringify(spec.timezone)} is not a known IANA time zone, e.g. "America/New_York"`);
  }
  if (spec.dst !== undefined) problems.push(...dstProblems(spec.dst));
  const j = spec.jitterSeconds;
  if (j !== undefined && !(typeof j === "number" && Number.isInteger(j) && j >= 0 && j <= MAX_JITTER_SECONDS)) {
    problems.push(`jitterSeconds must be an integer from 0 to ${MAX_JITTER_SECONDS}`);
  }
  return problems;
}

function intervalProblems(interval: unknown): string[] {
  const ms = typeof interval === "string" ? parseInterval(interval) : null;
  if (ms === null) return ['interval must be an integer and a unit s, m, h, d or w, e.g. "15m"'];
  if (ms === 0) return ["interval must be greater than 0"];
  if (ms > MAX_PERIOD_MS) return ["interval must be at most 3660 days (about 10 years)"];
  return [];
}

/** Longest period an interval or every may have: ~10 years keeps every fire time a valid date. */
const MAX_PERIOD_MS = 3660 * 86_400_000;

function everyProblems(every: unknown): string[] {
  if (!isObject(every)) return ["every must be an object like { hours: 6 }"];
  const problems: string[] = [];
  for (const [unit, n] of Object.entries(every)) {
    if (!(unit in EVERY_UNIT_MS)) problems.push(`every.${unit} is not a unit (${Object.keys(EVERY_UNIT_MS).join(", ")})`);
    else if (!(typeof n === "number" && Number.isSafeInteger(n) && n >= 0)) problems.push(`every.${unit} must be a non-negative integer`);
  }
  if (problems.length > 0) return problems;
  const ms = everyPeriodMs(every);
  if (ms < 1000) return ["every must add up to at least 1 second"];
  if (!Number.isSafeInteger(ms) || ms > MAX_PERIOD_MS) return ["every must add up to at most 3660 days (about 10 years)"];
  return [];
}

function dstProblems(dst: unknown): string[] {
  if (!isObject(dst)) return ['dst must be an object like { "gap": "shift", "fold": "once" }'];
  const problems: string[] = [];
  for (const key of Object.keys(dst)) if (key !== "gap" && key !== "fold") problems.push(`dst.${key} is not a dst setting (gap, fold)`);
  if (dst.gap !== undefined && dst.gap !== "shift" && dst.gap !== "skip") problems.push('dst.gap must be "shift" or "skip"');
  if (dst.fold !== undefined && dst.fold !== "once" && dst.fold !== "twice") problems.push('dst.fold must be "once" or "twice"');
  return problems;
}
