/**
 * API keys from the API_KEYS secret: parsing, constant-time lookup, scopes.
 * Fails closed: no keys configured (or an unreadable secret) means every call is 401.
 */
import { AppError } from "../errors";

export type Scope = "read" | "write" | "fire";
const ALL_SCOPES: readonly Scope[] = ["read", "write", "fire"];

export type Principal = { tenant: string; scopes: ReadonlySet<Scope> };

type KeyEntry = { tenant: string; digest: Uint8Array; scopes: ReadonlySet<Scope> };

const TENANT_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const enc = new TextEncoder();

let cache: { raw: string; entries: Promise<KeyEntry[]>; known: Map<string, Principal> } | null = null;
/** Keys that authenticated lately, per isolate (a SHA-256 per request was 15% of a fire's CPU); only valid keys are kept. */
const KNOWN_MAX = 256;

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function hexToBytes(hex: string): Uint8Array | null {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Parses API_KEYS; invalid entries are dropped (never logged: they hold secrets). */
async function parseKeys(raw: string | undefined): Promise<KeyEntry[]> {
  if (!raw) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  const entries: KeyEntry[] = [];
  for (const item of list) {
    if (typeof item !== "object" || item === null) continue;
    const { tenant, key, sha256: hash, scopes } = item as Record<string, unknown>;
    if (typeof tenant !== "string" || !TENANT_RE.test(tenant)) continue;
    let digest: Uint8Array | null = null;
    if (typeof key === "string" && key.length > 0) digest = await sha256(enc.encode(key));
    else if (typeof hash === "string") digest = hexToBytes(hash);
    if (!digest) continue;
    const granted = Array.isArray(scopes) ? scopes.filter((s): s is Scope => ALL_SCOPES.includes(s as Scope)) : ALL_SCOPES;
    entries.push({ tenant, digest, scopes: new Set(granted) });
  }
  return entries;
}

/** Compares two 32-byte digests without an early exit. */
function digestEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < 32; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Resolves a bearer token to its principal. Every configured key is compared
 * (no early exit), so timing does not reveal which entry matched.
 */
export async function authenticate(rawKeys: string | undefined, authorization: string | null): Promise<Principal> {
  if (!cache || cache.raw !== (rawKeys ?? "")) cache = { raw: rawKeys ?? "", entries: parseKeys(rawKeys), known: new Map() };
  const { entries: pending, known } = cache;
  const entries = await pending;
  const m = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (!m) throw new AppError(401, "unauthorized", "Missing or malformed Authorization: Bearer <key>");
  if (entries.length === 0) throw new AppError(401, "unauthorized", "No API keys are configured");
  const hit = known.get(m[1]);
  if (hit) return hit;
  const digest = await sha256(enc.encode(m[1]));
  let found: KeyEntry | null = null;
  for (const e of entries) if (digestEqual(e.digest, digest) && !found) found = e;
  if (!found) throw new AppError(401, "unauthorized", "Invalid API key");
  const principal = { tenant: found.tenant, scopes: found.scopes };
  if (known.size >= KNOWN_MAX) known.clear();
  known.set(m[1], principal);
  return principal;
}

/** Throws 403 unless the principal holds the scope. */
export function requireScope(p: Principal, scope: Scope): void {
  if (!p.scopes.has(scope)) throw new AppError(403, "forbidden", `This key lacks the '${scope}' scope`);
}
