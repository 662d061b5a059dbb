/** Shapes shared by the webhook verifiers: the trigger's `webhook.auth` config, the inbound request and the verdict. */

export type HmacProvider =
  | "github"
  | "stripe"
  | "slack"
  | "shopify"
  | "standard-webhooks"
  | "linear"
  | "sentry"
  | "generic";

export type MacAlgorithm = "sha256" | "sha1" | "sha512";
export type SignatureEncoding = "hex" | "base64";

export type HmacAuth = {
  type: "hmac";
  provider: HmacProvider;
  secret: string;
  /** generic only: header carrying the signature (default "x-signature"). */
  header?: string;
  /** generic only (default "sha256"). */
  algorithm?: MacAlgorithm;
  /** generic only (default "hex"). */
  encoding?: SignatureEncoding;
  /** generic only: text that must precede the encoded signature, e.g. "sha256=". */
  prefix?: string;
  /** Allowed clock skew, both ways, for schemes that sign a timestamp. */
  toleranceSeconds?: number;
};

export type WebhookAuth =
  | HmacAuth
  | { type: "bearer"; token: string }
  | { type: "api_key"; header?: string; query?: string; value: string }
  | { type: "basic"; username: string; password: string }
  | { type: "none" };

export type InboundRequest = {
  method: string;
  /** Lowercased names; duplicate headers joined by ", " as fetch Headers does. */
  headers: Record<string, string>;
  query: Record<string, string>;
  rawBody: Uint8Array;
};

/** `reason` is short, safe to log and to return, and never contains a secret. */
export type AuthResult = { ok: true } | { ok: false; reason: string };
