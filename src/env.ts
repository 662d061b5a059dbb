/** The Worker's bindings, as declared in wrangler.toml (and .dev.vars / secrets): the objects' bindings and the Worker's own. */
import type { ObjectEnv } from "./contracts/object-env";
import type { DeliveryBody } from "./contracts/messages";

export interface Env extends ObjectEnv {
  DELIVERIES_DLQ: Queue<DeliveryBody>;
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
  /** Workers static assets (dist/): the dashboard, and the API reference's script under /docs/. */
  ASSETS?: Fetcher;
  [binding: string]: unknown;
}
