/**
 * Linear: `linear-signature: <hex HMAC-SHA256(secret, body)>`.
 *
 * Linear puts the send time in the signed JSON body as `webhookTimestamp`
 * (epoch ms) and asks receivers to refuse it when more than a minute off. When
 * the body is JSON with that field, it must lie within `toleranceSeconds`
 * (default 60) of now; a body without it (or not JSON) is judged by the
 * signature alone. The body is only parsed once the signature is good.
 */
import { OK, checkTolerance, reject } from "./common";
import { verifyBodyMac } from "./generic";
import type { AuthResult, HmacAuth, InboundRequest } from "./types";

const LINEAR_DEFAULT_TOLERANCE_SECONDS = 60;

export async function verifyLinear(auth: HmacAuth, req: InboundRequest, nowMs: number): Promise<AuthResult> {
  const signed = await verifyBodyMac(req, auth.secret, { header: "linear-signature", algorithm: "sha256", encoding: "hex" });
  if (!signed.ok) return signed;
  const timestamp = bodyTimestamp(req.rawBody);
  if (timestamp === undefined) return OK;
  if (timestamp === null) return reject("malformed webhookTimestamp");
  return checkTolerance(timestamp, nowMs, auth.toleranceSeconds ?? LINEAR_DEFAULT_TOLERANCE_SECONDS) ?? OK;
}

/** undefined when absent, null when present but not a finite number. */
function bodyTimestamp(rawBody: Uint8Array): number | null | undefined {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(rawBody));
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null || !Object.hasOwn(body, "webhookTimestamp")) return undefined;
  const value = (body as { webhookTimestamp: unknown }).webhookTimestamp;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
