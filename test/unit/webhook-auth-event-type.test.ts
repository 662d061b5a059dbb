/** webhookEventType per provider and for generic configs; deliveredHeaders strips credentials and keeps signatures. */
import { describe, expect, it } from "vitest";
import { deliveredHeaders, validateEventTypeConfig, webhookEventType } from "../../src/domain/webhook-auth/event-type";
import type { HmacProvider, WebhookAuth } from "../../src/domain/webhook-auth/types";

const hmac = (provider: HmacProvider): WebhookAuth => ({ type: "hmac", provider, secret: "s3cret" });

describe("webhookEventType: presets", () => {
  it.each<[HmacProvider, Record<string, string>, unknown, string | null]>([
    ["github", { "x-github-event": "push" }, { action: "opened" }, "push"],
    ["github", {}, { type: "push" }, null],
    ["stripe", {}, { id: "evt_1", type: "payment_intent.succeeded" }, "payment_intent.succeeded"],
    ["stripe", { "x-event-type": "x" }, { id: "evt_1" }, null],
    ["standard-webhooks", {}, { type: "invoice.paid", data: {} }, "invoice.paid"],
    ["shopify", { "x-shopify-topic": "orders/create" }, { type: "other" }, "orders/create"],
    ["slack", {}, { type: "event_callback", event: { type: "app_mention" } }, "app_mention"],
    ["slack", {}, { type: "url_verification", challenge: "c" }, "url_verification"],
    ["slack", {}, { type: "event_callback", event: { text: "no type" } }, "event_callback"],
    ["linear", {}, { type: "Issue", action: "create", data: {} }, "Issue.create"],
    ["linear", {}, { type: "Issue" }, "Issue"],
    ["linear", {}, { action: "create" }, null],
    ["sentry", { "sentry-hook-resource": "issue" }, { action: "created" }, "issue"],
    ["sentry", {}, {}, null],
  ])("%s %j %j → %s", (provider, headers, body, expected) => {
    expect(webhookEventType(hmac(provider), headers, body)).toBe(expected);
  });

  it("ignores a generic config on presets (it is for the generic provider only)", () => {
    expect(webhookEventType(hmac("github"), { "x-github-event": "push", "x-kind": "k" }, {}, { header: "x-kind" })).toBe("push");
    expect(webhookEventType(hmac("stripe"), {}, { kind: "k" }, { pointer: "/kind" })).toBeNull();
  });

  it("gives null for bodies that are not objects and for empty or non-string values", () => {
    expect(webhookEventType(hmac("stripe"), {}, undefined)).toBeNull();
    expect(webhookEventType(hmac("stripe"), {}, "type")).toBeNull();
    expect(webhookEventType(hmac("stripe"), {}, [{ type: "a" }])).toBeNull();
    expect(webhookEventType(hmac("stripe"), {}, { type: "" })).toBeNull();
    expect(webhookEventType(hmac("stripe"), {}, { type: { nested: true } })).toBeNull();
    expect(webhookEventType(hmac("github"), { "x-github-event": "" }, {})).toBeNull();
    expect(webhookEventType(hmac("stripe"), {}, JSON.parse('{"__proto__": {"type": "polluted"}}'))).toBeNull();
  });
});

describe("webhookEventType: generic and non-HMAC schemes", () => {
  const schemes: WebhookAuth[] = [
    hmac("generic"),
    { type: "bearer", token: "t" },
    { type: "api_key", header: "x-api-key", value: "v" },
    { type: "basic", username: "u", password: "p" },
    { type: "none" },
  ];
  it("reads a header or a pointer from the config", () => {
    for (const auth of schemes) {
      expect(webhookEventType(auth, { "x-event-type": "build.done" }, {}, { header: "X-Event-Type" }), auth.type).toBe("build.done");
      expect(webhookEventType(auth, {}, { meta: { kind: "deploy" } }, { pointer: "/meta/kind" }), auth.type).toBe("deploy");
      expect(webhookEventType(auth, {}, { code: 42 }, { pointer: "/code" }), auth.type).toBe("42");
    }
  });
  it("is null without a config, or when the config finds nothing", () => {
    for (const auth of schemes) {
      expect(webhookEventType(auth, { "x-github-event": "push" }, { type: "a" }), auth.type).toBeNull();
      expect(webhookEventType(auth, {}, {}, { header: "x-event-type" }), auth.type).toBeNull();
      expect(webhookEventType(auth, {}, { type: null }, { pointer: "/type" }), auth.type).toBeNull();
    }
    expect(webhookEventType(null, {}, { type: "a" })).toBeNull();
    expect(webhookEventType(undefined, {}, { type: "a" }, { pointer: "/type" })).toBe("a");
  });
});

