/** GET /v1/export and POST /v1/import: round trip between tenants, dry run, all-or-nothing, redacted secrets, retired, idempotency, legacy docs. */
import { describe, it, expect } from "vitest";
import fixture from "../fixtures/legacy-store.json";
import { mapLegacyDocs } from "../../src/domain/legacy";
import { call, uniq, KEYS } from "../helpers";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const R = "********";

/** Registers a small set in acme: an event trigger with an http and a pull subscription, a bearer webhook, a retired manual trigger. */
async function seed(prefix: string) {
  const ev = `${prefix}.ev`, wh = `${prefix}.wh`, old = `${prefix}.old`;
  const path = `${prefix.replace(/[^a-z0-9.-]/g, "")}/hook`;
  expect((await call("PUT", `/v1/triggers/${ev}`, { type: "event", displayName: "An event", filter: { "data.ok": true } })).status).toBe(201);
  expect((await call("PUT", `/v1/triggers/${ev}/subscriptions/billing`, { target: { type: "http", url: "https://flows.example/billing", secret: SECRET, headers: { "x-team": "ops" } }, retry: { maxAttempts: 3 } })).status).toBe(201);
  expect((await call("PUT", `/v1/triggers/${ev}/subscriptions/audit`, { mode: "manual", target: { type: "pull", startFrom: "now" } })).status).toBe(201);
  expect((await call("PUT", `/v1/triggers/${wh}`, { type: "webhook", webhook: { path, auth: { type: "bearer", token: "tok-123" } } })).status).toBe(201);
  expect((await call("PUT", `/v1/triggers/${old}`, { type: "manual" })).status).toBe(201);
  expect((await call("POST", `/v1/triggers/${old}/retire`, { reason: "gone" })).status).toBe(200);
  return { ev, wh, old, path };
}

async function exported(prefix: string, key: string = KEYS.acme) {
  const r = await call("GET", "/v1/export", undefined, { key });
  expect(r.status).toBe(200);
  return { ...r.body, triggers: r.body.triggers.filter((t: any) => t.name.startsWith(`${prefix}.`)) };
}

const versions = async (names: string[], key: string) => Promise.all(names.map(async (n) => (await call("GET", `/v1/triggers/${n}`, undefined, { key })).body.version));
const eventCount = async (name: string, key: string) => (await call("GET", `/v1/triggers/${name}/events?limit=500`, undefined, { key })).body.events.length;

describe("GET /v1/export", () => {
  it("exports every trigger (retired too) as PUT takes it plus name, status and subscriptions, secrets redacted", async () => {
    const prefix = uniq("exp");
    const { ev, wh, old, path } = await seed(prefix);
    const doc = await exported(prefix);
    expect(doc).toMatchObject({ format: "signalbox.v1", tenant: "acme" });
    expect(typeof doc.exportedAt).toBe("number");
    const by = new Map(doc.triggers.map((t: any) => [t.name, t]));
    expect(by.get(ev)).toEqual({
      name: ev, type: "event", displayName: "An event", filter: { "data.ok": true }, source: "api", status: "active",
      subscriptions: {
        audit: { mode: "manual", target: { type: "pull", startFrom: "now" }, retry: { maxAttempts: 8, initialBackoffSeconds: 5, maxBackoffSeconds: 3600 } },
        billing: { mode: "auto", target: { type: "http", url: "https://flows.example/billing", secret: R, headers: { "x-team": R } }, retry: { maxAttempts: 3, initialBackoffSeconds: 5, maxBackoffSeconds: 3600 } },
      },
    });
    expect(by.get(wh)).toEqual({ name: wh, type: "webhook", webhook: { path, auth: { type: "bearer", token: R } }, source: "api", status: "active", subscriptions: {} });
    expect(by.get(old)).toMatchObject({ name: old, type: "manual", status: "retired" });
    expect(JSON.stringify(doc)).not.toContain("tok-123");
    expect(JSON.stringify(doc)).not.toContain(SECRET);
  });

  it("needs the read scope and shows only the key's tenant", async () => {
    expect((await call("GET", "/v1/export", undefined, { key: KEYS.acmeFire })).status).toBe(403);
    const name = uniq("exp.globex");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" }, { key: KEYS.globex });
    const acme = await call("GET", "/v1/export", undefined, { key: KEYS.acmeRead });
    expect(acme.body.triggers.some((t: any) => t.name === name)).toBe(false);
  });
});

