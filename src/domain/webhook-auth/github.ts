/** GitHub: `x-hub-signature-256: sha256=<hex HMAC-SHA256(secret, body)>`. The legacy SHA-1 header is not accepted. */
import { verifyBodyMac } from "./generic";
import type { AuthResult, HmacAuth, InboundRequest } from "./types";

export function verifyGithub(auth: HmacAuth, req: InboundRequest): Promise<AuthResult> {
  return verifyBodyMac(req, auth.secret, { header: "x-hub-signature-256", algorithm: "sha256", encoding: "hex", prefix: "sha256=" });
}
