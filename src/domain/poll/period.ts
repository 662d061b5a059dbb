/**
 * When a poll group polls: `every` durations and 5/6-field crons (in UTC),
 * the next poll time after an instant, and a group's effective period, the
 * shortest among its triggers. The cron maths is the schedule module's.
 */
import { cronWallTimes } from "../schedule/cron";
import { parseInterval, periodicTimes } from "../schedule/interval";
import { nextOccurrences, validateSchedule } from "../schedule";
import type { PollTiming } from "./types";

/**
 * No source is polled more often than this.
 * @internal (exported for tests)
 */
export const MIN_POLL_PERIOD_MS = 5_000;

/**
 * The period of an `every` string in ms ("5s", "90s", "1m", "2h", "1d"),
 * or null when it is not an integer and a unit s, m, h, d or w. Does not
 * apply the 5 s minimum: see {@link pollTimingProblems}.
 * @example parseEvery("90s") // 90000
 * @internal (exported for tests)
 */
export function parseEvery(every: string): number | null {
  return typeof every === "string" ? parseInterval(every.trim()) : null;
}

/**
 * Problems with a poll's timing; empty when usable. Exactly one of `every`
 * and `cron`; `every` at least 5 s; a cron whose occurrences come less than
 * 5 s apart (6 fields, e.g. every second) is refused too.
 * @example pollTimingProblems({ every: "3s" }) // ['poll.every must be at least 5s (got "3s"), e.g. "5s" or "1m"']
 */
export function pollTimingProblems(t: PollTiming): string[] {
  const hasEvery = t.every !== undefined, hasCron = t.cron !== undefined;
  if (hasEvery === hasCron) return [hasEvery ? "poll takes only one of every and cron" : 'poll needs every (e.g. "5m") or cron (e.g. "*/5 * * * *")'];
  if (hasEvery) {
    const ms = typeof t.every === "string" ? parseEvery(t.every) : null;
    if (ms === null) return [`poll.every must be an integer and a unit s, m, h, d or w, e.g. "30s" or "5m" (got ${JSON.stringify(t.every)})`];
    if (ms < MIN_POLL_PERIOD_MS) return [`poll.every must be at least 5s (got ${JSON.stringify(t.every)}), e.g. "5s" or "1m"`];
    return [];
  }
  if (typeof t.cron !== "string") return ["poll.cron must be a string"];
  const problems = validateSchedule({ cron: t.cron });
  if (problems.length > 0) return problems.map((p) => `poll.${p}`);
  const gap = shortestCronGapMs(t.cron);
  if (gap === null) return [`poll.cron ${JSON.stringify(t.cron)} never fires`];
  if (gap < MIN_POLL_PERIOD_MS) return [`poll.cron ${JSON.stringify(t.cron)} fires more often than every 5 seconds`];
  return [];
}

/**
 * The next poll strictly after `afterMs`. `every` counts from `anchorMs`
 * (the group's first poll), so polls stay on a grid however late one ran;
 * `cron` follows the expression in UTC. Throws on timing
 * {@link pollTimingProblems} rejects.
 * @example nextPollAt({ every: "1m" }, 90_000, 0) // 120000
 * @internal (exported for tests)
 */
export function nextPollAt(t: PollTiming, afterMs: number, anchorMs: number): number {
  assertValid(t);
  if (t.every !== undefined) return periodicTimes(anchorMs, parseEvery(t.every)!, afterMs).next().value as number;
  // A valid cron always has a next occurrence within cron-parser's search, bar a far-future edge.
  return nextOccurrences({ cron: t.cron }, afterMs, 1, anchorMs)[0] ?? Infinity;
}

/**
 * The nominal period in ms: `every` exactly; for `cron`, the gap between
 * its next two polls after `atMs` (a cron has no single period: "0 9-17 * * *"
 * is hourly by day and 16 h overnight).
 * @example pollPeriodMs({ cron: "*\/5 * * * *" }, 0) // 300000
 * @internal (exported for tests)
 */
