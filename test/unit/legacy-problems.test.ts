/** Legacy mapping: what cannot be mapped is a problem with a name and a path; auth, paths, schedules and config edge cases. */
import { describe, expect, it } from "vitest";
import { mapLegacyDocs } from "../../src/domain/legacy";
import { mapLegacyAuth } from "../../src/domain/legacy/auth";
import { mapLegacyConfig } from "../../src/domain/legacy/config";
import { mapLegacySchedule } from "../../src/domain/legacy/schedule";
import { legacyWebhookPath } from "../../src/domain/legacy/webhook";

const docs = (triggers: unknown[], triggerSubscriptions: unknown[] = []) => mapLegacyDocs({ format: "legacy-docs", triggers, triggerSubscriptions });
const t = (doc: Record<string, unknown>) => ({ id: doc.name, doc });
const hook = (auth: unknown, extra: Record<string, unknown> = {}) => t({ name: "w", type: "webhook", webhook: { path: "/webhooks/w", auth, ...extra } });

describe("mapLegacyDocs: problems", () => {
  it("rejects a document that is not legacy-docs", () => {
    expect(mapLegacyDocs(null).problems).toEqual([{ name: "(document)", path: "", message: "the document must be an object" }]);
    expect(mapLegacyDocs({ format: "signalbox.v1", triggers: [] }).problems).toEqual([{ name: "(document)", path: "format", message: 'format must be "legacy-docs"' }]);
    expect(mapLegacyDocs({ format: "legacy-docs", triggers: {} }).problems[0]).toMatchObject({ path: "triggers" });
    expect(mapLegacyDocs({ format: "legacy-docs" })).toEqual({ triggers: [], needsTarget: [], ignored: [], problems: [] });
  });

  it("reports a doc without a name under its id, and one with neither", () => {
    const r = docs([{ id: "orphan", doc: { type: "event" } }, { doc: { type: "event" } }, { id: "x", doc: "not an object" }]);
    expect(r.problems).toEqual([
      { name: "orphan", path: "name", message: "the doc has no name" },
      { name: "(no name)", path: "name", message: "the doc has no name" },
      { name: "x", path: "", message: "the doc must be an object" },
    ]);
    expect(r.triggers).toEqual([]);
  });

  it("reports invalid names, an id that disagrees with the name, and duplicate names", () => {
    const r = docs([t({ name: "bad name!", type: "event" }), { id: "a", doc: { name: "b", type: "event" } }, t({ name: "dup", type: "event" }), t({ name: "dup", type: "manual" })]);
    expect(r.problems).toEqual([
      { name: "bad name!", path: "name", message: 'name "bad name!" must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' },
      { name: "b", path: "name", message: 'the doc id "a" and its name "b" differ' },
      { name: "dup", path: "name", message: "two trigger docs have this name" },
    ]);
    expect(r.triggers.map((x) => x.name)).toEqual(["dup"]);
  });

  it("reports unknown or missing types and scopes", () => {
    const r = docs([t({ name: "p", type: "poll" }), t({ name: "n" }), t({ name: "s", type: "event", scope: "global" })]);
    expect(r.problems.map((p) => [p.name, p.path])).toEqual([["p", "type"], ["n", "type"], ["s", "scope"]]);
    expect(r.problems[0].message).toBe('type "poll" is not one the legacy store had (event, manual, webhook, schedule)');
  });

  it("reports subscriptions to triggers not in the document, invalid flows and modes, and conflicting duplicates", () => {
    const r = docs([t({ name: "a", type: "event" })], [
      { id: "ghost:f", doc: { trigger: "ghost", flow: "f", mode: "auto" } },
      { id: "a:bad flow", doc: { trigger: "a", flow: "bad flow" } },
      { id: "a:f", doc: { trigger: "a", flow: "f", mode: "sometimes" } },
      { id: "a:", doc: { trigger: "a" } },
      { id: "a:g", doc: { trigger: "a", flow: "g", mode: "auto" } },
      { id: "a:g", doc: { trigger: "a", flow: "g", mode: "auto" } },
      { id: "a:h", doc: { trigger: "a", flow: "h", mode: "auto" } },
      { id: "a:h", doc: { trigger: "a", flow: "h", mode: "manual" } },
      { id: "nothing" },
    ]);
    expect(r.problems).toEqual([
      { name: "ghost", path: "subscriptions.f", message: 'subscribes flow "f" to a trigger that is not in the document' },
      { name: "a", path: "subscriptions.bad flow.flow", message: 'flow "bad flow" must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' },
      { name: "a", path: "subscriptions.f.mode", message: 'mode must be "auto" or "manual"' },
      { name: "a", path: "subscriptions.?.flow", message: "the subscription names no flow" },
      { name: "a", path: "subscriptions.h", message: "two subscription docs for this flow disagree on the mode" },
      { name: "nothing", path: "", message: "the subscription doc must be an object" },
    ]);
    expect(r.needsTarget).toEqual(["a/g", "a/h"]);
  });

  it("keeps a trigger with problems out of the triggers, and its subscriptions out of needsTarget", () => {
    const r = docs([t({ name: "w", type: "webhook" })], [{ id: "w:f", doc: { trigger: "w", flow: "f" } }]);
    expect(r.problems).toEqual([{ name: "w", path: "webhook", message: "a webhook trigger needs webhook.path" }]);
    expect(r.triggers).toEqual([]);
    expect(r.needsTarget).toEqual([]);
  });

  it("refuses a custom verify function rather than opening the webhook", () => {
    const r = docs([hook({ type: "custom", verify: "myVerify" })]);
    expect(r.problems).toEqual([{ name: "w", path: "webhook.auth.type", message: expect.stringMatching(/custom auth .* cannot be imported/) }]);
  });

  it("reports a signature auth without its secret, unknown auth types and providers, and a bad IP list", () => {
    expect(docs([hook({ type: "signature", header: "stripe-signature" })]).problems).toEqual([{ name: "w", path: "webhook.auth", message: "secret must be a non-empty string" }]);
    expect(docs([hook({ type: "oauth" })]).problems[0]).toMatchObject({ path: "webhook.auth.type", message: expect.stringMatching(/"oauth" is not one Signalbox can map/) });
    expect(docs([hook({ type: "signature", provider: "paypal", secret: "s" })]).problems[0]).toMatchObject({ path: "webhook.auth.provider" });
    expect(docs([hook({ type: "ip", ips: ["not-an-ip"] })]).problems[0]).toMatchObject({ path: "webhook.auth.ips" });
    expect(docs([hook({ type: "ip" })]).problems[0]).toMatchObject({ path: "webhook.auth", message: expect.stringMatching(/needs its list/) });
  });

  it("never puts a secret in a problem message", () => {
    const r = docs([hook({ type: "bearer", token: "has space secret" }), t({ name: "b", type: "webhook", webhook: { path: "/Bad Path", auth: { type: "basic", username: "u:x", password: "pw-SECRET" } } })]);
    expect(r.problems.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(r.problems)).not.toMatch(/has space secret|pw-SECRET/);
  });

  it("reports paths and methods that do not fit, and bad schedules, time zones and config", () => {
    const r = docs([
      t({ name: "p", type: "webhook", webhook: { path: "/webhooks/Stripe Events", method: "TRACE" } }),
      t({ name: "s1", type: "schedule", schedule: { cron: "* * *" } }),
      t({ name: "s2", type: "schedule", schedule: { cron: "0 2 * * *", timezone: "Mars/Olympus" } }),
      t({ name: "s3", type: "schedule", schedule: { cron: "0 2 * * *", overlap: "sometimes", enabled: "yes" } }),
      t({ name: "s4", type: "schedule" }),
      t({ name: "c", type: "event", config: { persistData: "yes", retentionDays: 0, rateLimit: { max: 0, window: 200_000_000 } } }),
    ]);
    expect(r.problems.map((p) => `${p.name} ${p.path}`)).toEqual([
      "p webhook.path", "p webhook.method",
      "s1 schedule", "s2 schedule", "s3 schedule.enabled", "s3 schedule.overlap", "s4 schedule",
      "c config.persistData", "c config.retentionDays", "c config.rateLimit.max", "c config.rateLimit.window",
    ]);
    expect(r.problems.find((p) => p.name === "s2")!.message).toMatch(/Mars\/Olympus.*IANA/);
  });
});