describe("POST /v1/import", () => {
  it("round trip acme → globex: dry run writes nothing, secrets filled in, retired stays retired, source import, a second import changes nothing", async () => {
    const prefix = uniq("rt");
    const { ev, wh, old, path } = await seed(prefix);
    const doc = await exported(prefix);
    // a document from another tenant needs its secrets filled in
    for (const t of doc.triggers) {
      if (t.webhook) t.webhook.auth.token = "tok-globex";
      for (const s of Object.values<any>(t.subscriptions)) {
        if (s.target.secret) s.target.secret = SECRET;
        if (s.target.headers) s.target.headers["x-team"] = "ops";
      }
    }
    const names = [ev, old, wh]; // the export is sorted by name
    expect(doc.triggers.map((t: any) => t.name)).toEqual(names);
    const dry = await call("POST", "/v1/import?dryRun=true", doc, { key: KEYS.globex });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({
      dryRun: true, created: names, updated: [], unchanged: [],
      subscriptions: { created: [`${ev}/audit`, `${ev}/billing`], updated: [], unchanged: [] },
      flows: { created: [], updated: [], unchanged: [] },
    });
    for (const n of names) expect((await call("GET", `/v1/triggers/${n}`, undefined, { key: KEYS.globex })).status).toBe(404);
    expect((await call("GET", `/v1/triggers?q=${prefix}`, undefined, { key: KEYS.globex })).body.triggers).toEqual([]);

    const real = await call("POST", "/v1/import", doc, { key: KEYS.globex });
    expect(real.status).toBe(200);
    expect(real.body).toEqual({ ...dry.body, dryRun: false });
    const got = new Map<string, any>();
    for (const n of names) got.set(n, (await call("GET", `/v1/triggers/${n}`, undefined, { key: KEYS.globex })).body);
    for (const t of got.values()) expect(t.source).toBe("import");
    expect(got.get(old).status).toBe("retired");
    expect(got.get(ev).status).toBe("active");
    expect(got.get(ev).subscriptions.billing).toMatchObject({ mode: "auto", target: { type: "http", url: "https://flows.example/billing", secret: R }, retry: { maxAttempts: 3 } });
    expect(got.get(ev).subscriptions.audit).toMatchObject({ mode: "manual", target: { type: "pull", startFrom: "now" } });
    // the filled-in webhook token is the one stored in globex
    expect((await call("POST", `/webhooks/globex/${path}`, { a: 1 }, { key: null, headers: { authorization: "Bearer tok-globex" } })).status).toBe(202);
    expect((await call("POST", `/webhooks/globex/${path}`, { a: 1 }, { key: null, headers: { authorization: "Bearer tok-123" } })).status).toBe(401);

    const before = await versions(names, KEYS.globex);
    const eventsBefore = await eventCount(ev, KEYS.globex);
    for (const dryRun of [true, false]) {
      const again = await call("POST", `/v1/import${dryRun ? "?dryRun=true" : ""}`, doc, { key: KEYS.globex });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({
        dryRun, created: [], updated: [], unchanged: names,
        subscriptions: { created: [], updated: [], unchanged: [`${ev}/audit`, `${ev}/billing`] },
        flows: { created: [], updated: [], unchanged: [] },
      });
    }
    expect(await versions(names, KEYS.globex)).toEqual(before);
    expect(await eventCount(ev, KEYS.globex)).toBe(eventsBefore);
  });

  it("a redacted secret keeps the stored one; re-importing its own export is idempotent", async () => {
    const prefix = uniq("keep");
    const { ev, wh, old, path } = await seed(prefix);
    const doc = await exported(prefix);
    const first = await call("POST", "/v1/import", doc);
    expect(first.status).toBe(200);
    // the source becomes import (an update); the subscriptions are as stored
    expect(first.body).toMatchObject({ created: [], updated: [ev, old, wh], unchanged: [], subscriptions: { created: [], updated: [], unchanged: [`${ev}/audit`, `${ev}/billing`] } });
    expect((await call("GET", `/v1/triggers/${wh}`)).body.source).toBe("import");
    expect((await call("POST", `/webhooks/acme/${path}`, {}, { key: null, headers: { authorization: "Bearer tok-123" } })).status).toBe(202);
    expect((await call("GET", `/v1/triggers/${old}`)).body.status).toBe("retired");

    const before = await versions([ev, wh, old], KEYS.acme);
    const again = await call("POST", "/v1/import", await exported(prefix));
    expect(again.body).toMatchObject({ created: [], updated: [], unchanged: [ev, old, wh] });
    expect(await versions([ev, wh, old], KEYS.acme)).toEqual(before);
  });

  it("all-or-nothing: every problem is listed (invalid fields, redacted secrets of new triggers and subscriptions) and nothing changes", async () => {
    const prefix = uniq("bad");
    const { ev, wh } = await seed(prefix);
    const doc = await exported(prefix);
    const good = `${prefix}.new-good`;
    doc.triggers.push({ name: good, type: "event", status: "active", subscriptions: {} });
    doc.triggers.push({ name: `${prefix}.bad-type`, type: "nope", subscriptions: {} });
    doc.triggers.push({ name: `${prefix}.bad-sub`, type: "event", subscriptions: { f1: { target: { type: "http", url: "ftp://x" } }, "bad flow!": { target: { type: "pull" } } } });
    const r = await call("POST", "/v1/import", doc, { key: KEYS.globex });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_request");
    const details: { name: string; path: string; message: string }[] = r.body.error.details;
    expect(details.every((d) => typeof d.message === "string" && Object.keys(d).sort().join() === "message,name,path")).toBe(true);
    expect(details.map((d) => `${d.name} ${d.path}`).sort()).toEqual([
      `${prefix}.bad-type type`, `${prefix}.bad-sub subscriptions.f1.target.url`, `${prefix}.bad-sub subscriptions.bad flow!`,
      // a document from another tenant: its redacted secrets have nothing stored to keep in globex
      `${ev} subscriptions.billing.target.headers.x-team`, `${ev} subscriptions.billing.target.secret`, `${wh} webhook.auth.token`,
    ].sort());
    for (const n of [ev, wh, good]) expect((await call("GET", `/v1/triggers/${n}`, undefined, { key: KEYS.globex })).status).toBe(404);
  });

  it("a type change or a webhook path held by another trigger is a 409 problem, nothing changes", async () => {
    const prefix = uniq("conf");
    const { ev, path } = await seed(prefix);
    const other = `${prefix}.other`;
    const before = (await call("GET", `/v1/triggers/${ev}`)).body.version;
    const r = await call("POST", "/v1/import", {
      format: "signalbox.v1",
      triggers: [
        { name: ev, type: "manual" },
        { name: other, type: "webhook", webhook: { path, auth: { type: "none" } } },
      ],
    });
    expect(r.status).toBe(409);
    expect(r.body.error.details.map((d: any) => `${d.name} ${d.path}`)).toEqual([`${ev} type`, `${other} webhook.path`]);
    expect((await call("GET", `/v1/triggers/${ev}`)).body.version).toBe(before);
    expect((await call("GET", `/v1/triggers/${other}`)).status).toBe(404);
  });

  it("a dry run on existing triggers reports updates and writes nothing", async () => {
    const prefix = uniq("dry");
    const { ev } = await seed(prefix);
    const doc = await exported(prefix);
    const t = doc.triggers.find((x: any) => x.name === ev);
    t.displayName = "Renamed";
    t.subscriptions.audit.mode = "auto";
    const before = (await call("GET", `/v1/triggers/${ev}`)).body;
    const r = await call("POST", "/v1/import?dryRun=true", { ...doc, triggers: [t] });
    expect(r.body).toEqual({ dryRun: true, created: [], updated: [ev], unchanged: [], subscriptions: { created: [], updated: [`${ev}/audit`], unchanged: [`${ev}/billing`] }, flows: { created: [], updated: [], unchanged: [] } });
    const after = (await call("GET", `/v1/triggers/${ev}`)).body;
    expect(after.version).toBe(before.version);
    expect(after.displayName).toBe("An event");
    expect(after.subscriptions.audit.mode).toBe("manual");
  });

  it("needs the write scope", async () => {
    expect((await call("POST", "/v1/import", { format: "signalbox.v1", triggers: [] }, { key: KEYS.acmeRead })).status).toBe(403);
    const bad = await call("POST", "/v1/import", { format: "other", triggers: [] });
    expect(bad.status).toBe(400);
  });
});

