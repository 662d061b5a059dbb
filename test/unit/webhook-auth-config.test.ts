/** Presets listing, default dedup keys, Slack url_verification, config validation and redaction. */
import { describe, expect, it } from "vitest";
import { PROVIDERS, defaultDedupKey, isSlackUrlVerification } from "../../src/domain/webhook-auth/providers";
import { redactDef } from "../../src/domain/redact";

const redactWebhookAuth = (auth: WebhookAuth) => (redactDef({ type: "webhook", webhook: { path: "p", auth } }) as { webhook: { auth: WebhookAuth } }).webhook.auth;
import { validateWebhookAuth } from "../../src/domain/webhook-auth/validate";
import type { WebhookAuth } from "../../src/domain/webhook-auth/types";

describe("PROVIDERS", () => {
  it("lists every preset once with its default dedup key", () => {
    expect(Object.fromEntries(PROVIDERS.map((p) => [p.provider, p.defaultDedupKey]))).toEqual({
      github: "header:x-github-delivery",
      stripe: "body:/id",
      slack: "body:/event_id",
      shopify: "header:x-shopify-webhook-id",
      "standard-webhooks": "header:webhook-id",
      linear: "header:linear-delivery",
      sentry: "header:request-id",
      generic: null,
    });
    for (const p of PROVIDERS) {
      expect(p.signatureHeaders.length).toBeGreaterThan(0);
      expect(p.signatureHeaders.every((h) => h === h.toLowerCase())).toBe(true);
      expect(p.description).not.toBe("");
    }
    expect(PROVIDERS.filter((p) => p.timestampTolerance).map((p) => p.provider).sort()).toEqual(["linear", "slack", "standard-webhooks", "stripe"]);
  });

  it("defaultDedupKey follows the preset, and is null for other schemes", () => {
    expect(defaultDedupKey({ type: "hmac", provider: "github", secret: "s" })).toBe("header:x-github-delivery");
    expect(defaultDedupKey({ type: "hmac", provider: "stripe", secret: "s" })).toBe("body:/id");
    expect(defaultDedupKey({ type: "hmac", provider: "generic", secret: "s" })).toBeNull();
    expect(defaultDedupKey({ type: "bearer", token: "t" })).toBeNull();
    expect(defaultDedupKey({ type: "none" })).toBeNull();
  });
});

