/**
 * Flow policies in export, import and sync (issue 21): the export shows
 * every policy as its gate holds it; import applies a document's policies
 * (dry run first, all-or-nothing with the triggers, idempotent); a sync owns
 * the policies it declares, updates them, clears those it no longer
 * declares (with prune) and leaves the API's and other sources' alone.
 */
import { describe, it, expect } from "vitest";
import { env } from "cloudflare:workers";
import { call, uniq, until, inObject, brokenD1, KEYS } from "../helpers";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const put = (flow: string, policy: unknown, key: string = KEYS.acme) => call("PUT", `/v1/flows/${flow}`, policy, { key });
const policyOf = async (flow: string, key: string = KEYS.acme) => {
  const r = await call("GET", `/v1/flows/${flow}`, undefined, { key });
  return r.status === 404 ? null : r.body.policy;
};
const exportDoc = async (key: string = KEYS.acme) => (await call("GET", "/v1/export", undefined, { key })).body;
const importDoc = (doc: unknown, key: string = KEYS.acme, dryRun = false) => call("POST", `/v1/import${dryRun ? "?dryRun=true" : ""}`, doc, { key });
const sync = (body: Record<string, unknown>, dryRun = false) => call("POST", `/v1/sync${dryRun ? "?dryRun=true" : ""}`, { triggers: [], ...body });
const activityCount = async (flow: string) => ((await call("GET", `/v1/flows/${flow}/activity?limit=500`)).body.entries as unknown[]).length;

/** The flow's D1 row (what export lists and a sync's prune starts from). */
const row = (flow: string, tenant = "acme") =>
  env.DB.prepare(`SELECT policy, source, version FROM flows WHERE tenant = ? AND flow = ?`).bind(tenant, flow).first<{ policy: string; source: string | null; version: number }>();
const gateStub = (flow: string, tenant = "acme") => env.FLOW_GATES.get(env.FLOW_GATES.idFromName(`${tenant}:flow:${flow}`));

describe("GET /v1/export", () => {
  it("shows every flow with a policy, by name, as PUT takes it (a pause too); a cleared one is gone; another tenant's are not there", async () => {
    const p = uniq("xf");
    const [a, b, c, d] = ["a", "b", "c", "d"].map((x) => `${p}.${x}`);
    const pa = { rateLimit: { limit: 10, periodSeconds: 1 }, breaker: { failureThreshold: 5, cooldownSeconds: 30 } };
    expect((await put(a, pa)).status).toBe(201);
    expect((await put(b, { concurrency: 2 })).status).toBe(201);
    expect((await call("POST", `/v1/flows/${b}/pause`)).status).toBe(200);
    expect((await call("POST", `/v1/flows/${c}/pause`)).status).toBe(200); // paused, no other policy
    await put(d, { concurrency: 1 });
    await put(d, {});
    await put(`${p}.g`, { concurrency: 3 }, KEYS.globex);

    const doc = await until(exportDoc, (x) => Object.keys(x.flows).filter((f) => f.startsWith(p)).length >= 3);
    const mine = Object.entries(doc.flows).filter(([f]) => f.startsWith(p));
    expect(mine).toEqual([[a, pa], [b, { concurrency: 2, paused: true }], [c, { paused: true }]]);
    expect(doc).toMatchObject({ format: "signalbox.v1", tenant: "acme" });
    const theirs = await until(() => exportDoc(KEYS.globex), (x) => Object.keys(x.flows).some((f) => f.startsWith(p)));
    expect(Object.keys(theirs.flows).filter((f) => f.startsWith(p))).toEqual([`${p}.g`]);
  });

  it("reads each policy from its gate: a D1 row that lags (stale policy, or a policy cleared since) does not leak into the export", async () => {
    const p = uniq("lag");
    const [a, gone] = [`${p}.a`, `${p}.gone`];
    await put(a, { concurrency: 4 });
    await until(() => row(a), (r) => r !== null);
    await env.DB.prepare(`UPDATE flows SET policy = '{"concurrency":99}' WHERE tenant = 'acme' AND flow = ?`).bind(a).run();
    await env.DB.prepare(`INSERT INTO flows (tenant, flow, policy, source, version, state, updated_at) VALUES ('acme', ?, '{"concurrency":7}', NULL, 1, NULL, 0)`).bind(gone).run();
    const flows = (await exportDoc()).flows;
    expect(flows[a]).toEqual({ concurrency: 4 });
    expect(flows[gone]).toBeUndefined();
  });
});

