/** Standard Webhooks preset: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`. */
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/domain/webhook-auth/verify";
import type { InboundRequest, WebhookAuth } from "../../src/domain/webhook-auth/types";

const enc = new TextEncoder();
const SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SPEC_TS = "1614265330";
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const SPEC_NOW = 1614265330_000;

const auth = (secret = SPEC_SECRET): WebhookAuth => ({ type: "hmac", provider: "standard-webhooks", secret });

function request(headers: Record<string, string>, body = SPEC_BODY): InboundRequest {
  return { method: "POST", headers, query: {}, rawBody: enc.encode(body) };
}
const specHeaders = (signature = SPEC_SIG, ts = SPEC_TS, id = SPEC_ID) => ({ "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": signature });

// Independent signer for keys other than the spec example's.
async function sign(key: Uint8Array, id: string, ts: string, body: string): Promise<string> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(`${id}.${ts}.${body}`)));
  return `v1,${btoa(String.fromCharCode(...sig))}`;
}

describe("standard-webhooks", () => {
  it("accepts the example from the Standard Webhooks specification", async () => {
    expect(await verifyWebhook(auth(), request(specHeaders()), SPEC_NOW)).toEqual({ ok: true });
  });

  it("accepts when any of several space-separated entries matches", async () => {
    const other = "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=";
    for (const signature of [`${other} ${SPEC_SIG}`, `${SPEC_SIG} ${other}`, `v1a,abc ${other}  ${SPEC_SIG}`, `${other}, ${SPEC_SIG}`]) {
      expect((await verifyWebhook(auth(), request(specHeaders(signature)), SPEC_NOW)).ok, signature).toBe(true);
    }
  });

  it("rejects a tampered body, id or timestamp", async () => {
    expect(await verifyWebhook(auth(), request(specHeaders(), '{"test": 2432232315}'), SPEC_NOW)).toEqual({ ok: false, reason: "signature mismatch" });
    expect((await verifyWebhook(auth(), request(specHeaders(SPEC_SIG, SPEC_TS, "msg_other")), SPEC_NOW)).ok).toBe(false);
    expect((await verifyWebhook(auth(), request(specHeaders(SPEC_SIG, "1614265331")), SPEC_NOW)).ok).toBe(false);
  });

  it("rejects a wrong secret", async () => {
    expect((await verifyWebhook(auth("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), request(specHeaders()), SPEC_NOW)).ok).toBe(false);
    // The same characters used as a raw secret are a different key.
    expect((await verifyWebhook(auth("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), request(specHeaders()), SPEC_NOW)).ok).toBe(false);
  });

  it("uses the UTF-8 bytes of a secret without the whsec_ prefix", async () => {
    const secret = "plain-shared-secret";
    const ts = String(SPEC_NOW / 1000);
    const signature = await sign(enc.encode(secret), SPEC_ID, ts, SPEC_BODY);
    expect((await verifyWebhook(auth(secret), request(specHeaders(signature, ts)), SPEC_NOW)).ok).toBe(true);
  });

  it("accepts a whsec_ secret whose base64 lacks padding", async () => {
    const key = new Uint8Array([1, 2, 3, 4, 5]);
    const ts = String(SPEC_NOW / 1000);
    const signature = await sign(key, SPEC_ID, ts, SPEC_BODY);
    expect((await verifyWebhook(auth("whsec_AQIDBAU"), request(specHeaders(signature, ts)), SPEC_NOW)).ok).toBe(true);
  });

  it("rejects stale and far-future timestamps, at the default 300 s", async () => {
    for (const now of [SPEC_NOW + 301_000, SPEC_NOW - 301_000, SPEC_NOW + 86_400_000]) {
      expect(await verifyWebhook(auth(), request(specHeaders()), now)).toEqual({ ok: false, reason: "timestamp outside tolerance" });
    }
    expect((await verifyWebhook(auth(), request(specHeaders()), SPEC_NOW + 300_000)).ok).toBe(true);
    const tolerant = { ...auth(), toleranceSeconds: 600 } as WebhookAuth;
    expect((await verifyWebhook(tolerant, request(specHeaders()), SPEC_NOW + 500_000)).ok).toBe(true);
  });

  it("rejects missing, empty and garbled headers without throwing", async () => {
    const bare = SPEC_SIG.slice(3);
    const cases: Array<Record<string, string>> = [
      {},
      { "webhook-timestamp": SPEC_TS, "webhook-signature": SPEC_SIG },
      { "webhook-id": SPEC_ID, "webhook-signature": SPEC_SIG },
      { "webhook-id": SPEC_ID, "webhook-timestamp": SPEC_TS },
      specHeaders(""),
      specHeaders(" "),
      specHeaders(bare),
      specHeaders(`v2,${bare}`),
      specHeaders(`v1a,${bare}`),
      specHeaders(`v1,${bare.slice(0, -4)}`),
      specHeaders(`v1,${bare.replace("=", "")}`),
      specHeaders(`v1,${bare.replace(/\+/g, "-").replace(/\//g, "_")}`),
      specHeaders("v1,"),
      specHeaders("v1,!!!!"),
      specHeaders(SPEC_SIG, "1614265330.5"),
      specHeaders(SPEC_SIG, "2021-02-21T15:02:10Z"),
      specHeaders(Array.from({ length: 17 }, () => SPEC_SIG).join(" ")),
    ];
    for (const headers of cases) {
      expect((await verifyWebhook(auth(), request(headers), SPEC_NOW)).ok, JSON.stringify(headers)).toBe(false);
    }
  });

  it("rejects a whsec_ secret that is not base64 instead of throwing", async () => {
    expect(await verifyWebhook(auth("whsec_not*base64"), request(specHeaders()), SPEC_NOW)).toEqual({
      ok: false,
      reason: "secret is not a valid whsec_ value",
    });
  });

  it("reads headers under any casing", async () => {
    const headers = { "Webhook-Id": SPEC_ID, "WEBHOOK-TIMESTAMP": SPEC_TS, "Webhook-Signature": SPEC_SIG };
    expect((await verifyWebhook(auth(), request(headers), SPEC_NOW)).ok).toBe(true);
  });
});
