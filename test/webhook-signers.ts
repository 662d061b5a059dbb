/** Test-side signers for each webhook preset, written from the providers' documented schemes (WebCrypto only). */
const enc = new TextEncoder();

async function mac(alg: "SHA-256" | "SHA-1" | "SHA-512", key: Uint8Array | string, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", typeof key === "string" ? enc.encode(key) : key, { name: "HMAC", hash: alg }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(data)));
}
export const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
export const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export type Signed = { headers: Record<string, string> };

/** Headers that authenticate `body` for a preset, at time `now` (ms). */
export async function signFor(provider: string, secret: string, body: string, now = Date.now(), extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const ts = Math.floor(now / 1000);
  switch (provider) {
    case "github":
      return { "x-hub-signature-256": `sha256=${hex(await mac("SHA-256", secret, body))}`, "x-github-delivery": extra.id ?? crypto.randomUUID() };
    case "stripe":
      return { "stripe-signature": `t=${ts},v1=${hex(await mac("SHA-256", secret, `${ts}.${body}`))}` };
    case "slack":
      return { "x-slack-request-timestamp": String(ts), "x-slack-signature": `v0=${hex(await mac("SHA-256", secret, `v0:${ts}:${body}`))}` };
    case "shopify":
      return { "x-shopify-hmac-sha256": b64(await mac("SHA-256", secret, body)), "x-shopify-webhook-id": extra.id ?? crypto.randomUUID() };
    case "standard-webhooks": {
      const id = extra.id ?? `msg_${crypto.randomUUID()}`;
      return { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": `v1,${b64(await mac("SHA-256", unb64(secret.slice(6)), `${id}.${ts}.${body}`))}` };
    }
    case "linear":
      return { "linear-signature": hex(await mac("SHA-256", secret, body)), "linear-delivery": extra.id ?? crypto.randomUUID() };
    case "sentry":
      return { "sentry-hook-signature": hex(await mac("SHA-256", secret, body)), "request-id": extra.id ?? crypto.randomUUID() };
    case "generic":
      return { "x-signature": `sha256=${hex(await mac("SHA-256", secret, body))}` };
    default:
      throw new Error(provider);
  }
}
