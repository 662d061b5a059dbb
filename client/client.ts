/**
 * The typed client: openapi-fetch over the paths generated from the OpenAPI
 * document (client/schema.d.ts), with a small facade for the common calls.
 * Every answer goes through `unwrap`, the one place a non-2xx becomes a
 * SignalboxError subclass (see errors.ts).
 */
import createFetchClient from "openapi-fetch";
import type { components, paths } from "./schema";
import { SignalboxError, errorFromResponse } from "./errors";
import { readSse } from "./sse";

export type Schemas = components["schemas"];
export type StreamEvent = Schemas["StreamEvent"];

export type ClientOptions = {
  /** e.g. https://signalbox.example.workers.dev (no trailing /v1) */
  baseUrl: string;
  apiKey: string;
  /** a fetch to use instead of the global one (tests, proxies) */
  fetch?: typeof fetch;
  headers?: Record<string, string>;
};

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** Resolves to the answer's body, or throws the mapped SignalboxError. */
async function unwrap<T>(call: Promise<Answer<T>>): Promise<NonNullable<T>> {
  let r: Answer<T>;
  try {
    r = await call;
  } catch (e) {
    throw new SignalboxError(0, "network_error", `Could not reach Signalbox: ${(e as Error).message}`);
  }
  if (!r.response.ok) throw errorFromResponse(r.response.status, r.error ?? null, r.response.headers);
  return r.data as NonNullable<T>;
}

/**
 * A client for one tenant's API key.
 * @example
 * const sb = createClient({ baseUrl: process.env.SIGNALBOX_URL!, apiKey: process.env.SIGNALBOX_API_KEY! });
 * await sb.fire("order.paid", { orderId: "o_1" });
 * try { await sb.triggers.get("nope"); } catch (e) { if (e instanceof NotFoundError) … }
 */
