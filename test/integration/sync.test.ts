/** POST /v1/sync: create, update, no-op, prune (retire stops the schedule), other sources (409 unless adopt), dry run. */
import { describe, it, expect } from "vitest";
import { call, uniq, KEYS } from "../helpers";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** A code base's definitions: a schedule with an http subscription, an event trigger with a pull one. */
function definitions(prefix: string) {
  return [
    {
      name: `${prefix}.nightly`, type: "schedule", schedule: { cron: "0 2 * * *", timezone: "UTC" },
      subscriptions: { reports: { target: { type: "http", url: "https://flows.example/reports", secret: SECRET } } },
    },
    { name: `${prefix}.signup`, type: "event", displayName: "Signup", subscriptions: { crm: { mode: "manual", target: { type: "pull" } } } },
  ];
}

const get = async (name: string) => (await call("GET", `/v1/triggers/${name}`)).body;
const sync = (body: unknown, dryRun = false, key: string = KEYS.acme) => call("POST", `/v1/sync${dryRun ? "?dryRun=true" : ""}`, body, { key });
const eventCount = async (name: string) => (await call("GET", `/v1/triggers/${name}/events?limit=500`)).body.events.length;

describe("POST /v1/sync", () => {
  it("creates (a dry run first writes nothing), then an identical sync changes nothing, then an edit updates", async () => {
    const prefix = uniq("code");
    const source = `${prefix}-src`;
    const defs = definitions(prefix);
    const [nightly, signup] = defs.map((d) => d.name);
    const expected = { created: [nightly, signup], updated: [], unchanged: [], subscriptions: { created: [`${nightly}/reports`, `${signup}/crm`], updated: [], unchanged: [] }, retired: [], flows: { created: [], updated: [], unchanged: [], cleared: [] } };

    const dry = await sync({ source, triggers: defs, prune: true }, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ dryRun: true, ...expected });
    expect((await call("GET", `/v1/triggers/${nightly}`)).status).toBe(404);

    const r = await sync({ source, triggers: defs, prune: true });
    expect(r.body).toEqual({ dryRun: false, ...expected });
    const n = await get(nightly);
    expect(n).toMatchObject({ source, status: "active", version: 2, subscriptions: { reports: { mode: "auto", target: { type: "http", secret: "********" } } } });
    expect(typeof n.nextFireAt).toBe("number");
    expect((await get(signup)).source).toBe(source);
    const listed = await call("GET", `/v1/triggers?q=${prefix}`);
    expect(listed.body.triggers.map((t: any) => t.name).sort()).toEqual([nightly, signup]);

    // plain secrets included: the objects compare them, so a dry run and a real run both find nothing to do
    const events = await eventCount(nightly);
    for (const dryRun of [true, false]) {
      const same = await sync({ source, triggers: defs, prune: true }, dryRun);
      expect(same.body).toEqual({
        dryRun, created: [], updated: [], unchanged: [nightly, signup],
        subscriptions: { created: [], updated: [], unchanged: [`${nightly}/reports`, `${signup}/crm`] }, retired: [],
        flows: { created: [], updated: [], unchanged: [], cleared: [] },
      });
    }
    expect((await get(nightly)).version).toBe(n.version);
    expect(await eventCount(nightly)).toBe(events);

    const edited = definitions(prefix);
    edited[1].displayName = "Sign-up";
    (edited[0].subscriptions as any).reports.target.secret = "whsec_" + "A".repeat(32);
    const upd = await sync({ source, triggers: edited });
    expect(upd.body).toMatchObject({ created: [], updated: [signup], unchanged: [nightly], subscriptions: { updated: [`${nightly}/reports`], unchanged: [`${signup}/crm`] } });
    expect((await get(signup)).displayName).toBe("Sign-up");
  });

  it("prune retires the source's missing triggers (their schedules stop), never another source's; re-adding reactivates", async () => {
    const prefix = uniq("prune");
    const source = `${prefix}-src`;
    const defs = definitions(prefix);
    const [nightly, signup] = defs.map((d) => d.name);
    await sync({ source, triggers: defs });
    const api = `${prefix}.api`, billing = `${prefix}.billing`;
    await call("PUT", `/v1/triggers/${api}`, { type: "event" });
    await sync({ source: "billing-service", triggers: [{ name: billing, type: "event" }] });
    expect((await get(billing)).source).toBe("billing-service");

    const noPrune = await sync({ source, triggers: [defs[1]] });
    expect(noPrune.body.retired).toEqual([]);
    const dry = await sync({ source, triggers: [defs[1]], prune: true }, true);
    expect(dry.body).toMatchObject({ retired: [nightly], unchanged: [signup] });
    expect((await get(nightly)).status).toBe("active");

    const r = await sync({ source, triggers: [defs[1]], prune: true });
    expect(r.body).toMatchObject({ dryRun: false, created: [], updated: [], unchanged: [signup], retired: [nightly] });
    const n = await get(nightly);
    expect(n).toMatchObject({ status: "retired", retiredReason: `removed from ${source}`, nextFireAt: null });
    for (const other of [api, billing]) expect((await get(other)).status).toBe("active");

    // a second prune finds nothing to retire
    expect((await sync({ source, triggers: [defs[1]], prune: true })).body.retired).toEqual([]);
    const back = await sync({ source, triggers: defs, prune: true });
    expect(back.body).toMatchObject({ updated: [nightly], unchanged: [signup], retired: [] });
    const again = await get(nightly);
    expect(again.status).toBe("active");
    expect(typeof again.nextFireAt).toBe("number");
  });

  it("a name that exists with another source is a 409 problem unless adopt; adopted triggers are updated and change source", async () => {
    const prefix = uniq("adopt");
    const source = `${prefix}-src`;
    const mine = `${prefix}.api`, fresh = `${prefix}.fresh`;
    await call("PUT", `/v1/triggers/${mine}`, { type: "event", displayName: "Mine" });
    const before = await get(mine);
    const defs = [{ name: mine, type: "event", displayName: "Mine" }, { name: fresh, type: "manual" }];
    const r = await sync({ source, triggers: defs });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("conflict");
    expect(r.body.error.details).toEqual([{ name: mine, path: "source", message: expect.stringContaining("adopt") }]);
    expect((await get(mine)).version).toBe(before.version);
    expect((await call("GET", `/v1/triggers/${fresh}`)).status).toBe(404);

    const adopted = await sync({ source, triggers: defs, adopt: true });
    expect(adopted.status).toBe(200);
    expect(adopted.body).toMatchObject({ created: [fresh], updated: [mine], unchanged: [] });
    expect((await get(mine)).source).toBe(source);
    // once adopted it is the source's: no adopt needed any more, and nothing changes
    expect((await sync({ source, triggers: defs })).body).toMatchObject({ created: [], updated: [], unchanged: [mine, fresh] });
  });

  it("is all-or-nothing and validates its source", async () => {
    const prefix = uniq("inval");
    const source = `${prefix}-src`;
    const ok = `${prefix}.ok`;
    const r = await sync({ source, triggers: [{ name: ok, type: "event" }, { name: `${prefix}.bad`, type: "schedule" }, { type: "event" }] });
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: any) => `${d.name} ${d.path}`)).toEqual([`${prefix}.bad schedule`, "#2 name"]);
    expect((await call("GET", `/v1/triggers/${ok}`)).status).toBe(404);
    for (const source of ["api", "import", "Bad Source", "x".repeat(65)]) expect((await sync({ source, triggers: [] })).status).toBe(400);
    expect((await sync({ source, triggers: [] }, false, KEYS.acmeRead)).status).toBe(403);
  });

  it("an empty sync of an unused source with prune changes nothing", async () => {
    const r = await sync({ source: uniq("empty").replace(/\./g, "-"), triggers: [], prune: true });
    expect(r.body).toEqual({ dryRun: false, created: [], updated: [], unchanged: [], subscriptions: { created: [], updated: [], unchanged: [] }, retired: [], flows: { created: [], updated: [], unchanged: [], cleared: [] } });
  });
});
