/** The Worker's bindings, as declared in wrangler.toml (and .dev.vars / secrets). */
import type { TriggerObject } from "../durable-objects/trigger-object";
import type { RunObject } from "../durable-objects/run-object";

export interface Env {
  TRIGGERS: DurableObjectNamespace<TriggerObject>;
  RUNS: DurableObjectNamespace<RunObject>;
  DB: D1Database;
  DELIVERIES: Queue<DeliveryMessage>;
  DELIVERIES_DLQ: Queue<DeliveryMessage>;
  /** JSON array of API keys, see API.md. A secret: never log it. */
  API_KEYS?: string;
  /** Base URL used to build webhookUrl / resumeUrl; empty derives it from the request. */
  PUBLIC_BASE_URL?: string;
  [binding: string]: unknown;
}

/** One queue message = one delivery attempt of one delivery. */
export interface DeliveryMessage {
  /** kind: absent for trigger fires, "run" for await callbacks (then `n` is the run id) */
  k?: "run";
  /** tenant */
  t: string;
  /** trigger name */
  n: string;
  /** delivery id */
  d: string;
  /** attempt number this message is for (1-based) */
  a: number;
}
