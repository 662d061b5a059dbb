/**
 * Structured logs: one JSON line per request, fire, delivery attempt,
 * webhook refusal, schedule occurrence, poll and await settlement (Workers
 * Logs / `wrangler tail` / the dev console read them as they are).
 *
 * The fields are a closed set of identifiers, statuses and timings: no
 * payload, header, URL query, secret, token or key can be passed, because
 * there is no field to pass it in.
 */
export type LogFields = {
  tenant?: string; trigger?: string; eventId?: string; deliveryId?: string; flow?: string;
  status?: string | number | null; statusCode?: number | null; latencyMs?: number; attempt?: number;
  reason?: string | null; source?: string; method?: string; path?: string; runId?: string; step?: string;
  group?: string; items?: number; fired?: number; deliveries?: number; scheduledFor?: number; failures?: number;
};

export type LogEvent =
  | "request" | "fire" | "schedule.fired" | "schedule.missed" | "delivery" | "callback" | "webhook.refused" | "poll" | "await";

/** Writes one line; `level` picks console.log / warn / error (the runtime's log level). */
export function logEvent(msg: LogEvent, fields: LogFields, level: "info" | "warn" | "error" = "info"): void {
  const line = JSON.stringify({ msg, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/**
 * A request path as logged: resume tokens are secrets (a token in the path
 * resolves its await), so they are replaced.
 * @example loggedPath("/resume/rtk_abc") // "/resume/:token"
 */
export function loggedPath(pathname: string): string {
  if (pathname.startsWith("/resume/")) return "/resume/:token";
  return pathname.length > 300 ? `${pathname.slice(0, 300)}…` : pathname;
}