describe("POST /v1/import with format legacy-docs", () => {
  it("migrates the legacy store: triggers, pull subscriptions from now, needsTarget, ignored, and an idempotent re-run", async () => {
    const mapped = mapLegacyDocs(fixture);
    const names = mapped.triggers.map((t) => t.name);
    const dry = await call("POST", "/v1/import?dryRun=true", fixture);
    expect(dry.status).toBe(200);
    expect(dry.body.created).toEqual(names);
    for (const n of names) expect((await call("GET", `/v1/triggers/${n}`)).status).toBe(404);

    const r = await call("POST", "/v1/import", fixture);
    expect(r.status).toBe(200);
    expect(r.body.dryRun).toBe(false);
    expect(r.body.created).toEqual(names);
    expect(r.body.needsTarget).toEqual(mapped.needsTarget);
    expect(r.body.subscriptions.created.sort()).toEqual([...mapped.needsTarget].sort());
    expect(r.body.ignored).toEqual(mapped.ignored);
    expect(r.body.ignored).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: "github.push", field: "transform" }),
      expect.objectContaining({ name: "await:run_42:approval", field: "scope" }),
    ]));

    const stripe = (await call("GET", "/v1/triggers/stripe.payment.succeeded")).body;
    expect(stripe).toMatchObject({
      type: "webhook", source: "import", status: "active",
      webhook: { path: "stripe", methods: ["POST"], auth: { type: "hmac", provider: "stripe", secret: R } },
      subscriptions: { "payment-flow": { mode: "auto", target: { type: "pull", startFrom: "now" } } },
    });
    const user = (await call("GET", "/v1/triggers/user.created")).body;
    expect(Object.keys(user.subscriptions).sort()).toEqual(["crm-sync", "welcome-flow"]);
    expect(user.subscriptions["crm-sync"].mode).toBe("manual");
    const weekly = (await call("GET", "/v1/triggers/weekly.report")).body;
    expect(weekly.schedule).toMatchObject({ cron: "0 0 9 * * 1", timezone: "Europe/Berlin", enabled: false });
    const stream = (await call("GET", "/v1/triggers/user.created/events")).body.events.map((e: any) => e.type);
    expect(stream).toContain("checkpoint.reset");

    // one subscription gets its target; a re-run keeps it (and no longer lists it as needing one)
    const target = { type: "http", url: "https://flows.example/welcome", secret: SECRET };
    expect((await call("PUT", "/v1/triggers/user.created/subscriptions/welcome-flow", { target })).status).toBe(200);
    const before = await versions(names, KEYS.acme);
    const again = await call("POST", "/v1/import", fixture);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: [], updated: [], unchanged: names, subscriptions: { created: [], updated: [] } });
    expect(again.body.needsTarget).toEqual(mapped.needsTarget.filter((k) => k !== "user.created/welcome-flow"));
    expect((await call("GET", "/v1/triggers/user.created")).body.subscriptions["welcome-flow"].target).toMatchObject({ type: "http", url: target.url });
    expect(again.body.subscriptions.unchanged.sort()).toEqual([...mapped.needsTarget].sort());
    expect(await versions(names, KEYS.acme)).toEqual(before);
    // the legacy doc carries plain secrets: a dry re-run asks the objects, and also finds nothing to change
    const dryAgain = await call("POST", "/v1/import?dryRun=true", fixture);
    expect(dryAgain.body).toMatchObject({ created: [], updated: [], unchanged: names });
  });

  it("an imported trigger keeps the legacy document's registeredAt (in its view and in the list order); a re-import changes nothing", async () => {
    const name = uniq("legacy.reg");
    const registeredAt = Date.UTC(2025, 10, 3, 8, 0, 0);
    const doc = { format: "legacy-docs", triggers: [{ id: name, doc: { name, type: "event", scope: "flow", registeredAt } }] };
    const r = await call("POST", "/v1/import", doc);
    expect(r.status).toBe(200);
    expect(r.body.created).toEqual([name]);
    expect(r.body.ignored.filter((i: any) => i.name === name)).toEqual([]);
    const t = (await call("GET", `/v1/triggers/${name}`)).body;
    expect(t.registeredAt).toBe(registeredAt);
    expect(t.lastActivityAt).toBeGreaterThan(registeredAt);
    const listed = (await call("GET", `/v1/triggers?q=${name}`)).body.triggers;
    expect(listed).toEqual([expect.objectContaining({ name, registeredAt })]);
    const again = await call("POST", "/v1/import", doc);
    expect(again.body).toMatchObject({ created: [], updated: [], unchanged: [name] });
    expect((await call("GET", `/v1/triggers/${name}`)).body).toMatchObject({ registeredAt, version: t.version });
  });

  it("a legacy document with problems answers 400 with each of them and imports nothing", async () => {
    const name = uniq("legacy.bad");
    const doc = {
      format: "legacy-docs",
      triggers: [
        { id: name, doc: { name, type: "event" } },
        { id: "x", doc: { name: "x", type: "bogus" } },
      ],
      triggerSubscriptions: [{ id: "missing:f", doc: { trigger: "missing", flow: "f" } }],
    };
    const r = await call("POST", "/v1/import", doc);
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: any) => d.name).sort()).toEqual(["missing", "x"]);
    expect((await call("GET", `/v1/triggers/${name}`)).status).toBe(404);
  });
});
