/** Stripe preset: `stripe-signature: t=…,v1=…` over `${t}.${body}`, with timestamp tolerance. */
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/domain/webhook-auth/verify";
import type { InboundRequest, WebhookAuth } from "../../src/domain/webhook-auth/types";

const enc = new TextEncoder();
const SECRET = "whsec_test_stripe_endpoint_secret";
const NOW = 1_700_000_000_000;
const T = NOW / 1000;
const BODY = '{"id":"evt_1","object":"event","type":"payment_intent.succeeded"}';
const auth: WebhookAuth = { type: "hmac", provider: "stripe", secret: SECRET };

// Stripe's documented scheme, computed independently: hex HMAC-SHA256(secret, `${t}.${payload}`).
async function stripeV1(secret: string, t: number | string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(`${t}.${body}`)));
  return Array.from(sig, (x) => x.toString(16).padStart(2, "0")).join("");
}

function request(signature: string | undefined, body = BODY): InboundRequest {
  return { method: "POST", headers: signature === undefined ? {} : { "stripe-signature": signature }, query: {}, rawBody: enc.encode(body) };
}

describe("stripe", () => {
  it("accepts a valid signature", async () => {
    const header = `t=${T},v1=${await stripeV1(SECRET, T, BODY)}`;
    expect(await verifyWebhook(auth, request(header), NOW)).toEqual({ ok: true });
  });

  it("accepts when any of several v1 entries matches, in any position, next to v0", async () => {
    const good = await stripeV1(SECRET, T, BODY);
    const old = await stripeV1("the-previous-secret", T, BODY);
    for (const header of [
      `t=${T},v1=${old},v1=${good},v0=${old}`,
      `t=${T},v1=${good},v1=${old}`,
      `v0=abc, v1=${old}, t=${T}, v1=${good.toUpperCase()}`,
      `t=${T},v1=garbage,v1=${good}`,
    ]) {
      expect((await verifyWebhook(auth, request(header), NOW)).ok, header).toBe(true);
    }
  });

  it("rejects a tampered body or a signature from another secret", async () => {
    const good = `t=${T},v1=${await stripeV1(SECRET, T, BODY)}`;
    expect(await verifyWebhook(auth, request(good, BODY.replace("evt_1", "evt_2")), NOW)).toEqual({ ok: false, reason: "signature mismatch" });
    const other = `t=${T},v1=${await stripeV1("wrong", T, BODY)}`;
    expect((await verifyWebhook(auth, request(other), NOW)).ok).toBe(false);
  });

  it("rejects a signature whose timestamp was changed", async () => {
    const sig = await stripeV1(SECRET, T, BODY);
    expect((await verifyWebhook(auth, request(`t=${T + 1},v1=${sig}`), NOW)).ok).toBe(false);
  });

  it("rejects only v0 signatures (v0 is a test-mode legacy scheme)", async () => {
    const sig = await stripeV1(SECRET, T, BODY);
    expect(await verifyWebhook(auth, request(`t=${T},v0=${sig}`), NOW)).toEqual({ ok: false, reason: "no v1 signature" });
  });

  it("rejects stale and far-future timestamps, at the default 300 s", async () => {
    for (const t of [T - 301, T + 301, T - 86_400, T + 86_400]) {
      const header = `t=${t},v1=${await stripeV1(SECRET, t, BODY)}`;
      expect(await verifyWebhook(auth, request(header), NOW)).toEqual({ ok: false, reason: "timestamp outside tolerance" });
    }
    for (const t of [T - 300, T + 300]) {
      const header = `t=${t},v1=${await stripeV1(SECRET, t, BODY)}`;
      expect((await verifyWebhook(auth, request(header), NOW)).ok).toBe(true);
    }
  });

  it("honours toleranceSeconds", async () => {
    const t = T - 1000;
    const header = `t=${t},v1=${await stripeV1(SECRET, t, BODY)}`;
    expect((await verifyWebhook({ ...auth, toleranceSeconds: 1200 } as WebhookAuth, request(header), NOW)).ok).toBe(true);
    expect((await verifyWebhook({ ...auth, toleranceSeconds: 600 } as WebhookAuth, request(header), NOW)).ok).toBe(false);
  });

  it("rejects missing, empty and garbled headers without throwing", async () => {
    const sig = await stripeV1(SECRET, T, BODY);
    const cases: Array<string | undefined> = [
      undefined,
      "",
      "garbage",
      `v1=${sig}`,
      `t=${T}`,
      `t=,v1=${sig}`,
      `t=abc,v1=${sig}`,
      `t=${T}.5,v1=${sig}`,
      `t=-${T},v1=${sig}`,
      `t=${T},t=${T},v1=${sig}`,
      `t=${T},v1=`,
      `t=${T},v1=${sig.slice(0, -2)}`,
      `t=${T},v1=${sig.slice(1)}`,
      `t=${T},v1=${sig}00`,
      `t=${T},v1=sha256=${sig}`,
      `t=${T},${Array.from({ length: 17 }, () => `v1=${sig}`).join(",")}`,
    ];
    for (const header of cases) {
      const result = await verifyWebhook(auth, request(header), NOW);
      expect(result.ok, String(header)).toBe(false);
    }
  });

  it("reads the header under any casing of its name", async () => {
    const header = `t=${T},v1=${await stripeV1(SECRET, T, BODY)}`;
    const req: InboundRequest = { method: "POST", headers: { "Stripe-Signature": header }, query: {}, rawBody: enc.encode(BODY) };
    expect((await verifyWebhook(auth, req, NOW)).ok).toBe(true);
  });
});