describe("shaped subscriptions", () => {
  it("export shows a subscription's ordering, debounce and batch, and an import into another tenant keeps them (the secret stays redacted)", async () => {
    const name = uniq("shp");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const target = { type: "http", url: "https://flows.example.com/hook", secret: SECRET };
    await call("PUT", `/v1/triggers/${name}/subscriptions/ord`, { target, ordering: { key: "data.orderId" }, batch: { maxSize: 10, maxWaitSeconds: 5 } });
    await call("PUT", `/v1/triggers/${name}/subscriptions/deb`, { target, debounce: { key: "data.user", periodSeconds: 30, mode: "leading" } });
    const exported = await exportDoc();
    const t = exported.triggers.find((x: { name: string }) => x.name === name);
    expect(t.subscriptions.ord).toMatchObject({ ordering: { key: "data.orderId" }, batch: { maxSize: 10, maxWaitSeconds: 5 } });
    expect(t.subscriptions.deb).toMatchObject({ debounce: { key: "data.user", periodSeconds: 30, mode: "leading" } });
    expect(JSON.stringify(t)).not.toContain(SECRET);
    // into the same tenant (redacted secrets keep the stored ones) and, with the secret given, into another
    expect((await importDoc({ ...exported, triggers: [t], flows: {} })).status).toBe(200);
    const other = { ...t, subscriptions: { ord: { ...t.subscriptions.ord, target }, deb: { ...t.subscriptions.deb, target } } };
    expect((await importDoc({ ...exported, triggers: [other], flows: {} }, KEYS.globex)).status).toBe(200);
    for (const key of [KEYS.acme, KEYS.globex]) {
      const subs = (await call("GET", `/v1/triggers/${name}`, undefined, { key })).body.subscriptions;
      expect(subs.ord).toMatchObject({ ordering: { key: "data.orderId" }, batch: { maxSize: 10, maxWaitSeconds: 5 } });
      expect(subs.deb).toMatchObject({ debounce: { key: "data.user", periodSeconds: 30, mode: "leading" } });
    }
  });
});

