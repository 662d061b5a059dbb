/** Bearer, API key, Basic and none, plus the dispatcher's refusal of unusable configs. */
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/domain/webhook-auth/verify";
import type { InboundRequest, WebhookAuth } from "../../src/domain/webhook-auth/types";

const NOW = 1_700_000_000_000;
const enc = new TextEncoder();

function request(headers: Record<string, string> = {}, query: Record<string, string> = {}): InboundRequest {
  return { method: "POST", headers, query, rawBody: enc.encode("{}") };
}
const ok = async (auth: WebhookAuth, req: InboundRequest) => (await verifyWebhook(auth, req, NOW)).ok;

describe("bearer", () => {
  const auth: WebhookAuth = { type: "bearer", token: "tok_abc123" };

  it("accepts the token, with any casing of the scheme", async () => {
    expect(await verifyWebhook(auth, request({ authorization: "Bearer tok_abc123" }), NOW)).toEqual({ ok: true });
    expect(await ok(auth, request({ authorization: "bearer tok_abc123" }))).toBe(true);
    expect(await ok(auth, request({ Authorization: "BEARER  tok_abc123 " }))).toBe(true);
  });

  it("rejects a wrong, truncated, extended or missing token", async () => {
    for (const value of ["Bearer tok_abc124", "Bearer tok_abc12", "Bearer tok_abc1234", "Bearer TOK_ABC123", "Bearer", "Bearer ", "tok_abc123", "Basic tok_abc123", "Bearertok_abc123", ""]) {
      expect(await ok(auth, request({ authorization: value })), value).toBe(false);
    }
    expect(await verifyWebhook(auth, request(), NOW)).toEqual({ ok: false, reason: "missing authorization header" });
  });

  it("does not take the token from elsewhere", async () => {
    expect(await ok(auth, request({ "x-api-key": "tok_abc123" }, { token: "tok_abc123" }))).toBe(false);
  });
});

describe("api_key", () => {
  it("reads x-api-key by default", async () => {
    const auth: WebhookAuth = { type: "api_key", value: "k-1" };
    expect(await ok(auth, request({ "x-api-key": "k-1" }))).toBe(true);
    expect(await ok(auth, request({ "X-Api-Key": "k-1" }))).toBe(true);
    expect(await ok(auth, request({ "x-api-key": "k-2" }))).toBe(false);
    expect(await ok(auth, request({ "x-api-key": "k-1x" }))).toBe(false);
    expect(await verifyWebhook(auth, request({}, { "x-api-key": "k-1" }), NOW)).toEqual({ ok: false, reason: "missing api key" });
  });

  it("reads a configured header, given in any casing", async () => {
    const auth: WebhookAuth = { type: "api_key", header: "X-Hook-Key", value: "k-1" };
    expect(await ok(auth, request({ "x-hook-key": "k-1" }))).toBe(true);
    expect(await ok(auth, request({ "x-api-key": "k-1" }))).toBe(false);
  });

  it("reads a configured query parameter, and then not the default header", async () => {
    const auth: WebhookAuth = { type: "api_key", query: "key", value: "k-1" };
    expect(await ok(auth, request({}, { key: "k-1" }))).toBe(true);
    expect(await ok(auth, request({}, { key: "k-2" }))).toBe(false);
    expect(await ok(auth, request({}, { KEY: "k-1" }))).toBe(false);
    expect(await ok(auth, request({ "x-api-key": "k-1" }))).toBe(false);
    expect(await ok(auth, request({}, { key: "" }))).toBe(false);
  });

  it("accepts either place when both are configured", async () => {
    const auth: WebhookAuth = { type: "api_key", header: "x-key", query: "key", value: "k-1" };
    expect(await ok(auth, request({ "x-key": "k-1" }))).toBe(true);
    expect(await ok(auth, request({}, { key: "k-1" }))).toBe(true);
    expect(await ok(auth, request({ "x-key": "wrong" }, { key: "k-1" }))).toBe(true);
    expect(await ok(auth, request({ "x-key": "wrong" }, { key: "wrong" }))).toBe(false);
  });

  it("does not look up inherited query properties", async () => {
    const auth: WebhookAuth = { type: "api_key", query: "toString", value: "k-1" };
    expect(await ok(auth, request())).toBe(false);
  });
});

describe("basic", () => {
  const auth: WebhookAuth = { type: "basic", username: "hook", password: "p@ss:wörd" };
  const encode = (s: string) => btoa(String.fromCharCode(...enc.encode(s)));

  it("accepts the credentials (UTF-8, colon in the password)", async () => {
    expect(await verifyWebhook(auth, request({ authorization: `Basic ${encode("hook:p@ss:wörd")}` }), NOW)).toEqual({ ok: true });
    expect(await ok(auth, request({ authorization: `basic ${encode("hook:p@ss:wörd")}` }))).toBe(true);
  });

  it("rejects wrong, partial or garbled credentials", async () => {
    for (const value of [
      `Basic ${encode("hook:p@ss:wörd!")}`,
      `Basic ${encode("Hook:p@ss:wörd")}`,
      `Basic ${encode("hook:")}`,
      `Basic ${encode("hook")}`,
      `Basic ${encode(":p@ss:wörd")}`,
      `Basic ${encode("hook:p@ss:wörd").replace(/=+$/, "")}x`,
      "Basic %%%",
      "Basic",
      `Bearer ${encode("hook:p@ss:wörd")}`,
      "hook:p@ss:wörd",
    ]) {
      expect(await ok(auth, request({ authorization: value })), value).toBe(false);
    }
    expect(await ok(auth, request())).toBe(false);
  });
});

describe("none and misconfiguration", () => {
  it("none always passes", async () => {
    expect(await verifyWebhook({ type: "none" }, request(), NOW)).toEqual({ ok: true });
  });

  it("refuses configs that would let anyone in, rather than accept or throw", async () => {
    const cases = [
      { type: "hmac", provider: "generic", secret: "" },
      { type: "hmac", provider: "github" },
      { type: "bearer", token: "" },
      { type: "api_key", value: "" },
      { type: "basic", username: "u", password: "" },
      { type: "basic", username: "", password: "p" },
    ] as unknown as WebhookAuth[];
    for (const auth of cases) {
      expect(await verifyWebhook(auth, request({ authorization: "Bearer ", "x-api-key": "", "x-signature": "00" }), NOW)).toEqual({
        ok: false,
        reason: "webhook auth misconfigured",
      });
    }
  });

  it("refuses unknown types and providers", async () => {
    expect(await verifyWebhook({ type: "magic" } as unknown as WebhookAuth, request(), NOW)).toEqual({ ok: false, reason: "unknown auth type" });
    for (const provider of ["gitlab", "constructor", "__proto__"]) {
      const auth = { type: "hmac", provider, secret: "s" } as unknown as WebhookAuth;
      expect(await verifyWebhook(auth, request(), NOW)).toEqual({ ok: false, reason: "unknown provider" });
    }
  });

  it("turns unexpected failures into a rejection", async () => {
    const broken = { method: "POST", headers: {}, query: {}, rawBody: "not bytes" } as unknown as InboundRequest;
    const auth: WebhookAuth = { type: "hmac", provider: "github", secret: "s" };
    const withHeader = { ...broken, headers: { "x-hub-signature-256": `sha256=${"00".repeat(32)}` } };
    expect(await verifyWebhook(auth, withHeader, NOW)).toEqual({ ok: false, reason: "verification failed" });
  });
});
