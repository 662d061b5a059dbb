/**
 * What the flow commands' flags mean: rates and breakers written as `50/1s`
 * and `5/30s`, times as a duration ago (`1h`), an ISO time or epoch ms.
 * Every bad value is a UsageError naming its flag, raised before any
 * request; the bounds are the API's (API.md "Flows: delivery policy").
 * Pure: the clock is passed in.
 */
import type { Schemas } from "../../client/client";
import { UsageError } from "./output";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d|w))+$/;
/** A calendar date, optionally with a time and an offset (no offset: local time, as Date.parse reads it). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * `90s`, `30m`, `1h`, `1h30m`, `2d`, `1w` in milliseconds (m is minutes); null when the text is not one.
 * @example durationMs("1h30m") // 5_400_000
 * @internal (exported for tests)
 */
export function durationMs(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) ms += Number(n) * UNIT_MS[unit];
  return ms;
}

const whole = (text: string) => (/^\d+$/.test(text) ? Number(text) : null);
const inRange = (n: number | null, min: number, max: number): n is number => n !== null && Number.isSafeInteger(n) && n >= min && n <= max;

/** A period in whole seconds: `30s`, `1m`, `1h`, `s` (one second), or a bare number of seconds; null otherwise. */
function periodSeconds(text: string): number | null {
  const ms = /^(?:s|m|h)$/.test(text) ? UNIT_MS[text] : whole(text) !== null ? Number(text) * 1_000 : durationMs(text);
  return ms === null || ms % 1_000 !== 0 ? null : ms / 1_000;
}

/** `<count>/<period>` → [count, seconds], each within its bounds, or null. */
function countPer(text: string, maxCount: number): [number, number] | null {
  const m = /^(\d+)\/(.+)$/.exec(text.trim());
  if (!m) return null;
  const count = whole(m[1]);
  const seconds = periodSeconds(m[2]);
  return inRange(count, 1, maxCount) && inRange(seconds, 1, 3600) ? [count, seconds] : null;
}

/**
 * `--rate 50/1s`: at most 50 attempts start in any 1 s window (limit 1-100000, period 1 s to 1 h).
 * @example parseRate("1000/1m") // { limit: 1000, periodSeconds: 60 }
 * @internal (exported for tests)
 */
export function parseRate(text: string): NonNullable<Schemas["FlowPolicy"]["rateLimit"]> {
  const r = countPer(text, 100_000);
  if (!r) throw new UsageError(`--rate must be <limit>/<period> like 50/1s or 1000/1m (limit 1-100000, period 1s to 1h in whole seconds), got ${JSON.stringify(text)}`);
  return { limit: r[0], periodSeconds: r[1] };
}

/**
 * `--breaker 5/30s`: 5 consecutive failed attempts open it, one probe every 30 s (failures 1-1000, cooldown 1 s to 1 h).
 * @example parseBreaker("5/30s") // { failureThreshold: 5, cooldownSeconds: 30 }
 * @internal (exported for tests)
 */
export function parseBreaker(text: string): NonNullable<Schemas["FlowPolicy"]["breaker"]> {
  const r = countPer(text, 1000);
  if (!r) throw new UsageError(`--breaker must be <failures>/<cooldown> like 5/30s (failures 1-1000, cooldown 1s to 1h in whole seconds), got ${JSON.stringify(text)}`);
  return { failureThreshold: r[0], cooldownSeconds: r[1] };
}

/**
 * `--concurrency 4`: at most 4 attempts in flight (1-1000).
 * @internal (exported for tests)
 */
export function parseConcurrency(text: string): number {
  const n = whole(text.trim());
  if (!inRange(n, 1, 1000)) throw new UsageError(`--concurrency must be a whole number from 1 to 1000, got ${JSON.stringify(text)}`);
  return n;
}

type SetFlags = { rate?: string; concurrency?: string; breaker?: string; paused?: boolean; clear?: boolean };

/**
 * The whole policy `flow <name> set` sends (PUT replaces the policy: what no flag names is cleared,
 * the pause included unless --paused). `--clear` is `{}` and takes no other flag; no flag at all is refused.
 */
export function policyFromFlags(flags: SetFlags): Schemas["FlowPolicy"] {
  const named = (["rate", "concurrency", "breaker", "paused"] as const).filter((k) => flags[k] !== undefined);
  if (flags.clear) {
    if (named.length) throw new UsageError(`--clear removes the whole policy and takes no other policy flag (got --${named.join(", --")})`);
    return {};
  }
  if (!named.length) throw new UsageError("set needs --rate, --concurrency, --breaker or --paused (it replaces the whole policy), or --clear");
  return {
    ...(flags.rate !== undefined ? { rateLimit: parseRate(flags.rate) } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: parseConcurrency(flags.concurrency) } : {}),
    ...(flags.breaker !== undefined ? { breaker: parseBreaker(flags.breaker) } : {}),
    ...(flags.paused ? { paused: true } : {}),
  };
}

/**
 * A point in time for `--since`/`--until`: a duration ago (`1h`, `30m`, `2d`), an ISO time
 * (`2026-07-01T12:00:00Z`; a date alone is midnight UTC, a time without an offset is local) or epoch ms.
 * @example parseTime("1h", Date.parse("2026-07-01T12:00:00Z"), "since") // Date.parse("2026-07-01T11:00:00Z")
 */
export function parseTime(text: string, now: number, flag: string): number {
  const t = text.trim();
  const ms = whole(t);
  if (ms !== null && Number.isSafeInteger(ms)) return ms;
  const ago = durationMs(t);
  if (ago !== null) return Math.max(0, now - ago);
  const at = ISO_TIME.test(t) ? Date.parse(t) : NaN;
  if (Number.isFinite(at) && at >= 0) return at;
  throw new UsageError(`--${flag} must be a duration ago (30m, 1h, 2d), an ISO time (2026-07-01T12:00:00Z) or epoch ms, got ${JSON.stringify(text)}`);
}
