/**
 * Sentry integration webhooks: `sentry-hook-signature: <hex HMAC-SHA256(secret, body)>`.
 * Sentry's `sentry-hook-timestamp` is not covered by the signature, so checking it
 * would add no protection against replay; it is ignored.
 */
import { verifyBodyMac } from "./generic";
import type { AuthResult, HmacAuth, InboundRequest } from "./types";

export function verifySentry(auth: HmacAuth, req: InboundRequest): Promise<AuthResult> {
  return verifyBodyMac(req, auth.secret, { header: "sentry-hook-signature", algorithm: "sha256", encoding: "hex" });
}
