/** The `anchor` of a fixed-period schedule: a strict ISO 8601 date-time with Z or an offset. */

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Epoch ms of an anchor, or null. A local time without an offset is refused
 * (it would be read in whatever zone the runtime has), and so are calendar
 * overflows like Feb 30 that `Date.parse` silently rolls into March.
 * @example parseAnchor("2026-01-01T09:00:00Z") // 1767258000000
 */
export function parseAnchor(anchor: string): number | null {
  const m = ISO_RE.exec(anchor);
  if (!m) return null;
  const [year, month, day, hour, minute, second, offH, offM] = m.slice(1).map((x) => Number(x ?? 0));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 59 || offH > 23 || offM > 59) return null;
  const ms = Date.parse(anchor);
  return Number.isNaN(ms) ? null : ms;
}
