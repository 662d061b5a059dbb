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
  /** an internal error's message (never a payload or a secret) */
  error?: string; event?: string; until?: number | null;
  /** an outbox row's key (`d1:…`, `run:<runId>:<step>`, `flow:<deliveryId>:<status>`, `token:…`) */
  key?: string; nextAt?: number;
};

export type LogEvent =
  | "request" | "fire" | "schedule.fired" | "schedule.missed" | "delivery" | "callback" | "webhook.refused" | "poll" | "await"
  | "lane" | "flow" | "after_commit.failed" | "outbox.retry";

type Level = "info" | "warn" | "error";
const RANK: Record<string, number> = { info: 0, warn: 1, error: 2, none: 3 };
let threshold = 0;

/**
 * The lowest level written, from the `LOG_LEVEL` variable (`info` by
 * default; `warn`, `error`, `none`). Called at every entry point (the
 * Worker's handlers, each object's constructor): cheap, and an isolate may
 * run either.
 */
export function configureLogs(level: string | undefined): void {
  threshold = RANK[level ?? "info"] ?? 0;
}
const pending: Record<Level, string[]> = { info: [], warn: [], error: [] };
let buffered = 0;
let timer: ReturnType<typeof setTimeout> | null = null;

/** How long lines gather before they leave together, and how many at most. */
const GATHER_MS = 25;
const GATHER_MAX = 500;

/** Writes out what was gathered (also called at the end of a request, so a Worker invocation loses nothing). */
export function flushLogs(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  buffered = 0;
  for (const level of ["error", "warn", "info"] as const) {
    const lines = pending[level];
    if (!lines.length) continue;
    pending[level] = [];
    const text = lines.join("\n");
    if (level === "error") console.error(text);
    else if (level === "warn") console.warn(text);
    else console.log(text);
  }
}

/**
 * Writes one line; `level` picks console.log / warn / error (the runtime's
 * log level). Lines gather for up to 25 ms (or 500 lines) and leave in one
 * console call, one JSON object per line: a burst of thousands of deliveries
 * costs a few log calls, not one per delivery (wrangler dev relays each call
 * to its Node process over a local connection, and a call per line during a
 * 15,000-delivery burst left thousands of them open until the runtime ran
 * out of file descriptors and stalled).
 */
export function logEvent(msg: LogEvent, fields: LogFields, level: Level = "info"): void {
  if (RANK[level] < threshold) return;
  pending[level].push(JSON.stringify({ msg, ...fields }));
  if (++buffered >= GATHER_MAX) flushLogs();
  else if (timer === null) timer = setTimeout(flushLogs, GATHER_MS);
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
