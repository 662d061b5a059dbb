/**
 * Standard Webhooks (Svix and others): headers `webhook-id`, `webhook-timestamp`
 * (unix s) and `webhook-signature`, a space-separated list of `v1,<base64>`
 * entries, any of which may match the HMAC-SHA256 of `${id}.${ts}.${body}`.
 * The key is the base64 part of a `whsec_…` secret; a secret without that
 * prefix is used as its UTF-8 bytes. The timestamp must be within
 * `toleranceSeconds` (default 300) of now, in either direction.
 */
import { DEFAULT_TOLERANCE_SECONDS, MAX_SIGNATURES, OK, checkTolerance, header, parseUnixSeconds, reject } from "./common";
import { concatBytes, constantTimeEqual, decodeBase64, hmac, utf8 } from "./crypto";
import type { AuthResult, HmacAuth, InboundRequest } from "./types";

const SECRET_PREFIX = "whsec_";

/** The HMAC key a Standard Webhooks secret stands for, or null when its base64 part is not base64. */
export function standardWebhooksKey(secret: string): Uint8Array | null {
  if (!secret.startsWith(SECRET_PREFIX)) return utf8(secret);
  const encoded = secret.slice(SECRET_PREFIX.length);
  // Some senders generate secrets without base64 padding.
  return decodeBase64(encoded + "=".repeat((4 - (encoded.length % 4)) % 4));
}

export async function verifyStandardWebhooks(auth: HmacAuth, req: InboundRequest, nowMs: number): Promise<AuthResult> {
  const id = header(req, "webhook-id");
  const timestamp = header(req, "webhook-timestamp");
  const signature = header(req, "webhook-signature");
  if (id === undefined) return reject("missing webhook-id header");
  if (timestamp === undefined) return reject("missing webhook-timestamp header");
  if (signature === undefined) return reject("missing webhook-signature header");
  const seconds = parseUnixSeconds(timestamp);
  if (seconds === null) return reject("malformed signature timestamp");
  const stale = checkTolerance(seconds * 1000, nowMs, auth.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
  if (stale) return stale;

  // A repeated header arrives joined by ", ", leaving a trailing comma on an entry.
  const entries = signature.split(" ").filter((e) => e !== "").map((e) => e.replace(/,$/, ""));
  if (entries.length > MAX_SIGNATURES) return reject("too many signatures");
  const key = standardWebhooksKey(auth.secret);
  if (key === null) return reject("secret is not a valid whsec_ value");

  const expected = await hmac("sha256", key, concatBytes(utf8(`${id}.${timestamp}.`), req.rawBody));
  let matched = false;
  for (const entry of entries) {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue;
    const given = decodeBase64(entry.slice(comma + 1));
    // No early exit: every v1 entry is compared.
    if (given !== null && constantTimeEqual(given, expected)) matched = true;
  }
  return matched ? OK : reject("signature mismatch");
}
