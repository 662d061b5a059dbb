/**
 * What a flow learns about a webhook fire beyond its payload: the
 * provider's event type (`eventType` in deliveries, filters and the fire
 * view) and the request headers it may see, credentials removed.
 */
import { getPointer } from "../transform";
import type { WebhookAuth } from "./types";

/** `webhook.eventType` for the generic provider and the non-HMAC schemes: read the type from a header or a body field. */
export type EventTypeConfig = { header: string } | { pointer: string };

const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const POINTER_RE = /^(\/([^~]|~[01])*)+$/;

/**
 * The provider's event type of a webhook request, or null when it has none.
 * HMAC presets read their own place (GitHub `x-github-event`, Stripe and
 * Standard Webhooks body `type`, Shopify `x-shopify-topic`, Slack
 * `event.type` else `type`, Linear `type.action` or just `type`, Sentry
 * `sentry-hook-resource`) and ignore `config`; the generic provider and
 * bearer, api_key, basic and none use `config` when given. Only non-empty
 * strings count (a number at a pointer is stringified).
 * @param headers lowercased names, as `InboundRequest.headers`
 * @param body the parsed JSON body, or undefined when it is not JSON
 * @example webhookEventType({ type: "hmac", provider: "github", secret: "s" }, { "x-github-event": "push" }, {}) // "push"
 * @example webhookEventType({ type: "hmac", provider: "linear", secret: "s" }, {}, { type: "Issue", action: "create" }) // "Issue.create"
 */
export function webhookEventType(auth: WebhookAuth | null | undefined, headers: Record<string, string>, body: unknown, config?: EventTypeConfig | null): string | null {
  if (auth?.type === "hmac") {
    switch (auth.provider) {
      case "github":
        return text(hdr(headers, "x-github-event"));
      case "stripe":
      case "standard-webhooks":
        return text(field(body, "type"));
      case "shopify":
        return text(hdr(headers, "x-shopify-topic"));
      case "slack":
        return text(field(field(body, "event"), "type")) ?? text(field(body, "type"));
      case "linear": {
        const type = text(field(body, "type"));
        const action = text(field(body, "action"));
        return type === null ? null : action === null ? type : `${type}.${action}`;
      }
      case "sentry":
        return text(hdr(headers, "sentry-hook-resource"));
      case "generic":
        break;
    }
  }
  if (!config) return null;
  if ("header" in config) return text(hdr(headers, config.header.toLowerCase()));
  if ("pointer" in config) return text(getPointer(body, config.pointer));
  return null;
}

/**
 * Problems with a `webhook.eventType` config; empty when usable.
 * @example validateEventTypeConfig({ pointer: "/type" }) // []
 */
export function validateEventTypeConfig(config: unknown): string[] {
  if (typeof config !== "object" || config === null || Array.isArray(config)) return ['eventType must be {"header": "<name>"} or {"pointer": "/json/pointer"}'];
  const keys = Object.keys(config);
  const c = config as Record<string, unknown>;
  if (keys.length !== 1 || (keys[0] !== "header" && keys[0] !== "pointer")) return ['eventType takes exactly one of "header" or "pointer"'];
  if (keys[0] === "header" && !(typeof c.header === "string" && HEADER_NAME_RE.test(c.header))) return ["eventType.header must be a valid HTTP header name"];
  if (keys[0] === "pointer" && !(typeof c.pointer === "string" && POINTER_RE.test(c.pointer))) return ['eventType.pointer must be a JSON pointer starting with "/", e.g. "/type"'];
  return [];
}

/** Headers that carry credentials whatever the auth scheme. */
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "apikey"]);
/**
 * Names that announce a secret: GitLab's `x-gitlab-token` is the shared
 * secret itself, `x-auth-token`, `x-webhook-secret`, `x-password`… A name
 * with "signature" or "hmac" holds a MAC, which is safe to show and kept.
 */
const SECRET_NAME_RE = /(^|[-_])(token|secret|password|passwd|pass|credentials?|auth|session|jwt|api[-_]?key)([-_]|$)/;

/**
 * The request headers a flow may see: all but credentials. Removed are
 * authorization, proxy-authorization, cookie, x-api-key (and api-key),
 * the header an api_key auth reads its key from, and any header whose name
 * says it holds a token, secret, password or session. Signature headers
 * stay (they are MACs, not secrets). Names are lowercased.
 * @example deliveredHeaders({ authorization: "Bearer t", "x-github-event": "push" }, { type: "bearer", token: "t" }) // { "x-github-event": "push" }
 */
export function deliveredHeaders(headers: Record<string, string>, auth: WebhookAuth | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (isCredentialHeader(name, auth)) continue;
    if (SECRET_NAME_RE.test(name) && !/signature|hmac/.test(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Whether a (lowercase) header name is a credential whatever it is called
 * for: authorization, cookie, x-api-key… or the header an api_key auth reads.
 * @example isCredentialHeader("x-token", { type: "api_key", header: "X-Token", value: "v" }) // true
 */
export function isCredentialHeader(name: string, auth: WebhookAuth | null | undefined): boolean {
  return CREDENTIAL_HEADERS.has(name) || (auth?.type === "api_key" && !!auth.header && auth.header.toLowerCase() === name);
}

function hdr(headers: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(headers, name) ? headers[name] : undefined;
}

function field(v: unknown, key: string): unknown {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
}

function text(v: unknown): string | null {
  if (typeof v === "string") return v === "" ? null : v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}
