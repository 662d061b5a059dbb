/**
 * What a PUT of a trigger takes, from what a GET answers: the view's own
 * fields (name, status, stats, subscriptions, versions, times, webhookUrl,
 * poll.state …) are dropped, everything else is sent back as it came —
 * redacted secrets included, which the service keeps as stored. Pure.
 */

const VIEW_ONLY = new Set([
  "name", "scope", "status", "registeredAt", "updatedAt", "lastActivityAt", "retiredAt", "retiredReason",
  "subscriptions", "stats", "webhookUrl", "nextFireAt", "version",
]);

/**
 * The definition to PUT, with `schedule.enabled` set when `enabled` is given.
 * @example definitionForPut({ name: "t", type: "schedule", version: 3, schedule: { cron: "* * * * *" } }, false)
 *   // { type: "schedule", schedule: { cron: "* * * * *", enabled: false } }
 */
export function definitionForPut(view: Record<string, unknown>, enabled?: boolean): Record<string, unknown> {
  const def: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(view)) if (!VIEW_ONLY.has(k)) def[k] = v;
  if (def.poll && typeof def.poll === "object") {
    const { state: _state, ...poll } = def.poll as Record<string, unknown>;
    def.poll = poll;
  }
  if (enabled !== undefined) def.schedule = { ...((def.schedule as Record<string, unknown>) ?? {}), enabled };
  return def;
}

/** The DST policy of a schedule with the documented defaults (gap "shift", fold "once"). */
export function dstPolicy(schedule: { dst?: { gap?: unknown; fold?: unknown } } | undefined): { gap: string; fold: string; defaulted: { gap: boolean; fold: boolean } } {
  const gap = typeof schedule?.dst?.gap === "string" ? schedule.dst.gap : null;
  const fold = typeof schedule?.dst?.fold === "string" ? schedule.dst.fold : null;
  return { gap: gap ?? "shift", fold: fold ?? "once", defaulted: { gap: gap === null, fold: fold === null } };
}

/** A schedule's rule in one line: the cron, interval, daily time or every-spec. */
export function scheduleRule(s: Record<string, unknown> | undefined): string {
  if (!s) return "—";
  if (typeof s.cron === "string") return `cron ${s.cron}`;
  if (typeof s.interval === "string") return `every ${s.interval}`;
  if (typeof s.at === "string") return `daily at ${s.at}`;
  if (s.every && typeof s.every === "object") {
    return `every ${Object.entries(s.every as Record<string, unknown>).map(([k, v]) => `${v} ${k}`).join(", ")}`;
  }
  return "—";
}