export function pollPeriodMs(t: PollTiming, atMs: number): number {
  assertValid(t);
  if (t.every !== undefined) return parseEvery(t.every)!;
  const [a, b] = nextOccurrences({ cron: t.cron }, atMs, 2, atMs);
  return a !== undefined && b !== undefined ? b - a : Infinity;
}

/**
 * A group's schedule from its active triggers' timings: it polls at the
 * earliest of their next polls, and its period is the shortest of theirs.
 * Null for a group with no timing left (it is removed).
 * @example groupSchedule([{ every: "5m" }, { every: "30s" }], 0, 0) // { periodMs: 30000, nextPollAt: 30000 }
 * @internal (exported for tests)
 */
export function groupSchedule(timings: PollTiming[], afterMs: number, anchorMs: number): { periodMs: number; nextPollAt: number } | null {
  if (timings.length === 0) return null;
  let periodMs = Infinity, next = Infinity;
  for (const t of timings) {
    periodMs = Math.min(periodMs, pollPeriodMs(t, afterMs));
    next = Math.min(next, nextPollAt(t, afterMs, anchorMs));
  }
  return { periodMs, nextPollAt: next };
}

/**
 * How late a poll may start and still keep its successor's slot: a tenth of the period, at most a second.
 * @internal (exported for tests)
 */
export function lateGraceMs(periodMs: number): number {
  return Math.min(1_000, Math.floor(periodMs / 10));
}

/**
 * The group's next poll after one that was due at `dueAt` and started at
 * `startedAt`: the earliest of its triggers' next polls that is at least a
 * period after the due time and after the start (less a grace for the
 * alarm's own lateness, see {@link lateGraceMs}), so no two polls start
 * closer than the period: not after a retry that ran between two slots of
 * the grid, not between the slots of members with different periods. A poll
 * a few milliseconds late keeps the next slot; a much later one skips the
 * slots it missed. Null for a group with no timing left.
 * @example nextPollAfter([{ every: "5s" }], { dueAt: 18_000, startedAt: 18_000 }, 0) // { periodMs: 5000, nextPollAt: 25000 }
 * @example nextPollAfter([{ every: "5s" }], { dueAt: 15_000, startedAt: 15_004 }, 0) // { periodMs: 5000, nextPollAt: 20000 }
 */
export function nextPollAfter(timings: PollTiming[], last: { dueAt: number; startedAt: number }, anchorMs: number): { periodMs: number; nextPollAt: number } | null {
  const now = groupSchedule(timings, last.dueAt, anchorMs);
  if (!now || !Number.isFinite(now.periodMs)) return now;
  const earliest = Math.max(last.dueAt, last.startedAt - lateGraceMs(now.periodMs)) + now.periodMs;
  return { periodMs: now.periodMs, nextPollAt: groupSchedule(timings, earliest - 1, anchorMs)!.nextPollAt };
}

function assertValid(t: PollTiming): void {
  const problems = pollTimingProblems(t);
  if (problems.length > 0) throw new Error(`invalid poll timing: ${problems.join("; ")}`);
}

const GAP_SAMPLE = 1_500;

/**
 * The shortest gap among the first few thousand occurrences within two days
 * of a fixed Monday: the seconds, minutes and hours fields are what make a
 * cron fire fast (days and months only thin it out), and their wraps
 * (59 → 0) show up within that sample. Null when the cron never fires.
 */
function shortestCronGapMs(cron: string): number | null {
  const start = Date.UTC(2026, 0, 5);
  let prev: number | null = null, gap = Infinity, seen = 0;
  for (const t of cronWallTimes(cron, start)) {
    if (prev !== null) gap = Math.min(gap, t - prev);
    prev = t;
    if (gap < MIN_POLL_PERIOD_MS || ++seen >= GAP_SAMPLE || t > start + 2 * 86_400_000) break;
  }
  return prev === null ? null : gap;
}
