/** Slack preset: `x-slack-signature: v0=…` over `v0:{timestamp}:{body}`, with timestamp tolerance. */
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/domain/webhook-auth/verify";
import type { InboundRequest, WebhookAuth } from "../../src/domain/webhook-auth/types";

const enc = new TextEncoder();
const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const NOW = 1_700_000_000_000;
const TS = String(NOW / 1000);
const BODY = "token=abc&team_id=T1&command=%2Fdeploy&text=now";
const auth: WebhookAuth = { type: "hmac", provider: "slack", secret: SECRET };

// Slack's documented scheme, computed independently: "v0=" + hex HMAC-SHA256(secret, "v0:" + ts + ":" + body).
async function slackV0(secret: string, ts: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(`v0:${ts}:${body}`)));
  return `v0=${Array.from(sig, (x) => x.toString(16).padStart(2, "0")).join("")}`;
}

function request(headers: Record<string, string>, body = BODY): InboundRequest {
  return { method: "POST", headers, query: {}, rawBody: enc.encode(body) };
}

describe("slack", () => {
  it("accepts the example from Slack's documentation", async () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const headers = {
      "x-slack-request-timestamp": "1531420618",
      "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    };
    expect(await verifyWebhook(auth, request(headers, body), 1531420618_000)).toEqual({ ok: true });
    expect((await verifyWebhook(auth, request(headers, body), 1531420618_000 + 301_000)).ok).toBe(false);
  });

  it("accepts a valid signature", async () => {
    const headers = { "x-slack-request-timestamp": TS, "x-slack-signature": await slackV0(SECRET, TS, BODY) };
    expect(await verifyWebhook(auth, request(headers), NOW)).toEqual({ ok: true });
  });

  it("rejects a tampered body, a wrong secret and a swapped timestamp", async () => {
    const sig = await slackV0(SECRET, TS, BODY);
    expect((await verifyWebhook(auth, request({ "x-slack-request-timestamp": TS, "x-slack-signature": sig }, `${BODY}&x=1`), NOW)).ok).toBe(false);
    const wrong = await slackV0("another-signing-secret", TS, BODY);
    expect((await verifyWebhook(auth, request({ "x-slack-request-timestamp": TS, "x-slack-signature": wrong }), NOW)).ok).toBe(false);
    const other = String(NOW / 1000 - 10);
    expect(await verifyWebhook(auth, request({ "x-slack-request-timestamp": other, "x-slack-signature": sig }), NOW)).toEqual({
      ok: false,
      reason: "signature mismatch",
    });
  });

  it("rejects stale and far-future timestamps, at the default 300 s", async () => {
    for (const offset of [-301, 301, -3600, 86_400]) {
      const ts = String(NOW / 1000 + offset);
      const headers = { "x-slack-request-timestamp": ts, "x-slack-signature": await slackV0(SECRET, ts, BODY) };
      expect(await verifyWebhook(auth, request(headers), NOW)).toEqual({ ok: false, reason: "timestamp outside tolerance" });
    }
    const edge = String(NOW / 1000 - 300);
    const headers = { "x-slack-request-timestamp": edge, "x-slack-signature": await slackV0(SECRET, edge, BODY) };
    expect((await verifyWebhook(auth, request(headers), NOW)).ok).toBe(true);
  });

  it("honours toleranceSeconds", async () => {
    const ts = String(NOW / 1000 - 30);
    const headers = { "x-slack-request-timestamp": ts, "x-slack-signature": await slackV0(SECRET, ts, BODY) };
    expect((await verifyWebhook({ ...auth, toleranceSeconds: 10 } as WebhookAuth, request(headers), NOW)).ok).toBe(false);
    expect((await verifyWebhook({ ...auth, toleranceSeconds: 60 } as WebhookAuth, request(headers), NOW)).ok).toBe(true);
  });

  it("rejects missing, empty and garbled headers without throwing", async () => {
    const sig = await slackV0(SECRET, TS, BODY);
    const cases: Array<Record<string, string>> = [
      {},
      { "x-slack-signature": sig },
      { "x-slack-request-timestamp": TS },
      { "x-slack-request-timestamp": "", "x-slack-signature": sig },
      { "x-slack-request-timestamp": TS, "x-slack-signature": "" },
      { "x-slack-request-timestamp": "soon", "x-slack-signature": sig },
      { "x-slack-request-timestamp": `${TS}.0`, "x-slack-signature": sig },
      { "x-slack-request-timestamp": TS, "x-slack-signature": sig.slice(3) },
      { "x-slack-request-timestamp": TS, "x-slack-signature": `v1=${sig.slice(3)}` },
      { "x-slack-request-timestamp": TS, "x-slack-signature": sig.slice(0, -1) },
      { "x-slack-request-timestamp": TS, "x-slack-signature": sig.slice(0, 20) },
      { "x-slack-request-timestamp": TS, "x-slack-signature": "v0=" },
      { "x-slack-request-timestamp": TS, "x-slack-signature": `${sig}, ${sig}` },
    ];
    for (const headers of cases) {
      expect((await verifyWebhook(auth, request(headers), NOW)).ok, JSON.stringify(headers)).toBe(false);
    }
  });

  it("reads headers under any casing and accepts upper-case hex", async () => {
    const sig = await slackV0(SECRET, TS, BODY);
    const headers = { "X-Slack-Request-Timestamp": TS, "X-Slack-Signature": `v0=${sig.slice(3).toUpperCase()}` };
    expect((await verifyWebhook(auth, request(headers), NOW)).ok).toBe(true);
  });
});
