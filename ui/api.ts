/**
 * The dashboard's client for the public /v1 API: one request function that
 * adds the tab's key and maps the error envelope `{"error":{code,message,details}}`
 * into ApiError, and a thin facade naming each call the views make.
 */
import { getKey } from "./session";
import type {
  Await, DetailedStats, FeedPage, Fire, FireAnswer, FirePage, Flow, FlowActivityPage, FlowPage, FlowPolicy, RecoverAnswer, RecoverRequest,
  RunPage, SchedulePreview, Trigger, TriggerPage,
} from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Dispatched on window when the service answers 401 to the stored key (the app asks for a key again). */
export const UNAUTHORIZED_EVENT = "signalbox:unauthorized";

export type Answer<T> = { data: T; status: number; etag: string | null };

type Query = Record<string, string | number | undefined | null>;
type Options = { body?: unknown; query?: Query; ifMatch?: string; signal?: AbortSignal; key?: string };

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Turns a non-2xx answer into an ApiError, reading the envelope when there is one. */
export function errorFromAnswer(status: number, body: unknown, text: string): ApiError {
  const env = body && typeof body === "object" ? (body as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error : undefined;
  if (env && typeof env === "object") {
    return new ApiError(status, String(env.code ?? "error"), String(env.message ?? `HTTP ${status}`), env.details);
  }
  return new ApiError(status, "http_error", `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ""}`);
}

/**
 * One call to /v1. `key` overrides the stored key (the sign-in check) and then
 * a 401 is not broadcast.
 * @example const { data, etag } = await request<Trigger>("GET", "/v1/triggers/order.placed");
 */
async function request<T>(method: string, path: string, opts: Options = {}): Promise<Answer<T>> {
  const key = opts.key ?? getKey();
  if (!key) throw new ApiError(401, "no_key", "No API key: sign in first");
  const headers: Record<string, string> = { accept: "application/json", authorization: `Bearer ${key}` };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.ifMatch !== undefined) headers["if-match"] = opts.ifMatch;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      cache: "no-store",
      credentials: "omit",
    });
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    throw new ApiError(0, "network_error", `Could not reach the service (${e instanceof Error ? e.message : String(e)})`);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: kept as text for the error
  }
  if (!res.ok) {
    const err = errorFromAnswer(res.status, body, text);
    if (res.status === 401 && opts.key === undefined) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: err.message }));
    throw err;
  }
  return { data: body as T, status: res.status, etag: res.headers.get("etag") };
}

const e = encodeURIComponent;
const t = (name: string) => `/v1/triggers/${e(name)}`;
const f = (flow: string) => `/v1/flows/${e(flow)}`;
type Sig = AbortSignal | undefined;

/** The calls the views make, one line each. */
export const api = {
  checkKey: (key: string) => request<TriggerPage>("GET", "/v1/triggers", { key, query: { limit: 1 } }),
  listTriggers: (query: Query, signal?: Sig) => request<TriggerPage>("GET", "/v1/triggers", { query, signal }),
  trigger: (name: string, signal?: Sig) => request<Trigger>("GET", t(name), { signal }),
  putTrigger: (name: string, def: unknown, ifMatch: string) => request<Trigger>("PUT", t(name), { body: def, ifMatch }),
  stats: (name: string, signal?: Sig) => request<DetailedStats>("GET", `${t(name)}/stats`, { signal }),
  schedule: (name: string, signal?: Sig) => request<SchedulePreview>("GET", `${t(name)}/schedule`, { query: { count: 5 }, signal }),
  retire: (name: string, reason: string) => request<Trigger>("POST", `${t(name)}/retire`, { body: reason ? { reason } : {} }),
  reactivate: (name: string) => request<Trigger>("POST", `${t(name)}/reactivate`, { body: {} }),
  fire: (name: string, body: unknown) => request<FireAnswer>("POST", `${t(name)}/fire`, { body }),
  fires: (name: string, query: Query, signal?: Sig) => request<FirePage>("GET", `${t(name)}/fires`, { query, signal }),
  getFire: (name: string, eventId: string, signal?: Sig) => request<Fire>("GET", `${t(name)}/fires/${e(eventId)}`, { signal }),
  replay: (name: string, eventId: string, flows?: string[]) =>
    request<{ eventId: string; deliveries: unknown[] }>("POST", `${t(name)}/fires/${e(eventId)}/replay`, { body: flows ? { flows } : {} }),
  skip: (name: string, eventId: string, reason: string) =>
    request<{ eventId: string; skipped: string[] }>("POST", `${t(name)}/fires/${e(eventId)}/skip`, { body: reason ? { reason } : {} }),
  findFire: (eventId: string, signal?: Sig) => request<Fire & { trigger: string }>("GET", `/v1/fires/${e(eventId)}`, { signal }),
  findDelivery: (deliveryId: string, signal?: Sig) =>
    request<{ deliveryId: string; trigger: string; eventId: string; delivery: unknown }>("GET", `/v1/deliveries/${e(deliveryId)}`, { signal }),
  awaits: (runId: string, signal?: Sig) => request<{ awaits: Await[] }>("GET", `/v1/runs/${e(runId)}/awaits`, { signal }),
  feed: (query: Query, signal?: Sig) => request<FeedPage>("GET", "/v1/fires", { query, signal }),
  runs: (query: Query, signal?: Sig) => request<RunPage>("GET", "/v1/runs", { query, signal }),
  listFlows: (query: Query, signal?: Sig) => request<FlowPage>("GET", "/v1/flows", { query, signal }),
  flow: (flow: string, signal?: Sig) => request<Flow>("GET", f(flow), { signal }),
  putFlow: (flow: string, policy: FlowPolicy) => request<Flow>("PUT", f(flow), { body: policy }),
  pauseFlow: (flow: string, paused: boolean) => request<Flow>("POST", `${f(flow)}/${paused ? "pause" : "resume"}`, { body: {} }),
  flowActivity: (flow: string, query: Query, signal?: Sig) => request<FlowActivityPage>("GET", `${f(flow)}/activity`, { query, signal }),
  recoverFlow: (flow: string, body: RecoverRequest) => request<RecoverAnswer>("POST", `${f(flow)}/recover`, { body }),
};
