/**
 * Name rules from API.md "Conventions": tenants, triggers, flows, run ids,
 * await steps and webhook paths. Validated once at the edge so that every
 * name reaching storage, a Durable Object id or a URL is already safe.
 */

/** Tenant ids: lowercase, digits and dashes, at most 63 characters. */
const TENANT_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Trigger, flow, run id and step names, e.g. `stripe.payment.succeeded`. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const PATH_SEGMENT_RE = /^[a-z0-9._-]+$/;

/**
 * Whether `s` is a valid tenant id.
 * @example isValidTenant("acme") // true
 */
export function isValidTenant(s: string): boolean {
  return typeof s === "string" && TENANT_RE.test(s);
}

/**
 * Whether `s` is a valid trigger, flow, run id or step name.
 * @example isValidName("stripe.payment.succeeded") // true
 */
export function isValidName(s: string): boolean {
  return typeof s === "string" && NAME_RE.test(s);
}

/**
 * Whether `s` is a valid webhook path: 1-128 characters of `[a-z0-9._-]`
 * segments joined by `/`, with no empty, `.` or `..` segment (so no leading,
 * trailing or doubled slash, and nothing a URL normaliser would rewrite).
 * @example isValidWebhookPath("github/acme-repo") // true
 * @example isValidWebhookPath("a/../b")           // false
 */
export function isValidWebhookPath(s: string): boolean {
  if (typeof s !== "string" || s.length < 1 || s.length > 128) return false;
  return s.split("/").every((seg) => PATH_SEGMENT_RE.test(seg) && seg !== "." && seg !== "..");
}