describe("mapLegacyDocs: what is kept", () => {
  it("keeps a status, a JSON Schema and whole ui blocks, and reports stray fields on other types", () => {
    const schema = { type: "object", properties: { id: { type: "string" } }, required: ["id"] };
    const r = docs([t({ name: "e", type: "event", status: "retired", schema, ui: { form: [] }, webhook: { path: "x" }, schedule: { cron: "* * * * *" }, data: { a: 1 }, stats: { totalFires: 3 } })]);
    expect(r.problems).toEqual([]);
    expect(r.triggers).toEqual([{ name: "e", type: "event", status: "retired", schema, ui: { form: [] }, subscriptions: {} }]);
    expect(r.ignored.map((i) => i.field)).toEqual(["webhook", "schedule", "data", "stats"]);
    expect(r.ignored[0].reason).toMatch(/only webhook triggers/);
  });

  it("defaults a subscription's mode to auto and keeps identical duplicates once", () => {
    const r = docs([t({ name: "a", type: "event" })], [{ id: "a:f", doc: { trigger: "a", flow: "f" } }, { id: "a:f", doc: { trigger: "a", flow: "f", mode: "auto" } }]);
    expect(r.triggers[0].subscriptions).toEqual({ f: { mode: "auto", target: { type: "pull", startFrom: "now" } } });
    expect(r.needsTarget).toEqual(["a/f"]);
  });

  it("maps a trigger name holding colons by the doc fields, not by splitting the id", () => {
    const r = docs([t({ name: "ns:orders:created", type: "event" })], [{ id: "ns:orders:created:billing", doc: { trigger: "ns:orders:created", flow: "billing" } }]);
    expect(r.needsTarget).toEqual(["ns:orders:created/billing"]);
  });
});