describe("isSlackUrlVerification", () => {
  it("returns the challenge of a url_verification body only", () => {
    expect(isSlackUrlVerification({ token: "x", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" })).toBe(
      "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    );
    expect(isSlackUrlVerification({ type: "event_callback", challenge: "x" })).toBeNull();
    expect(isSlackUrlVerification({ type: "url_verification" })).toBeNull();
    expect(isSlackUrlVerification({ type: "url_verification", challenge: 42 })).toBeNull();
    for (const body of [null, undefined, "url_verification", 1, [], [{ type: "url_verification", challenge: "x" }]]) {
      expect(isSlackUrlVerification(body)).toBeNull();
    }
  });
});

describe("validateWebhookAuth", () => {
  it("accepts every valid shape", () => {
    const valid: unknown[] = [
      { type: "none" },
      { type: "bearer", token: "t0k" },
      { type: "api_key", value: "v" },
      { type: "api_key", header: "X-Key", value: "v" },
      { type: "api_key", query: "key", value: "v" },
      { type: "basic", username: "u", password: "p:w" },
      { type: "hmac", provider: "github", secret: "s" },
      { type: "hmac", provider: "stripe", secret: "whsec_x", toleranceSeconds: 600 },
      { type: "hmac", provider: "standard-webhooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
      { type: "hmac", provider: "standard-webhooks", secret: "raw secret" },
      { type: "hmac", provider: "generic", secret: "s", header: "x-sig", algorithm: "sha512", encoding: "base64", prefix: "sha512=" },
      { type: "hmac", provider: "linear", secret: "x".repeat(1024), toleranceSeconds: 1 },
      { type: "hmac", provider: "slack", secret: "s", toleranceSeconds: 86_400 },
    ];
    for (const auth of valid) expect(validateWebhookAuth(auth), JSON.stringify(auth)).toEqual([]);
  });

  it("names each problem", () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /must be an object/],
      [[], /must be an object/],
      ["bearer", /must be an object/],
      [{}, /type must be one of/],
      [{ type: "oauth" }, /type must be one of/],
      [{ type: "hmac", provider: "gitlab", secret: "s" }, /provider must be one of/],
      [{ type: "hmac", secret: "s" }, /provider must be one of/],
      [{ type: "hmac", provider: "github" }, /secret must be a non-empty string/],
      [{ type: "hmac", provider: "github", secret: "" }, /secret must be a non-empty string/],
      [{ type: "hmac", provider: "github", secret: 123 }, /secret must be a non-empty string/],
      [{ type: "hmac", provider: "github", secret: "x".repeat(1025) }, /secret must be at most 1024/],
      [{ type: "hmac", provider: "stripe", secret: "s", toleranceSeconds: 0 }, /toleranceSeconds must be an integer from 1 to 86400/],
      [{ type: "hmac", provider: "stripe", secret: "s", toleranceSeconds: 86_401 }, /toleranceSeconds/],
      [{ type: "hmac", provider: "stripe", secret: "s", toleranceSeconds: 1.5 }, /toleranceSeconds/],
      [{ type: "hmac", provider: "stripe", secret: "s", toleranceSeconds: "300" }, /toleranceSeconds/],
      [{ type: "hmac", provider: "github", secret: "s", header: "x-sig" }, /header is only valid for provider generic/],
      [{ type: "hmac", provider: "github", secret: "s", algorithm: "sha1" }, /algorithm is only valid for provider generic/],
      [{ type: "hmac", provider: "generic", secret: "s", algorithm: "md5" }, /algorithm must be one of/],
      [{ type: "hmac", provider: "generic", secret: "s", encoding: "base32" }, /encoding must be one of/],
      [{ type: "hmac", provider: "generic", secret: "s", header: "bad header" }, /header must be a valid HTTP header name/],
      [{ type: "hmac", provider: "generic", secret: "s", header: "" }, /header must be a valid HTTP header name/],
      [{ type: "hmac", provider: "generic", secret: "s", prefix: "" }, /prefix must be/],
      [{ type: "hmac", provider: "generic", secret: "s", prefix: 5 }, /prefix must be/],
      [{ type: "hmac", provider: "standard-webhooks", secret: "whsec_***" }, /after whsec_ must be base64/],
      [{ type: "hmac", provider: "standard-webhooks", secret: "whsec_" }, /after whsec_ must be base64/],
      [{ type: "hmac", provider: "github", secret: "s", tolerance: 5 }, /unknown field "tolerance"/],
      [{ type: "bearer" }, /token must be a non-empty string/],
      [{ type: "bearer", token: "two words" }, /token must not contain whitespace/],
      [{ type: "bearer", token: "t", secret: "s" }, /unknown field "secret"/],
      [{ type: "api_key" }, /value must be a non-empty string/],
      [{ type: "api_key", value: "v", header: "a b" }, /header must be a valid HTTP header name/],
      [{ type: "api_key", value: "v", query: "" }, /query must be/],
      [{ type: "basic", password: "p" }, /username must be a non-empty string/],
      [{ type: "basic", username: "u" }, /password must be a non-empty string/],
      [{ type: "basic", username: "u:v", password: "p" }, /username must not contain ':'/],
      [{ type: "none", secret: "s" }, /unknown field "secret"/],
    ];
    for (const [auth, problem] of cases) {
      const problems = validateWebhookAuth(auth);
      expect(problems.some((p) => problem.test(p)), `${JSON.stringify(auth)} -> ${JSON.stringify(problems)}`).toBe(true);
    }
  });

  it("never echoes a secret in a problem", () => {
    const problems = validateWebhookAuth({ type: "hmac", provider: "nope", secret: "x".repeat(1025) + "TOPSECRET" });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join(" ")).not.toContain("TOPSECRET");
  });
});

describe("redactDef on webhook auth", () => {
  it("masks every secret field and keeps the rest", () => {
    const cases: Array<[WebhookAuth, WebhookAuth]> = [
      [
        { type: "hmac", provider: "generic", secret: "s", header: "x-sig", prefix: "sha256=", toleranceSeconds: 60 },
        { type: "hmac", provider: "generic", secret: "********", header: "x-sig", prefix: "sha256=", toleranceSeconds: 60 },
      ],
      [{ type: "bearer", token: "t" }, { type: "bearer", token: "********" }],
      [{ type: "api_key", header: "x-key", value: "v" }, { type: "api_key", header: "x-key", value: "********" }],
      [{ type: "basic", username: "u", password: "p" }, { type: "basic", username: "u", password: "********" }],
      [{ type: "none" }, { type: "none" }],
    ];
    for (const [auth, redacted] of cases) expect(redactWebhookAuth(auth)).toEqual(redacted);
  });

  it("does not modify its input", () => {
    const auth: WebhookAuth = { type: "bearer", token: "t" };
    redactWebhookAuth(auth);
    expect(auth).toEqual({ type: "bearer", token: "t" });
  });
});
