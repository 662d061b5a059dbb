/** The Worker's bindings, as declared in wrangler.toml (and .dev.vars / secrets). */
import type { TriggerObject } from "../durable-objects/trigger-object";
import type { RunObject } from "../durable-objects/run-object";
import type { PollGroupObject } from "../durable-objects/poll-group-object";
import type { DeliveryMessage } from "./contracts/messages";

export interface Env {
  TRIGGERS: DurableObjectNamespace<TriggerObject>;
  RUNS: DurableObjectNamespace<RunObject>;
  POLL_GROUPS: DurableObjectNamespace<PollGroupObject>;
  DB: D1Database;
  /** first attempts of lanes that answer at once */
  DELIVERIES: Queue<DeliveryMessage>;
  /** retries, breaker probes and lanes that answer slowly */
  DELIVERIES_SLOW: Queue<DeliveryMessage>;
  DELIVERIES_DLQ: Queue<DeliveryMessage>;
  /** JSON array of API keys, see API.md. A secret: never log it. */
  API_KEYS?: string;
  /** Base URL used to build webhookUrl / resumeUrl; empty derives it from the request. */
  PUBLIC_BASE_URL?: string;
  /** Origins allowed to call /v1 from a browser (comma-separated, or `*`); empty: none (no CORS headers). */
  CORS_ORIGINS?: string;
  /** "true" allows http targets, await callbacks and poll URLs at private, loopback and link-local addresses (local development); unset in production */
  ALLOW_PRIVATE_TARGETS?: string;
  /** JSON `{"<tenant>": ["BINDING", …]}`: the queue producer bindings each tenant may name as a target; unset: none */
  QUEUE_TARGETS?: string;
  /** lowest structured log level written: info (default), warn, error, none */
  LOG_LEVEL?: string;
  /** Workers static assets (dist/): the dashboard, and the API reference's script under /docs/. */
  ASSETS?: Fetcher;
  [binding: string]: unknown;
}

export type { DeliveryMessage } from "./contracts/messages";
