/** The `at` schedule: "HH:MM" or "HH:MM:SS" every day, read as a cron expression. */

const AT_RE = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/**
 * The 6-field cron expression firing daily at `at`, or null when `at` is not
 * a valid 24-hour "HH:MM[:SS]".
 * @example atToCron("02:00") // "0 0 2 * * *"
 */
export function atToCron(at: string): string | null {
  const m = AT_RE.exec(at);
  if (!m) return null;
  return `${Number(m[3] ?? 0)} ${Number(m[2])} ${Number(m[1])} * * *`;
}
