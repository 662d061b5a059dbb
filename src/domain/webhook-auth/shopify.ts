/** Shopify: `x-shopify-hmac-sha256: <base64 HMAC-SHA256(secret, body)>`. */
import { verifyBodyMac } from "./generic";
import type { AuthResult, HmacAuth, InboundRequest } from "./types";

export function verifyShopify(auth: HmacAuth, req: InboundRequest): Promise<AuthResult> {
  return verifyBodyMac(req, auth.secret, { header: "x-shopify-hmac-sha256", algorithm: "sha256", encoding: "base64" });
}
