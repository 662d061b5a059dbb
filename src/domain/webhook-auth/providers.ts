/** The HMAC presets as `GET /v1/providers` lists them, with the dedup key each uses by default. */
import type { HmacProvider, WebhookAuth } from "./types";

export type ProviderInfo = {
  provider: HmacProvider;
  signatureHeaders: string[];
  /** Whether the scheme signs a timestamp that is checked against `toleranceSeconds`. */
  timestampTolerance: boolean;
  /** `header:<name>` or `body:<JSON pointer>`; null when the preset has no natural delivery id. */
  defaultDedupKey: string | null;
  description: string;
};

export const PROVIDERS: ProviderInfo[] = [
  {
    provider: "github",
    signatureHeaders: ["x-hub-signature-256"],
    timestampTolerance: false,
    defaultDedupKey: "header:x-github-delivery",
    description: "GitHub: x-hub-signature-256 = sha256=<hex HMAC-SHA256 of the body>.",
  },
  {
    provider: "stripe",
    signatureHeaders: ["stripe-signature"],
    timestampTolerance: true,
    defaultDedupKey: "body:/id",
    description: "Stripe: stripe-signature t=<ts>,v1=<hex HMAC-SHA256 of \"{t}.{body}\">; any v1 may match; default tolerance 300 s.",
  },
  {
    provider: "slack",
    signatureHeaders: ["x-slack-signature", "x-slack-request-timestamp"],
    timestampTolerance: true,
    defaultDedupKey: "body:/event_id",
    description: "Slack: x-slack-signature = v0=<hex HMAC-SHA256 of \"v0:{timestamp}:{body}\">; default tolerance 300 s; url_verification is answered with its challenge.",
  },
  {
    provider: "shopify",
    signatureHeaders: ["x-shopify-hmac-sha256"],
    timestampTolerance: false,
    defaultDedupKey: "header:x-shopify-webhook-id",
    description: "Shopify: x-shopify-hmac-sha256 = <base64 HMAC-SHA256 of the body>.",
  },
  {
    provider: "standard-webhooks",
    signatureHeaders: ["webhook-id", "webhook-timestamp", "webhook-signature"],
    timestampTolerance: true,
    defaultDedupKey: "header:webhook-id",
    description: "Standard Webhooks (Svix): webhook-signature = space-separated v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{body}\">, keyed by the base64 part of a whsec_ secret; default tolerance 300 s.",
  },
  {
    provider: "linear",
    signatureHeaders: ["linear-signature"],
    timestampTolerance: true,
    defaultDedupKey: "header:linear-delivery",
    description: "Linear: linear-signature = <hex HMAC-SHA256 of the body>; the body's webhookTimestamp (ms), when present, must be within 60 s by default.",
  },
  {
    provider: "sentry",
    signatureHeaders: ["sentry-hook-signature"],
    timestampTolerance: false,
    defaultDedupKey: "header:request-id",
    description: "Sentry: sentry-hook-signature = <hex HMAC-SHA256 of the body>.",
  },
  {
    provider: "generic",
    signatureHeaders: ["x-signature"],
    timestampTolerance: false,
    defaultDedupKey: null,
    description: "Any sender: HMAC of the body in a configurable header (default x-signature), algorithm sha256|sha1|sha512, encoding hex|base64, optional prefix.",
  },
];

/**
 * The dedup key a trigger uses when it sets none: the preset's delivery id for
 * HMAC providers, null for every other scheme.
 *
 * @example
 * defaultDedupKey({ type: "hmac", provider: "github", secret }) // "header:x-github-delivery"
 */
export function defaultDedupKey(auth: WebhookAuth): string | null {
  if (auth.type !== "hmac") return null;
  return PROVIDERS.find((p) => p.provider === auth.provider)?.defaultDedupKey ?? null;
}

/**
 * The challenge of a Slack `url_verification` body, which must be echoed back,
 * or null for any other body. Slack signs these too: verify first.
 *
 * @example
 * isSlackUrlVerification({ type: "url_verification", challenge: "3eZbrw1a" }) // "3eZbrw1a"
 */
export function isSlackUrlVerification(body: unknown): string | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const { type, challenge } = body as { type?: unknown; challenge?: unknown };
  return type === "url_verification" && typeof challenge === "string" ? challenge : null;
}
