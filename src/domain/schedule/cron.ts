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
  const step = stepProblem(fields);
  if (step) return step;
  try {
    CronExpressionParser.parse(expr, { currentDate: 0, tz: "UTC" });
    return null;
  } catch (err) {
    return `cron: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Each field's name and the values a step walks over (weekday 7 is Sunday again, so its steps walk 0-6). */
const FIELDS: [string, number, number][] = [["minute", 0, 59], ["hour", 0, 23], ["day-of-month", 1, 31], ["month", 1, 12], ["day-of-week", 0, 6]];
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function valueOf(s: string, field: string): number {
  const up = s.toUpperCase();
  if (field === "month" && MONTHS.includes(up)) return MONTHS.indexOf(up) + 1;
  if (field === "day-of-week" && DAYS.includes(up)) return DAYS.indexOf(up);
  return Number(s);
}

/**
 * A step that cannot step: cron-parser takes `*\/61` in the minute field and
 * matches only minute 0 (hourly), which is never what was meant. A step must
 * be an integer from 1 to the width of what it walks over (`*`: the field's
 * range; `a-b`: b - a; `a`: from a to the field's end), as cronie requires.
 * @example stepProblem(["*\/61", "*", "*", "*", "*"]) // 'cron: the minute field\'s step in "*\/61" …'
 */
function stepProblem(fields: string[]): string | null {
  const named = fields.length === 6 ? [["second", 0, 59] as [string, number, number], ...FIELDS] : FIELDS;
  for (const [i, part] of fields.entries()) {
    const [field, min, max] = named[i];
    for (const item of part.split(",")) {
      const slash = item.indexOf("/");
      if (slash < 0) continue;
      const base = item.slice(0, slash);
      const step = item.slice(slash + 1);
      const dash = base.indexOf("-");
      const lo = base === "*" || base === "?" ? min : valueOf(dash < 0 ? base : base.slice(0, dash), field);
      const hi = base === "*" || base === "?" || dash < 0 ? max : valueOf(base.slice(dash + 1), field);
      // not numbers, or a reversed or one-value range: cron-parser's own check words these
      if (!/^\d+$/.test(step) || !Number.isInteger(lo) || !Number.isInteger(hi) || hi <= lo) continue;
      const n = Number(step);
      if (n >= 1 && n <= hi - lo) continue;
      const width = base === "*" ? `its range ${min}-${max}` : `${lo}-${hi}`;
      return n === 0
        ? `cron: the ${field} field's step in "${item}" must be at least 1`
        : `cron: the ${field} field's step in "${item}" is larger than ${width}, so it would only ever match ${field} ${lo}; use a step from 1 to ${hi - lo}`;
    }
  }
  return null;
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
