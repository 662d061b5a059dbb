/**
 * Signing outgoing deliveries per Standard Webhooks
 * (https://www.standardwebhooks.com): `whsec_` secrets and `v1,` signatures
 * over `{msgId}.{timestamp}.{body}`. Verification for flows lives in the
 * dependency-free src/receiver/verify-delivery.ts.
 */
import { fromBase64, toBase64, utf8 } from "./bytes";
import { hmac } from "./webhook-auth/crypto";

const PREFIX = "whsec_";

/**
 * A new secret: `whsec_` plus base64 of 32 random bytes.
 * @example generateWebhookSecret() // "whsec_3q2+7w…="
 */
export function generateWebhookSecret(): string {
  return PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

function secretKey(secret: string): Uint8Array | null {
  if (typeof secret !== "string" || !secret.startsWith(PREFIX)) return null;
  const key = fromBase64(secret.slice(PREFIX.length));
  return key && key.length >= 24 && key.length <= 64 ? key : null;
}

/**
 * Whether `s` is a usable secret: `whsec_` and base64 of 24 to 64 bytes.
 * @example isValidWebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") // true
 */
export function isValidWebhookSecret(s: string): boolean {
  return secretKey(s) !== null;
}

/**
 * The `webhook-signature` header value for one delivery attempt:
 * `v1,` + base64(HMAC-SHA256(secret key, `${msgId}.${timestampSeconds}.${body}`)).
 * @throws TypeError when the secret is not valid (see {@link isValidWebhookSecret}).
 * @example
 * const sig = await signStandardWebhook(secret, deliveryId, Math.floor(now / 1000), body);
 */
export async function signStandardWebhook(secret: string, msgId: string, timestampSeconds: number, body: string): Promise<string> {
  const key = secretKey(secret);
  if (!key) throw new TypeError("invalid webhook secret: expected whsec_ followed by base64 of 24-64 bytes");
  return `v1,${toBase64(await hmac("sha256", key, utf8(`${msgId}.${timestampSeconds}.${body}`)))}`;
}