describe("POST /v1/import", () => {
  it("applies the document's policies: a dry run writes nothing, the import creates them, a second import changes nothing", async () => {
    const p = uniq("imp");
    const [a, b] = [`${p}.a`, `${p}.b`];
    await put(a, { rateLimit: { limit: 5, periodSeconds: 2 } });
    await put(b, { concurrency: 1, paused: true });
    const exported = await until(exportDoc, (x) => x.flows[a] && x.flows[b]);
    const doc = { ...exported, triggers: [], flows: { [a]: exported.flows[a], [b]: exported.flows[b] } };

    const dry = await importDoc(doc, KEYS.globex, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ dryRun: true, created: [], updated: [], unchanged: [], subscriptions: { created: [], updated: [], unchanged: [] }, flows: { created: [a, b], updated: [], unchanged: [] } });
    expect(await policyOf(a, KEYS.globex)).toBeNull();

    const real = await importDoc(doc, KEYS.globex);
    expect(real.body).toEqual({ ...dry.body, dryRun: false });
    expect(await policyOf(a, KEYS.globex)).toEqual({ rateLimit: { limit: 5, periodSeconds: 2 } });
    expect((await call("GET", `/v1/flows/${b}`, undefined, { key: KEYS.globex })).body).toMatchObject({ policy: { concurrency: 1, paused: true }, state: { paused: true } });
    // in D1 before the answer: the export right after shows them
    expect(Object.entries((await exportDoc(KEYS.globex)).flows).filter(([f]) => f.startsWith(p))).toEqual([[a, doc.flows[a]], [b, doc.flows[b]]]);

    const again = await importDoc(doc, KEYS.globex);
    expect(again.body.flows).toEqual({ created: [], updated: [], unchanged: [a, b] });
    expect((await call("GET", `/v1/flows/${a}/activity`, undefined, { key: KEYS.globex })).body.entries).toHaveLength(1);

    const edited = await importDoc({ ...doc, flows: { [a]: { rateLimit: { limit: 6, periodSeconds: 2 } } } }, KEYS.globex);
    expect(edited.body.flows).toEqual({ created: [], updated: [a], unchanged: [] });
    expect(await policyOf(a, KEYS.globex)).toEqual({ rateLimit: { limit: 6, periodSeconds: 2 } });
  });

  it("an imported paused flow holds the first fire of a subscription the same document creates", async () => {
    const p = uniq("first");
    const flow = `${p}.flow`, trig = `${p}.ev`;
    const doc = {
      format: "signalbox.v1",
      triggers: [{ name: trig, type: "event", subscriptions: { [flow]: { target: { type: "http", url: "https://flows.example/x", secret: SECRET } } } }],
      flows: { [flow]: { paused: true } },
    };
    const r = await importDoc(doc);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ created: [trig], subscriptions: { created: [`${trig}/${flow}`] }, flows: { created: [flow] } });
    expect((await call("POST", `/v1/triggers/${trig}/fire`, { data: {} })).status).toBe(202);
    const view = await call("GET", `/v1/flows/${flow}`);
    expect(view.body).toMatchObject({ policy: { paused: true }, state: { paused: true }, subscriptions: [{ trigger: trig }] });
    expect(view.body.state.waiting).toBe(1);
  });

  it("a bad policy is a 400 naming the flow and the path, listed with the triggers' problems; nothing is written", async () => {
    const p = uniq("bad");
    const good = `${p}.good`, trig = `${p}.ev`;
    const doc = {
      format: "signalbox.v1",
      triggers: [{ name: trig, type: "event" }, { name: `${p}.broken`, type: "nope" }],
      flows: { [good]: { concurrency: 2 }, billing: { concurrency: 0 }, other: { rate: 1, breaker: { failureThreshold: 5 } }, "bad flow!": {} },
    };
    const r = await importDoc(doc);
    expect(r.status).toBe(400);
    const details = r.body.error.details.map((d: any) => [d.name, d.path]);
    expect(details).toEqual(expect.arrayContaining([
      [`${p}.broken`, "type"], ["billing", "flows.billing.concurrency"], ["other", "flows.other.rate"],
      ["other", "flows.other.breaker.cooldownSeconds"], ["bad flow!", "flows.bad flow!"],
    ]));
    expect(r.body.error.details.find((d: any) => d.path === "flows.billing.concurrency").message).toMatch(/at least 1/);
    expect(await policyOf(good)).toBeNull();
    expect((await call("GET", `/v1/triggers/${trig}`)).status).toBe(404);

    // only a bad policy: still nothing written (the valid trigger and policy wait for the whole document)
    const one = await importDoc({ format: "signalbox.v1", triggers: [{ name: trig, type: "event" }], flows: { [good]: { concurrency: 2 }, billing: { concurrency: 1.5 } } });
    expect(one.status).toBe(400);
    expect(one.body.error.details).toEqual([{ name: "billing", path: "flows.billing.concurrency", message: expect.any(String) }]);
    expect(await policyOf(good)).toBeNull();
    expect((await call("GET", `/v1/triggers/${trig}`)).status).toBe(404);

    const notObject = await importDoc({ format: "signalbox.v1", triggers: [], flows: [] });
    expect(notObject.status).toBe(400);
    expect(notObject.body.error.details).toEqual([{ name: "flows", path: "flows", message: expect.stringMatching(/object/) }]);
  });
});

