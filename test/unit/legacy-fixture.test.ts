/** The realistic legacy store in test/fixtures/legacy-store.json, mapped: every trigger, subscription, needsTarget and ignored entry. */
import { describe, expect, it } from "vitest";
import fixture from "../fixtures/legacy-store.json";
import { mapLegacyDocs } from "../../src/domain/legacy";
import type { MappedTrigger } from "../../src/domain/legacy/types";
import { TriggerBody } from "../../src/schemas/trigger";

const pull = (mode: "auto" | "manual") => ({ mode, target: { type: "pull", startFrom: "now" } });
const SOURCE = { field: "source", reason: 'imported triggers have source "import"' };

const result = mapLegacyDocs(fixture);
const byName = new Map(result.triggers.map((t) => [t.name, t]));

describe("legacy-store.json", () => {
  it("has no problems and maps every trigger but the run-scoped await, in order", () => {
    expect(result.problems).toEqual([]);
    expect(result.triggers.map((t) => t.name)).toEqual([
      "user.created", "form.submitted", "stripe.payment.succeeded", "github.push", "partner.orders", "billing.invoice.paid",
      "ops.alert", "daily.cleanup", "weekly.report", "manual.data.import", "manual.notification-test",
    ]);
    expect(new Set(result.triggers.map((t) => t.type))).toEqual(new Set(["event", "webhook", "schedule", "manual"]));
  });

  it("maps event triggers with display fields and config", () => {
    expect(byName.get("user.created")).toEqual({
      name: "user.created", type: "event", registeredAt: 1762156800000, displayName: "User Created", description: "Triggered when a new user signs up",
      config: { persistData: true, retentionDays: 90 },
      subscriptions: { "welcome-flow": pull("auto"), "crm-sync": pull("manual") },
    });
    expect(byName.get("form.submitted")).toEqual({ name: "form.submitted", type: "event", registeredAt: 1762160400000, subscriptions: { "approval-flow": pull("auto") } });
  });

  it("maps signature auth onto HMAC presets by header, and rateLimit.window ms onto windowSeconds", () => {
    expect(byName.get("stripe.payment.succeeded")).toEqual({
      name: "stripe.payment.succeeded", type: "webhook", registeredAt: 1762164000000, displayName: "Stripe Payment Succeeded",
      webhook: { path: "stripe", methods: ["POST"], auth: { type: "hmac", provider: "stripe", secret: "whsec_legacy_stripe_0123456789" } },
      config: { persistData: true, retentionDays: 365, rateLimit: { max: 1000, windowSeconds: 3600 } },
      subscriptions: { "payment-flow": pull("auto") },
    });
    expect(byName.get("github.push")).toEqual({
      name: "github.push", type: "webhook", registeredAt: 1762167600000, displayName: "GitHub push",
      webhook: { path: "github/acme-repo", methods: ["POST"], auth: { type: "hmac", provider: "github", secret: "gh-legacy-secret" } },
      config: { persistData: false },
      subscriptions: { "ci-flow": pull("auto") },
    });
  });

  it("maps API key, bearer and basic auth, the IP whitelist, the legacy path prefixes and the older endpoint block", () => {
    expect(byName.get("partner.orders")).toEqual({
      name: "partner.orders", type: "webhook", registeredAt: 1762171200000, description: "Orders pushed by the fulfilment partner",
      webhook: {
        path: "partner/orders", methods: ["PUT"],
        auth: { type: "api_key", header: "x-partner-key", value: "pk_live_partner_123" },
        ipAllowlist: ["192.0.2.0/24", "2001:db8::/32"],
      },
      config: { rateLimit: { max: 60, windowSeconds: 60 } },
      subscriptions: {},
    });
    expect(byName.get("billing.invoice.paid")).toEqual({
      name: "billing.invoice.paid", type: "webhook", registeredAt: 1762174800000,
      webhook: { path: "billing", auth: { type: "bearer", token: "legacy-bearer-token" } },
      subscriptions: {},
    });
    expect(byName.get("ops.alert")).toEqual({
      name: "ops.alert", type: "webhook", registeredAt: 1762178400000, displayName: "Ops alert",
      webhook: { path: "ops-alert", methods: ["POST"], auth: { type: "basic", username: "alertmanager", password: "legacy-basic-pw" } },
      subscriptions: {},
    });
  });

  it("maps schedules with their time zones, enabled, overlap and data as the payload", () => {
    expect(byName.get("daily.cleanup")).toEqual({
      name: "daily.cleanup", type: "schedule", registeredAt: 1762182000000, displayName: "Daily Cleanup",
      schedule: { cron: "0 2 * * *", timezone: "America/New_York", enabled: true, overlap: "skip", payload: { type: "cleanup", retentionDays: 30 } },
      config: { persistData: true, retentionDays: 90 },
      subscriptions: { "cleanup-flow": pull("auto") },
    });
    expect(byName.get("weekly.report")).toEqual({
      name: "weekly.report", type: "schedule", registeredAt: 1762185600000, description: "Monday 09:00 Berlin time, paused for the holidays",
      schedule: { cron: "0 0 9 * * 1", timezone: "Europe/Berlin", enabled: false, overlap: "buffer_all" },
      subscriptions: { reporting: pull("manual") },
    });
  });

  it("maps manual triggers with their ui form", () => {
    const t = byName.get("manual.data.import")!;
    expect(t).toMatchObject({ name: "manual.data.import", type: "manual", displayName: "Import Data", description: "Manually import data from external source", subscriptions: { "import-flow": pull("manual") } });
    expect((t.ui as { form: unknown[] }).form).toHaveLength(2);
    expect(t.schema).toBeUndefined();
    expect(byName.get("manual.notification-test")).toEqual({ name: "manual.notification-test", type: "manual", registeredAt: 1762192800000, config: { persistData: true }, subscriptions: {} });
  });

  it("lists every subscription as needing a target, in document order", () => {
    expect(result.needsTarget).toEqual([
      "user.created/welcome-flow", "user.created/crm-sync", "stripe.payment.succeeded/payment-flow", "github.push/ci-flow",
      "form.submitted/approval-flow", "daily.cleanup/cleanup-flow", "weekly.report/reporting", "manual.data.import/import-flow",
    ]);
    const subs = result.triggers.flatMap((t) => Object.keys(t.subscriptions).map((f) => `${t.name}/${f}`));
    expect(new Set(subs)).toEqual(new Set(result.needsTarget));
  });

  it("reports every legacy field it left out", () => {
    const AWAIT = "run-scoped await, not a trigger: Signalbox awaits are per run (PUT /v1/runs/{runId}/awaits/{step})";
    const expected = [
      ["user.created", SOURCE],
      ["form.submitted", SOURCE],
      ["stripe.payment.succeeded", { field: "webhook.auth.verify", reason: "a verify function has no JSON form; Signalbox verifies with the preset or the generic HMAC settings" }],
      ["stripe.payment.succeeded", SOURCE],
      ["github.push", { field: "webhook.auth.algorithm", reason: "the github preset fixes its algorithm" }],
      ["github.push", { field: "config.alertOnFailure", reason: "no equivalent in Signalbox config (persistData, retentionDays, rateLimit)" }],
      ["github.push", SOURCE],
      ["github.push", { field: "transform", reason: "a transform function has no JSON form; use transform.pick" }],
      ["partner.orders", { field: "webhook.timeout", reason: "no equivalent in Signalbox webhook" }],
      ["partner.orders", { field: "config.rateLimit.burst", reason: "no equivalent in Signalbox config.rateLimit" }],
      ["partner.orders", SOURCE],
      ["billing.invoice.paid", SOURCE],
      ["ops.alert", SOURCE],
      ["daily.cleanup", SOURCE],
      ["weekly.report", { field: "schedule.lastRunAt", reason: "no equivalent in Signalbox schedule" }],
      ["weekly.report", SOURCE],
      ["manual.data.import", { field: "schema", reason: "not a JSON Schema (a zod schema has no JSON form)" }],
      ["manual.data.import", SOURCE],
      ["manual.notification-test", { field: "config.notifyChannel", reason: "no equivalent in Signalbox config (persistData, retentionDays, rateLimit)" }],
      ["manual.notification-test", { field: "config.tags", reason: "no equivalent in Signalbox config (persistData, retentionDays, rateLimit)" }],
      ["manual.notification-test", SOURCE],
      ["await:run_42:approval", { field: "scope", reason: AWAIT }],
      ["stripe.payment.succeeded", { field: "subscriptions.payment-flow.subscribedAt", reason: "Signalbox sets subscribedAt when the subscription is created" }],
      ["await:run_42:approval", { field: "subscriptions.approval-flow", reason: `its trigger was skipped: ${AWAIT}` }],
    ].map(([name, rest]) => ({ name, ...(rest as object) }));
    expect(result.ignored).toEqual(expected);
  });

  it("drops no legacy field silently: every top-level doc key is mapped or reported", () => {
    const mappedKeys = new Set(["name", "type", "scope", "displayName", "description", "webhook", "endpoint", "schedule", "config", "ui", "data", "registeredAt"]);
    for (const { doc } of fixture.triggers) {
      if (doc.scope === "run") continue; // skipped whole, reported above
      const ignored = new Set(result.ignored.filter((i) => i.name === doc.name).map((i) => i.field.split(".")[0]));
      for (const key of Object.keys(doc)) expect(mappedKeys.has(key) || ignored.has(key), `${doc.name}.${key}`).toBe(true);
    }
  });

  it("keeps each doc's registeredAt; a value that is not epoch milliseconds is reported, not kept", () => {
    for (const { doc } of fixture.triggers) if (doc.scope !== "run") expect(byName.get(doc.name)!.registeredAt).toBe(doc.registeredAt);
    const odd = mapLegacyDocs({ format: "legacy-docs", triggers: [{ id: "t", doc: { name: "t", type: "event", registeredAt: "2025-11-03" } }] });
    expect(odd.triggers[0].registeredAt).toBeUndefined();
    expect(odd.ignored).toContainEqual(expect.objectContaining({ name: "t", field: "registeredAt" }));
  });

  it("gives definitions the trigger schema of PUT /v1/triggers/{name} accepts", () => {
    for (const t of result.triggers) {
      const { name, status, subscriptions, registeredAt, ...def } = t as MappedTrigger;
      const parsed = TriggerBody.safeParse(def);
      expect(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });
});
