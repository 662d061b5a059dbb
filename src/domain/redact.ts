/**
 * Write-only secrets: what every answer shows instead of a secret, and how an
 * update that echoes the redacted value keeps the stored one.
 */
export const REDACTED = "********";

/** The webhook auth fields that hold secrets. */
export const SECRET_KEYS = new Set(["secret", "token", "value", "password"]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function redactAuth(auth: unknown): unknown {
  if (!isObj(auth)) return auth;
  const out: Obj = {};
  for (const [k, v] of Object.entries(auth)) out[k] = SECRET_KEYS.has(k) && typeof v === "string" ? REDACTED : v;
  return out;
}

function redactHeaders(h: unknown): unknown {
  if (!isObj(h)) return h;
  return Object.fromEntries(Object.keys(h).map((k) => [k, REDACTED]));
}

/** A trigger definition as shown to readers: webhook auth secrets and poll header values hidden. */
export function redactDef<T extends Obj>(def: T): T {
  const out: Obj = { ...def };
  if (isObj(def.webhook)) out.webhook = { ...def.webhook, auth: redactAuth(def.webhook.auth) };
  if (isObj(def.poll) && def.poll.headers) out.poll = { ...def.poll, headers: redactHeaders(def.poll.headers) };
  return out as T;
}

/** A delivery target as shown to readers: the signing secret and custom header values hidden. */
export function redactTarget<T extends Obj>(target: T): T {
  const out: Obj = { ...target };
  if (typeof target.secret === "string") out.secret = REDACTED;
  if (target.headers) out.headers = redactHeaders(target.headers);
  return out as T;
}

/**
 * Carries stored secrets into an update whose body echoes the redacted
 * placeholder (a GET → edit → PUT round trip must not wipe secrets): webhook
 * auth secrets, and poll header values (by header name, in any case).
 */
export function keepRedactedSecrets<T extends Obj>(incoming: T, stored: Obj | null): T {
  if (!stored) return incoming;
  let out: Obj = incoming;
  if (isObj(incoming.webhook) && isObj(stored.webhook) && isObj(incoming.webhook.auth) && isObj(stored.webhook.auth)) {
    const oldAuth = stored.webhook.auth;
    const auth: Obj = { ...incoming.webhook.auth };
    for (const k of SECRET_KEYS) if (auth[k] === REDACTED && typeof oldAuth[k] === "string") auth[k] = oldAuth[k];
    out = { ...out, webhook: { ...incoming.webhook, auth } };
  }
  if (isObj(incoming.poll) && isObj(incoming.poll.headers) && isObj(stored.poll) && isObj(stored.poll.headers)) {
    const old = new Map(Object.entries(stored.poll.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const headers = Object.fromEntries(
      Object.entries(incoming.poll.headers).map(([k, v]) => [k, v === REDACTED && typeof old.get(k.toLowerCase()) === "string" ? old.get(k.toLowerCase()) : v]),
    );
    out = { ...out, poll: { ...incoming.poll, headers } };
  }
  return out as T;
}

/** True when any secret field still holds the placeholder (nothing stored to keep). */
export function hasPlaceholderSecret(def: Obj): boolean {
  const auth = isObj(def.webhook) ? def.webhook.auth : null;
  if (isObj(auth) && [...SECRET_KEYS].some((k) => auth[k] === REDACTED)) return true;
  const headers = isObj(def.poll) ? def.poll.headers : null;
  return isObj(headers) && Object.values(headers).some((v) => v === REDACTED);
}

/**
 * The same for a delivery target (an import or sync echoing an exported
 * subscription): a redacted `secret` or header value keeps the stored one
 * (headers by name, in any case). What has nothing stored stays redacted.
 */
export function keepRedactedTargetSecrets<T extends Obj>(incoming: T, stored: Obj | null): T {
  let out: Obj = incoming;
  if (out.secret === REDACTED) {
    const { secret: _, ...rest } = out;
    out = typeof stored?.secret === "string" ? { ...rest, secret: stored.secret } : out;
  }
  if (isObj(out.headers)) {
    const old = new Map(Object.entries(isObj(stored?.headers) ? stored.headers : {}).map(([k, v]) => [k.toLowerCase(), v]));
    const headers = Object.fromEntries(
      Object.entries(out.headers).map(([k, v]) => [k, v === REDACTED && typeof old.get(k.toLowerCase()) === "string" ? old.get(k.toLowerCase()) : v]),
    );
    out = { ...out, headers };
  }
  return out as T;
}

/** True when a target still holds the placeholder in its secret or a header (nothing stored to keep). */
export function targetHasPlaceholder(target: Obj): boolean {
  return target.secret === REDACTED || (isObj(target.headers) && Object.values(target.headers).some((v) => v === REDACTED));
}