describe("mapLegacyAuth", () => {
  it("picks the preset from the signature header, case-insensitively", () => {
    const cases: [string, string][] = [
      ["x-hub-signature-256", "github"], ["Stripe-Signature", "stripe"], ["x-slack-signature", "slack"], ["X-Shopify-Hmac-Sha256", "shopify"],
      ["webhook-signature", "standard-webhooks"], ["linear-signature", "linear"], ["sentry-hook-signature", "sentry"],
    ];
    for (const [header, provider] of cases) {
      const secret = provider === "standard-webhooks" ? "whsec_c2VjcmV0" : "s";
      expect(mapLegacyAuth({ type: "signature", secret, header }).value, header).toEqual({ auth: { type: "hmac", provider, secret } });
    }
  });

  it("uses the generic provider for other headers, keeping algorithm, encoding and prefix", () => {
    expect(mapLegacyAuth({ type: "signature", secret: "s", header: "X-Signature", algorithm: "SHA-512", encoding: "base64", prefix: "v1=" }).value).toEqual({
      auth: { type: "hmac", provider: "generic", secret: "s", header: "x-signature", algorithm: "sha512", encoding: "base64", prefix: "v1=" },
    });
    expect(mapLegacyAuth({ type: "hmac", secret: "s", header: "x-hub-signature" }).value).toEqual({
      auth: { type: "hmac", provider: "generic", secret: "s", header: "x-hub-signature", algorithm: "sha1", encoding: "hex", prefix: "sha1=" },
    });
    expect(mapLegacyAuth({ type: "signature", secret: "s", provider: "github", tolerance: 60 }).problems).toEqual([]);
  });

  it("maps api key aliases, query keys, tokens and a missing auth", () => {
    expect(mapLegacyAuth({ type: "api-key", query: "key", value: "v" }).value).toEqual({ auth: { type: "api_key", query: "key", value: "v" } });
    expect(mapLegacyAuth({ type: "apiKey", apiKey: "v" }).value).toEqual({ auth: { type: "api_key", value: "v" } });
    expect(mapLegacyAuth({ type: "token", token: "t" }).value).toEqual({ auth: { type: "bearer", token: "t" } });
    expect(mapLegacyAuth(undefined).value).toEqual({ auth: { type: "none" } });
    expect(mapLegacyAuth({ type: "none" }).value).toEqual({ auth: { type: "none" } });
    expect(mapLegacyAuth({ type: "ipWhitelist", ips: ["10.0.0.0/8"] }).value).toEqual({ auth: { type: "none" }, ipAllowlist: ["10.0.0.0/8"] });
  });

  it("reports fields it does not use", () => {
    const r = mapLegacyAuth({ type: "bearer", token: "t", realm: "x", verify: "fn" });
    expect(r.ignored.map((i) => i.field)).toEqual(["realm", "verify"]);
  });
});

describe("pieces", () => {
  it("legacyWebhookPath strips slashes and the legacy mount prefixes", () => {
    expect(legacyWebhookPath("/webhooks/stripe")).toBe("stripe");
    expect(legacyWebhookPath("/api/_triggers/webhooks/a/b/")).toBe("a/b");
    expect(legacyWebhookPath("github")).toBe("github");
    expect(legacyWebhookPath("/webhooks/")).toBe("webhooks");
    expect(legacyWebhookPath("/Stripe")).toBeNull();
    expect(legacyWebhookPath("/a//b")).toBeNull();
    expect(legacyWebhookPath("/a/../b")).toBeNull();
  });

  it("mapLegacySchedule keeps interval/at/every forms and maps overlap words", () => {
    expect(mapLegacySchedule({ interval: "1h" }).value).toEqual({ interval: "1h" });
    expect(mapLegacySchedule({ at: "02:00", timezone: "Europe/London" }).value).toEqual({ at: "02:00", timezone: "Europe/London" });
    expect(mapLegacySchedule({ every: { hours: 6 }, overlap: "replace" }).value).toEqual({ every: { hours: 6 }, overlap: "cancel_other" });
    expect(mapLegacySchedule({ cron: "0 2 * * *", overlap: "buffer_one" }).value).toEqual({ cron: "0 2 * * *", overlap: "buffer_one" });
  });

  it("mapLegacyConfig rounds a sub-second window up and accepts windowSeconds", () => {
    expect(mapLegacyConfig({ rateLimit: { max: 5, window: 1200 } }).value).toEqual({ rateLimit: { max: 5, windowSeconds: 2 } });
    expect(mapLegacyConfig({ rateLimit: { max: 5, windowSeconds: 30 } }).value).toEqual({ rateLimit: { max: 5, windowSeconds: 30 } });
    expect(mapLegacyConfig({}).value).toEqual({});
  });
});
