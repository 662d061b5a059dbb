/**
 * Cron expressions: the 5- or 6-field check cron-parser does not make, and
 * the wall times an expression matches. cron-parser only ever runs in UTC
 * here, on wall times (see zone.ts), because its own zone handling treats DST
 * inconsistently; dst.ts maps the wall times to instants.
 */
import { CronExpressionParser } from "cron-parser";

// Month and weekday names, removed before looking for cron-parser's random `H`.
const NAMES = /JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT/gi;

/**
 * Why `expr` is not an acceptable cron expression, or null. cron-parser alone
 * would also take 1-4 fields, "" (every minute), `@daily` macros and `H`,
 * which picks a random value on every parse, so would move the schedule.
 * @example cronProblem("0 2 * * *") // null
 * @example cronProblem("0 0 0 * * * 2026") // "cron must have 5 fields, or 6 with seconds first (got 7)"
 */
export function cronProblem(expr: string): string | null {
  const fields = expr.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) {
    return `cron must have 5 fields, or 6 with seconds first (got ${fields.length})`;
  }
  if (/h/i.test(expr.replace(NAMES, ""))) return "cron: 'H' (random value) is not supported";
  try {
    CronExpressionParser.parse(expr, { currentDate: 0, tz: "UTC" });
    return null;
  } catch (err) {
    return `cron: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Wall times matching `expr`, ascending, strictly after `afterWall`. Ends
 * when cron-parser gives up (its loop limit), e.g. for "0 0 31 2,4 *".
 * @example cronWallTimes("0 2 * * *", Date.UTC(2026, 0, 1)).next().value // Date.UTC(2026, 0, 1, 2)
 */
export function* cronWallTimes(expr: string, afterWall: number): Generator<number> {
  const it = CronExpressionParser.parse(expr, { currentDate: afterWall, tz: "UTC" });
  for (;;) {
    let next: number;
    try {
      next = it.next().getTime();
    } catch {
      return;
    }
    yield next;
  }
}
