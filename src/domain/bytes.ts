/**
 * Byte helpers shared by signatures and tokens: constant-time comparison,
 * base64 / base64url / hex codecs, UTF-8, and thin WebCrypto wrappers.
 */

const encoder = new TextEncoder();

/** UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Standard base64 with padding. @example toBase64(utf8("hi")) // "aGk=" */
export function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/**
 * URL-safe base64 without padding (RFC 4648 §5). @example toBase64Url(new Uint8Array([251, 255])) // "-_8"
 * @internal (exported for tests)
 */
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

/**
 * Lowercase hex. @example toHex(new Uint8Array([1, 255])) // "01ff"
 * @internal (exported for tests)
 */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
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