export function createClient(options: ClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${options.apiKey}`, ...options.headers };
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const api = createFetchClient<paths>({ baseUrl, headers, fetch: (req: Request) => doFetch(req) });
  const path = <P>(p: P) => ({ params: { path: p } });

  const triggers = {
    list: (query: NonNullable<paths["/v1/triggers"]["get"]["parameters"]["query"]> = {}) => unwrap(api.GET("/v1/triggers", { params: { query } })),
    get: (name: string) => unwrap(api.GET("/v1/triggers/{name}", path({ name }))),
    put: (name: string, definition: Schemas["TriggerDefinition"], opts: { ifMatch?: number } = {}) =>
      unwrap(api.PUT("/v1/triggers/{name}", { ...path({ name }), body: definition, headers: opts.ifMatch === undefined ? {} : { "if-match": `"${opts.ifMatch}"` } })),
    retire: (name: string, reason?: string) => unwrap(api.POST("/v1/triggers/{name}/retire", { ...path({ name }), body: reason === undefined ? {} : { reason } })),
    reactivate: (name: string) => unwrap(api.POST("/v1/triggers/{name}/reactivate", { ...path({ name }), body: {} })),
    stats: (name: string) => unwrap(api.GET("/v1/triggers/{name}/stats", path({ name }))),
    events: (name: string, query: NonNullable<paths["/v1/triggers/{name}/events"]["get"]["parameters"]["query"]> = {}) =>
      unwrap(api.GET("/v1/triggers/{name}/events", { params: { path: { name }, query } })),
  };

  const subscriptions = {
    put: (name: string, flow: string, body: Schemas["SubscriptionDefinition"]) =>
      unwrap(api.PUT("/v1/triggers/{name}/subscriptions/{flow}", { ...path({ name, flow }), body })),
    delete: (name: string, flow: string) => unwrap(api.DELETE("/v1/triggers/{name}/subscriptions/{flow}", path({ name, flow }))),
    /** Pull: events after the checkpoint, waiting up to waitMs (≤ 30000) for one. */
    pull: (name: string, flow: string, query: { limit?: number; waitMs?: number } = {}, signal?: AbortSignal) =>
      unwrap(api.GET("/v1/triggers/{name}/subscriptions/{flow}/events", { params: { path: { name, flow }, query }, signal })),
    ack: (name: string, flow: string, seq: number) => unwrap(api.POST("/v1/triggers/{name}/subscriptions/{flow}/ack", { ...path({ name, flow }), body: { seq } })),
  };

  /** Flows' delivery policy (API.md "Flows: delivery policy"): a flow is everything subscribed under one name. */
  const flows = {
    list: (query: { limit?: number; cursor?: string } = {}) => unwrap(api.GET("/v1/flows", { params: { query } })),
    get: (flow: string) => unwrap(api.GET("/v1/flows/{flow}", path({ flow }))),
    /** Replaces the whole policy (`{}` clears it, and also resumes a paused flow: `paused` is part of the policy). */
    put: (flow: string, policy: Schemas["FlowPolicy"]) => unwrap(api.PUT("/v1/flows/{flow}", { ...path({ flow }), body: policy })),
    pause: (flow: string) => unwrap(api.POST("/v1/flows/{flow}/pause", path({ flow }))),
    resume: (flow: string) => unwrap(api.POST("/v1/flows/{flow}/resume", path({ flow }))),
    /** The flow's own log, oldest first, after the seq `after`. */
    activity: (flow: string, query: { after?: number; limit?: number } = {}) => unwrap(api.GET("/v1/flows/{flow}/activity", { params: { path: { flow }, query } })),
    /** Replays dead or failed deliveries of fires in [since, until]; one call does a bounded part (`more` and `cursor` continue it). */
    recover: (flow: string, body: Schemas["RecoverRequest"]) => unwrap(api.POST("/v1/flows/{flow}/recover", { ...path({ flow }), body })),
  };

  return {
    /** The full typed client: every operation of the document (`api.GET("/v1/providers")` …); errors are not thrown here. */
    api,
    triggers,
    subscriptions,
    flows,
    fire: (name: string, data?: unknown, opts: { idempotencyKey?: string; flows?: string[] } = {}) =>
      unwrap(api.POST("/v1/triggers/{name}/fire", { ...path({ name }), body: { data, ...opts } })),
    fireEvents: (events: { name: string; data?: unknown; idempotencyKey?: string }[]) => unwrap(api.POST("/v1/events", { body: { events } })),
    getFire: (name: string, eventId: string) => unwrap(api.GET("/v1/triggers/{name}/fires/{eventId}", path({ name, eventId }))),
    sync: (body: Schemas["SyncDocument"], opts: { dryRun?: boolean } = {}) =>
      unwrap(api.POST("/v1/sync", { params: { query: opts.dryRun ? { dryRun: "true" } : {} }, body })),
    /**
     * The live stream (SSE) as an async iterator of stream events; ends when `signal` aborts.
     * @example for await (const ev of sb.live("order.paid", { types: ["trigger.fired"] })) console.log(ev.seq, ev.type);
     */
    async *live(name: string, opts: { after?: number; types?: string[]; signal?: AbortSignal } = {}): AsyncGenerator<StreamEvent> {
      const q = new URLSearchParams();
      if (opts.after !== undefined) q.set("after", String(opts.after));
      if (opts.types?.length) q.set("types", opts.types.join(","));
      let res: Response;
      try {
        res = await doFetch(`${baseUrl}/v1/triggers/${encodeURIComponent(name)}/events/live?${q}`, { headers: { ...headers, accept: "text/event-stream" }, signal: opts.signal });
      } catch (e) {
        if ((e as Error).name === "AbortError") return;
        throw new SignalboxError(0, "network_error", `Could not reach Signalbox: ${(e as Error).message}`);
      }
      if (!res.ok || !res.body) throw errorFromResponse(res.status, await res.json().catch(() => null), res.headers);
      try {
        for await (const ev of readSse(res.body)) if (ev.data) yield JSON.parse(ev.data) as StreamEvent;
      } catch (e) {
        if ((e as Error).name !== "AbortError") throw e;
      }
    },
  };
}

export type SignalboxClient = ReturnType<typeof createClient>;
