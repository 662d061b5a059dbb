/**
 * Slack: `x-slack-signature: v0=<hex HMAC-SHA256(secret, "v0:" + ts + ":" + body)>`
 * with `ts` from `x-slack-request-timestamp`, which must be within
 * `toleranceSeconds` (default 300) of now, in either direction.
 */
import { DEFAULT_TOLERANCE_SECONDS, OK, checkTolerance, header, parseUnixSeconds, reject } from "./common";
import { concatBytes, constantTimeEqual, decodeHex, hmac, utf8 } from "./crypto";
import type { AuthResult, HmacAuth, InboundRequest } from "./types";

export async function verifySlack(auth: HmacAuth, req: InboundRequest, nowMs: number): Promise<AuthResult> {
  const timestamp = header(req, "x-slack-request-timestamp");
  const signature = header(req, "x-slack-signature");
  if (timestamp === undefined) return reject("missing x-slack-request-timestamp header");
  if (signature === undefined) return reject("missing x-slack-signature header");
  const seconds = parseUnixSeconds(timestamp);
  if (seconds === null) return reject("malformed signature timestamp");
  const stale = checkTolerance(seconds * 1000, nowMs, auth.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
  if (stale) return stale;
  if (!signature.startsWith("v0=")) return reject("signature prefix mismatch");
  const given = decodeHex(signature.slice(3));
  if (given === null) return reject("malformed signature");

  const expected = await hmac("sha256", utf8(auth.secret), concatBytes(utf8(`v0:${timestamp}:`), req.rawBody));
  return constantTimeEqual(given, expected) ? OK : reject("signature mismatch");
}
