/**
 * Byte helpers shared by signatures and tokens: constant-time comparison,
 * base64 / base64url / hex codecs, UTF-8, and thin WebCrypto wrappers.
 */

const encoder = new TextEncoder();

/** UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * Compares two byte arrays in time that depends only on their lengths:
 * no early exit, and a length mismatch still walks the longer array.
 * @example timingSafeEqual(utf8("a"), utf8("a")) // true
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const len = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < len; i++) {
    diff |= (i < a.length ? a[i] : 0) ^ (i < b.length ? b[i] : 0);
  }
  return diff === 0;
}

/** {@link timingSafeEqual} over the UTF-8 bytes of two strings (tokens, passwords). */
export function timingSafeEqualStr(a: string, b: string): boolean {
  return timingSafeEqual(utf8(a), utf8(b));
}

/** Standard base64 with padding. @example toBase64(utf8("hi")) // "aGk=" */
export function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** URL-safe base64 without padding (RFC 4648 §5). @example toBase64Url(new Uint8Array([251, 255])) // "-_8" */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes base64 in either the standard or the URL alphabet, padded or not.
 * Returns `null` for anything else (whitespace included).
 * @example fromBase64("aGk") // Uint8Array [104, 105]
 */
export function fromBase64(s: string): Uint8Array | null {
  if (typeof s !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) return null;
  const body = s.replace(/=+$/, "");
  if (body.length !== s.length && s.length % 4 !== 0) return null;
  if (body.length % 4 === 1) return null;
  const std = body.replace(/-/g, "+").replace(/_/g, "/");
  try {
    const bin = atob(std + "=".repeat((4 - (std.length % 4)) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** Lowercase hex. @example toHex(new Uint8Array([1, 255])) // "01ff" */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Decodes hex (either case); `null` for odd length or non-hex characters. */
export function fromHex(s: string): Uint8Array | null {
  if (typeof s !== "string" || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return null;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * HMAC of `data` under `key` with WebCrypto.
 * @example toHex(await hmac("SHA-256", utf8("key"), utf8("msg")))
 */
export async function hmac(alg: "SHA-1" | "SHA-256" | "SHA-512", key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: alg }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, data));
}

/** Hex SHA-256 of the UTF-8 bytes of `s` (API keys are stored this way). */
export async function sha256Hex(s: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(s))));
}

/**
 * A base64url token of `bytes` random bytes from WebCrypto.
 * @example randomToken(16) // 22 characters, 128 bits
 */
export function randomToken(bytes: number): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}
