/**
 * Private byte helpers for webhook verification: UTF-8, hex/base64 decoding,
 * HMAC and constant-time comparison, on WebCrypto only so this folder does not
 * depend on anything else in the project.
 */
import type { MacAlgorithm } from "./types";

const HASH_NAME: Record<MacAlgorithm, string> = { sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512" };
const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Imported keys by algorithm and key bytes, the most recently used last: a
 * webhook's secret is imported once, not per request, and so is a
 * subscription's signing secret (src/domain/standard-webhooks.ts signs with
 * {@link hmac} too). Bounded: 512 keys of at most 64 bytes each.
 */
const imported = new Map<string, Promise<CryptoKey>>();
const MAX_IMPORTED = 512;

function importedKey(algorithm: MacAlgorithm, key: Uint8Array): Promise<CryptoKey> {
  const id = `${algorithm}:${key.join(",")}`;
  let k = imported.get(id);
  if (k) imported.delete(id);
  else {
    k = crypto.subtle.importKey("raw", key, { name: "HMAC", hash: HASH_NAME[algorithm] }, false, ["sign"]);
    k.catch(() => imported.delete(id));
    if (imported.size >= MAX_IMPORTED) imported.delete(imported.keys().next().value!);
  }
  imported.set(id, k);
  return k;
}

/** HMAC of `data` keyed by `key`, e.g. `await hmac("sha256", utf8(secret), body)`. */
export async function hmac(algorithm: MacAlgorithm, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await importedKey(algorithm, key), data));
}

/** Hex (either case) to bytes; null for anything that is not whole, non-empty hex. */
export function decodeHex(text: string): Uint8Array | null {
  if (text.length === 0 || text.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Padded standard base64 to bytes; null for anything else (base64url, missing padding). */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Compares every byte without an early exit. The lengths may leak, which is
 * fine for MACs: their length is public (the algorithm's output size).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Equality for shared secrets (tokens, passwords, API keys): both sides are
 * hashed first so neither the content nor the secret's length leaks.
 */
export async function secretEqual(given: Uint8Array, expected: Uint8Array): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", given),
    crypto.subtle.digest("SHA-256", expected),
  ]);
  return constantTimeEqual(new Uint8Array(a), new Uint8Array(b));
}
