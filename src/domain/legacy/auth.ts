/**
 * Legacy webhook auth onto Signalbox `webhook.auth`: `signature` becomes an
 * HMAC preset picked by its header (or generic), bearer, API key and basic
 * map field by field, an IP whitelist becomes `webhook.ipAllowlist`. A
 * custom verify function cannot be carried over, and is a problem rather
 * than a silently open webhook.
 */
import { validateAllowlist } from "../ip-allowlist";
import { validateWebhookAuth } from "../webhook-auth/validate";
import type { HmacProvider, WebhookAuth } from "../webhook-auth/types";
import type { PartMapping } from "./types";

/** Signature headers that identify a preset; anything else is the generic provider. */
const PRESET_BY_HEADER: Record<string, HmacProvider> = {
  "x-hub-signature-256": "github",
  "stripe-signature": "stripe",
  "x-slack-signature": "slack",
  "x-shopify-hmac-sha256": "shopify",
  "webhook-signature": "standard-webhooks",
  "linear-signature": "linear",
  "sentry-hook-signature": "sentry",
};
const PROVIDERS = new Set<string>([...Object.values(PRESET_BY_HEADER), "generic"]);
const TYPE_ALIASES: Record<string, string> = {
  signature: "hmac", hmac: "hmac", bearer: "bearer", token: "bearer", apikey: "api_key", api_key: "api_key", "api-key": "api_key",
  basic: "basic", ip: "ip", ipwhitelist: "ip", "ip-whitelist": "ip", ipallowlist: "ip", none: "none", custom: "custom",
};
const IP_LIST_KEYS = ["ipWhitelist", "ipAllowlist", "allowedIps", "ips", "whitelist", "allowlist"];
const VERIFY_REASON = "a verify function has no JSON form; Signalbox verifies with the preset or the generic HMAC settings";

export type AuthMapping = PartMapping<{ auth: WebhookAuth; ipAllowlist?: string[] }>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Maps a legacy `webhook.auth` (paths in the answer are relative to it).
 * A missing auth was an open webhook and stays one (`{"type": "none"}`).
 * @example mapLegacyAuth({ type: "signature", secret: "whsec", header: "stripe-signature" }).value // { auth: { type: "hmac", provider: "stripe", secret: "whsec" } }
 */
export function mapLegacyAuth(legacy: unknown): AuthMapping {
  const out: AuthMapping = { ignored: [], problems: [] };
  if (legacy === undefined || legacy === null) return { ...out, value: { auth: { type: "none" } } };
  if (!isObject(legacy)) return { ...out, problems: [{ path: "", message: "auth must be an object" }] };
  const kind = typeof legacy.type === "string" ? TYPE_ALIASES[legacy.type.toLowerCase()] : undefined;
  if (kind === undefined) {
    return { ...out, problems: [{ path: "type", message: `auth type ${JSON.stringify(legacy.type)} is not one Signalbox can map (signature, bearer, apiKey, basic, ip, none)` }] };
  }
  if (kind === "custom") {
    return { ...out, problems: [{ path: "type", message: "custom auth (a verify function) cannot be imported; set webhook.auth to hmac, bearer, api_key or basic" }] };
  }
  const used = new Set(["type"]);
  const take = (...keys: string[]) => {
    for (const k of keys) if (legacy[k] !== undefined) return used.add(k), legacy[k];
    return undefined;
  };
  let auth: Record<string, unknown>;
  switch (kind) {
    case "hmac":
      auth = hmacAuth(legacy, take, out);
      break;
    case "bearer":
      auth = { type: "bearer", token: take("token", "value", "secret") };
      break;
    case "api_key":
      auth = withoutUndefined({ type: "api_key", header: take("header"), query: take("query", "param"), value: take("value", "key", "apiKey", "secret") });
      if (typeof auth.header === "string") auth.header = auth.header.toLowerCase();
      break;
    case "basic":
      auth = { type: "basic", username: take("username", "user"), password: take("password") };
      break;
    default:
      auth = { type: "none" };
  }
  const ipList = take(...IP_LIST_KEYS);
  for (const key of Object.keys(legacy)) if (!used.has(key)) out.ignored.push({ field: key, reason: key === "verify" ? VERIFY_REASON : "no equivalent in Signalbox webhook.auth" });
  if (kind === "ip" && ipList === undefined) out.problems.push({ path: "", message: "an IP whitelist auth needs its list of addresses (ips)" });
  for (const message of validateWebhookAuth(auth)) out.problems.push({ path: "", message });
  if (ipList !== undefined) for (const message of validateAllowlist(ipList)) out.problems.push({ path: "ips", message });
  if (out.problems.length > 0) return out;
  return { ...out, value: ipList !== undefined ? { auth: auth as WebhookAuth, ipAllowlist: ipList as string[] } : { auth: auth as WebhookAuth } };
}

function hmacAuth(legacy: Record<string, unknown>, take: (...k: string[]) => unknown, out: AuthMapping): Record<string, unknown> {
  const header = take("header");
  const lower = typeof header === "string" ? header.toLowerCase() : undefined;
  const named = take("provider");
  let provider: string;
  if (typeof named === "string" && PROVIDERS.has(named)) provider = named;
  else provider = (lower && PRESET_BY_HEADER[lower]) ?? "generic";
  if (named !== undefined && provider !== named) out.problems.push({ path: "provider", message: `provider ${JSON.stringify(named)} is not a Signalbox preset (${[...PROVIDERS].join(", ")})` });
  const auth: Record<string, unknown> = { type: "hmac", provider, secret: take("secret") };
  const tolerance = take("toleranceSeconds", "tolerance");
  if (tolerance !== undefined) auth.toleranceSeconds = tolerance;
  const algorithm = take("algorithm"), encoding = take("encoding"), prefix = take("prefix");
  if (provider !== "generic") {
    for (const [k, v] of [["algorithm", algorithm], ["encoding", encoding], ["prefix", prefix]] as const) {
      if (v !== undefined) out.ignored.push({ field: k, reason: `the ${provider} preset fixes its ${k}` });
    }
    return auth;
  }
  if (lower === "x-hub-signature") {
    // GitHub's older SHA-1 header: the generic provider reproduces it exactly.
    return { ...auth, header: lower, algorithm: "sha1", encoding: "hex", prefix: "sha1=" };
  }
  return withoutUndefined({ ...auth, header: lower, algorithm: normaliseAlgorithm(algorithm), encoding, prefix });
}

/** "SHA256", "sha-256" and "HmacSHA256" all mean sha256. */
function normaliseAlgorithm(a: unknown): unknown {
  if (typeof a !== "string") return a;
  const m = /^(?:hmac)?-?sha-?(1|256|512)$/i.exec(a.trim());
  return m ? `sha${m[1]}` : a;
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