describe("validateEventTypeConfig", () => {
  it("accepts one header or one pointer", () => {
    expect(validateEventTypeConfig({ header: "x-event-type" })).toEqual([]);
    expect(validateEventTypeConfig({ pointer: "/type" })).toEqual([]);
    expect(validateEventTypeConfig({ pointer: "/a~1b/0" })).toEqual([]);
  });
  it("refuses anything else with a sentence", () => {
    expect(validateEventTypeConfig(null)[0]).toMatch(/must be/);
    expect(validateEventTypeConfig({})[0]).toMatch(/exactly one/);
    expect(validateEventTypeConfig({ header: "x", pointer: "/t" })[0]).toMatch(/exactly one/);
    expect(validateEventTypeConfig({ field: "type" })[0]).toMatch(/exactly one/);
    expect(validateEventTypeConfig({ header: "bad header" })[0]).toMatch(/header name/);
    expect(validateEventTypeConfig({ pointer: "type" })[0]).toMatch(/JSON pointer/);
    expect(validateEventTypeConfig({ pointer: "" })[0]).toMatch(/JSON pointer/);
  });
});

describe("deliveredHeaders", () => {
  const request = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/abc",
    "x-github-event": "push",
    "x-github-delivery": "d-1",
    "x-hub-signature-256": "sha256=abcd",
    "x-slack-signature": "v0=abcd",
    "webhook-signature": "v1,abcd",
    "x-shopify-hmac-sha256": "abcd",
    authorization: "Bearer secret-token",
    "proxy-authorization": "Basic xyz",
    cookie: "session=abc",
    "x-api-key": "k",
    "x-gitlab-token": "shared-secret",
    "x-webhook-secret": "s",
    "x-auth-token": "t",
    "x-amz-security-token": "t",
    "cf-access-jwt-assertion": "jwt",
    "x-password": "p",
    "x-request-id": "r-1",
  };
  const kept = ["content-type", "user-agent", "x-github-event", "x-github-delivery", "x-hub-signature-256", "x-slack-signature", "webhook-signature", "x-shopify-hmac-sha256", "x-request-id"];

  it("removes credentials and keeps everything else, signatures included", () => {
    for (const auth of [hmac("github"), { type: "bearer", token: "secret-token" } as WebhookAuth, { type: "none" } as WebhookAuth, null]) {
      const out = deliveredHeaders(request, auth);
      expect(Object.keys(out).sort(), JSON.stringify(auth)).toEqual([...kept].sort());
      expect(out["x-github-event"]).toBe("push");
    }
  });

  it("removes the header an api_key auth reads its key from", () => {
    const out = deliveredHeaders({ "x-partner-key": "k", "x-other": "o" }, { type: "api_key", header: "X-Partner-Key", value: "k" });
    expect(out).toEqual({ "x-other": "o" });
    expect(deliveredHeaders({ "x-partner-key": "k" }, { type: "api_key", query: "key", value: "k" })).toEqual({ "x-partner-key": "k" });
  });

  it("never lets a bearer token, basic password or api key value through", () => {
    const headers = { authorization: "Basic dTpw", "x-api-key": "v", "x-trace": "1" };
    const out = JSON.stringify(deliveredHeaders(headers, { type: "basic", username: "u", password: "p" }));
    expect(out).not.toContain("dTpw");
    expect(out).not.toContain('"v"');
  });

  it("lowercases names and does not change its input", () => {
    const input = { "X-Trace": "1", Authorization: "Bearer t" };
    expect(deliveredHeaders(input, null)).toEqual({ "x-trace": "1" });
    expect(input).toEqual({ "X-Trace": "1", Authorization: "Bearer t" });
  });
});
