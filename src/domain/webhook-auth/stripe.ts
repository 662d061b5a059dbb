/**
 * Stripe: `stripe-signature: t=<unix s>,v1=<hex>,v1=<hex>,v0=…`, each v1 a hex
 * HMAC-SHA256 of `${t}.${body}`. Any v1 may match (Stripe sends several while
 * a secret is being rolled); v0 and unknown schemes are ignored. `t` must be
 * within `toleranceSeconds` (default 300) of now, in either direction.
 */
import { DEFAULT_TOLERANCE_SECONDS, MAX_SIGNATURES, OK, checkTolerance, header, parseUnixSeconds, reject } from "./common";
import { concatBytes, constantTimeEqual, decodeHex, hmac, utf8 } from "./crypto";
import type { AuthResult, HmacAuth, InboundRequest } from "./types";

export async function verifyStripe(auth: HmacAuth, req: InboundRequest, nowMs: number): Promise<AuthResult> {
  const value = header(req, "stripe-signature");
  if (value === undefined) return reject("missing stripe-signature header");
  const parsed = parseStripeSignature(value);
  if (typeof parsed === "string") return reject(parsed);
  const seconds = parseUnixSeconds(parsed.timestamp);
  if (seconds === null) return reject("malformed signature timestamp");
  const stale = checkTolerance(seconds * 1000, nowMs, auth.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
  if (stale) return stale;

  const expected = await hmac("sha256", utf8(auth.secret), concatBytes(utf8(`${parsed.timestamp}.`), req.rawBody));
  let matched = false;
  for (const candidate of parsed.signatures) {
    const given = decodeHex(candidate);
    // No early exit: every candidate is compared.
    if (given !== null && constantTimeEqual(given, expected)) matched = true;
  }
  return matched ? OK : reject("signature mismatch");
}

/** Splits the header into its timestamp and v1 signatures, or returns why it is malformed. */
function parseStripeSignature(value: string): { timestamp: string; signatures: string[] } | string {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const item of value.split(",")) {
    const eq = item.indexOf("=");
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key === "t") {
      if (timestamp !== undefined) return "malformed stripe-signature header";
      timestamp = val;
    } else if (key === "v1") {
      signatures.push(val);
    }
  }
  if (timestamp === undefined) return "missing signature timestamp";
  if (signatures.length === 0) return "no v1 signature";
  if (signatures.length > MAX_SIGNATURES) return "too many signatures";
  return { timestamp, signatures };
}