describe("POST /v1/sync", () => {
  it("owns what it declares: creates (in D1 before it answers), updates, leaves an identical policy alone; a dry run writes nothing", async () => {
    const p = uniq("own");
    const source = `${p}-src`;
    const [a, b] = [`${p}.a`, `${p}.b`];
    const flows = { [a]: { rateLimit: { limit: 10, periodSeconds: 1 } }, [b]: { concurrency: 2 } };

    const dry = await sync({ source, flows }, true);
    expect(dry.body.flows).toEqual({ created: [a, b], updated: [], unchanged: [], cleared: [] });
    expect(await policyOf(a)).toBeNull();

    // the gates cannot project to D1 during this sync: the rows the next sync starts from are the sync's own writes
    for (const f of [a, b]) await inObject(gateStub(f), (o: any) => { o.__env = o.env; o.env = { ...o.env, DB: brokenD1 }; });
    try {
      const r = await sync({ source, flows });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ dryRun: false, retired: [], flows: { created: [a, b], updated: [], unchanged: [], cleared: [] } });
      expect(await row(a)).toMatchObject({ source, policy: JSON.stringify(flows[a]) });
      expect(await row(b)).toMatchObject({ source });
    } finally {
      for (const f of [a, b]) await inObject(gateStub(f), (o: any) => { o.env = o.__env; });
    }
    expect(await policyOf(a)).toEqual(flows[a]);

    const before = await activityCount(a);
    const same = await sync({ source, flows });
    expect(same.body.flows).toEqual({ created: [], updated: [], unchanged: [a, b], cleared: [] });
    expect(await activityCount(a)).toBe(before);

    const upd = await sync({ source, flows: { ...flows, [b]: { concurrency: 3 } } });
    expect(upd.body.flows).toEqual({ created: [], updated: [b], unchanged: [a], cleared: [] });
    expect(await policyOf(b)).toEqual({ concurrency: 3 });
  });

  it("prune clears the policies it owned and no longer declares; never the API's, another source's, or without prune", async () => {
    const p = uniq("prune");
    const source = `${p}-src`, other = `${p}-other`;
    const [kept, dropped, api, theirs] = ["kept", "dropped", "api", "theirs"].map((x) => `${p}.${x}`);
    await sync({ source, flows: { [kept]: { concurrency: 1 }, [dropped]: { concurrency: 2 } } });
    await sync({ source: other, flows: { [theirs]: { concurrency: 4 } } });
    await put(api, { concurrency: 5 });
    // a D1 row that claims the source owns the API's policy: the gate says otherwise
    await until(() => row(api), (r) => r !== null);
    await env.DB.prepare(`UPDATE flows SET source = ? WHERE tenant = 'acme' AND flow = ?`).bind(source, api).run();

    const noPrune = await sync({ source, flows: { [kept]: { concurrency: 1 } } });
    expect(noPrune.body.flows).toEqual({ created: [], updated: [], unchanged: [kept], cleared: [] });
    expect(await policyOf(dropped)).toEqual({ concurrency: 2 });

    const dry = await sync({ source, flows: { [kept]: { concurrency: 1 } }, prune: true }, true);
    expect(dry.body.flows.cleared).toEqual([dropped]);
    expect(await policyOf(dropped)).toEqual({ concurrency: 2 });

    const pruned = await sync({ source, flows: { [kept]: { concurrency: 1 } }, prune: true });
    expect(pruned.body.flows).toEqual({ created: [], updated: [], unchanged: [kept], cleared: [dropped] });
    expect(await policyOf(dropped)).toBeNull();
    expect(await row(dropped)).toBeNull();
    expect(await policyOf(api)).toEqual({ concurrency: 5 });
    expect(await policyOf(theirs)).toEqual({ concurrency: 4 });

    // a sync without flows declares none: with prune it clears the rest of its own
    const none = await call("POST", "/v1/sync", { source, triggers: [], prune: true });
    expect(none.body.flows).toEqual({ created: [], updated: [], unchanged: [], cleared: [kept] });
    expect(await policyOf(kept)).toBeNull();
    expect(await policyOf(theirs)).toEqual({ concurrency: 4 });
  });

  it("another source's policy is a 409 problem (nothing written) unless adopt; an API policy is taken over; PUT releases a policy", async () => {
    const p = uniq("adopt");
    const source = `${p}-src`, other = `${p}-other`;
    const [mine, theirs, api] = ["mine", "theirs", "api"].map((x) => `${p}.${x}`);
    await sync({ source: other, flows: { [theirs]: { concurrency: 4 } } });
    await put(api, { concurrency: 5 });

    const refused = await sync({ source, flows: { [mine]: { concurrency: 1 }, [theirs]: { concurrency: 9 } } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual([{ name: theirs, path: `flows.${theirs}`, message: expect.stringContaining(`owned by source '${other}'`) }]);
    expect(await policyOf(mine)).toBeNull();
    expect(await policyOf(theirs)).toEqual({ concurrency: 4 });

    const adopted = await call("POST", "/v1/sync", { source, triggers: [], flows: { [mine]: { concurrency: 1 }, [theirs]: { concurrency: 9 }, [api]: { concurrency: 5 } }, adopt: true });
    expect(adopted.body.flows).toEqual({ created: [mine], updated: [theirs, api], unchanged: [], cleared: [] });
    expect(await row(theirs)).toMatchObject({ source });
    expect(await row(api)).toMatchObject({ source });
    // the other source lost it: its prune leaves it alone
    expect((await sync({ source: other, flows: {}, prune: true })).body.flows.cleared).toEqual([]);
    expect(await policyOf(theirs)).toEqual({ concurrency: 9 });

    // taking over a policy set with PUT needs no adopt
    const api2 = `${p}.api2`;
    await put(api2, { concurrency: 6 });
    expect((await sync({ source, flows: { [mine]: { concurrency: 1 }, [theirs]: { concurrency: 9 }, [api]: { concurrency: 5 }, [api2]: { concurrency: 6 } } })).body.flows.updated).toEqual([api2]);

    // a PUT makes a policy the API's again: the source's prune no longer clears it, its next declaration takes it back
    await put(mine, { concurrency: 2 });
    const r = await sync({ source, flows: { [theirs]: { concurrency: 9 }, [api]: { concurrency: 5 }, [api2]: { concurrency: 6 } }, prune: true });
    expect(r.body.flows).toMatchObject({ cleared: [] });
    expect(await policyOf(mine)).toEqual({ concurrency: 2 });
  });

  it("a pause the definitions do not mention is kept (an update and a prune leave it); paused: false in the definitions resumes", async () => {
    const p = uniq("pause");
    const source = `${p}-src`;
    const flow = `${p}.f`;
    const declared = { rateLimit: { limit: 10, periodSeconds: 1 } };
    await sync({ source, flows: { [flow]: declared } });
    expect((await call("POST", `/v1/flows/${flow}/pause`)).status).toBe(200);

    expect((await sync({ source, flows: { [flow]: declared } })).body.flows.unchanged).toEqual([flow]);
    expect((await sync({ source, flows: { [flow]: { rateLimit: { limit: 20, periodSeconds: 1 } } } })).body.flows.updated).toEqual([flow]);
    expect(await policyOf(flow)).toEqual({ rateLimit: { limit: 20, periodSeconds: 1 }, paused: true });

    expect((await sync({ source, flows: { [flow]: { ...declared, paused: false } } })).body.flows.updated).toEqual([flow]);
    expect((await call("GET", `/v1/flows/${flow}`)).body.state.paused).toBe(false);

    await call("POST", `/v1/flows/${flow}/pause`);
    expect((await sync({ source, flows: {}, prune: true })).body.flows.cleared).toEqual([flow]);
    expect(await policyOf(flow)).toEqual({ paused: true });
    // released: a later prune of the source does not see it again
    expect((await sync({ source, flows: {}, prune: true })).body.flows.cleared).toEqual([]);
  });

  it("a bad policy is a 400 naming the path, with the definitions' problems; nothing is written", async () => {
    const p = uniq("sbad");
    const source = `${p}-src`;
    const r = await sync({ source, triggers: [{ name: `${p}.ev`, type: "event" }], flows: { [`${p}.ok`]: { concurrency: 1 }, billing: { rateLimit: { limit: 0, periodSeconds: 1 } } } });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([{ name: "billing", path: "flows.billing.rateLimit.limit", message: expect.any(String) }]);
    expect(await policyOf(`${p}.ok`)).toBeNull();
    expect((await call("GET", `/v1/triggers/${p}.ev`)).status).toBe(404);
  });
});
