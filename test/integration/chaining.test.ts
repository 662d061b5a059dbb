/**
 * Flow triggers: a flow's report on a delivery fires every flow trigger of
 * the tenant listening to it, once per report, with the chain's depth
 * carried and capped; a crash between the report and the fire loses nothing.
 */
import { describe, it, expect, inject } from "vitest";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, uniq, until, triggerStub, inObject, breakD1, healD1, KEYS } from "../helpers";

const port = inject("receiverPort");

const events = async (name: string, key: string = KEYS.acme) => ((await call("GET", `/v1/triggers/${name}/events?limit=500&types=trigger.fired,trigger.skipped`, undefined, { key })).body.events ?? []) as any[];
const report = (deliveryId: string, status: string, extra: Record<string, unknown> = {}) => call("POST", `/v1/deliveries/${deliveryId}/status`, { status, ...extra });

async function source(flow: string) {
  const name = uniq("src");
  await call("PUT", `/v1/triggers/${name}`, { type: "event" });
  await call("PUT", `/v1/triggers/${name}/subscriptions/${flow}`, { target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${name}` } });
  return name;
}

async function listener(flow: Record<string, unknown>, key: string = KEYS.acme) {
  const name = uniq("chain");
  const r = await call("PUT", `/v1/triggers/${name}`, { type: "flow", flow }, { key });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return name;
}

describe("flow triggers", () => {
  it("a completed report fires every listener once, with the report as data; a repeat fires nothing", async () => {
    const flow = uniq("billing");
    const a = await source(flow);
    const onCompleted = await listener({ name: flow });
    const onBoth = await listener({ name: flow, on: ["completed", "failed"], triggers: [a] });
    const onlyOther = await listener({ name: flow, triggers: ["some.other"] });
    const f = (await call("POST", `/v1/triggers/${a}/fire`, { data: { invoice: 7 } })).body;
    const d = f.deliveries[0].deliveryId;
    expect((await report(d, "completed", { output: { paid: true } })).status).toBe(200);
    const [e1] = await until(() => events(onCompleted), (e) => e.length === 1);
    expect(e1).toMatchObject({ type: "trigger.fired", data: { source: "flow", chainDepth: 1, payload: { flow, status: "completed", output: { paid: true }, error: null, trigger: a, eventId: f.eventId, deliveryId: d } } });
    expect(await events(onBoth)).toHaveLength(1);
    expect(await events(onlyOther)).toHaveLength(0);
    expect((await report(d, "completed", { output: { paid: true } })).status).toBe(200);
    const fire = await call("GET", `/v1/triggers/${onCompleted}/fires/${e1.id}`);
    expect(fire.body).toMatchObject({ source: "flow", chainDepth: 1 });
    expect(await events(onCompleted)).toHaveLength(1);
    expect(await events(onBoth)).toHaveLength(1);
  });

  it("reports that arrive together: each notice reaches the listener once (not once per report), and the listener records them in a few commits", async () => {
    const flow = uniq("fanin");
    const a = await source(flow);
    const l = await listener({ name: flow });
    const fired = await Promise.all(Array.from({ length: 21 }, (_, i) => call("POST", `/v1/triggers/${a}/fire`, { data: { i } })));
    const ids = fired.map((r) => r.body.deliveries[0].deliveryId as string);
    await report(ids[0], "completed"); // loads the listener and its caches
    await until(() => events(l), (e) => e.length === 1);
    const stub = triggerStub("acme", l);
    const counts = () => inObject(stub, (o: any) => ({ transactions: o.core.transactions, statements: o.core.sql.statements }));
    const before = await counts();
    expect((await Promise.all(ids.slice(1).map((d) => report(d, "completed")))).map((r) => r.status)).toEqual(Array(20).fill(200));
    const evs = await until(() => events(l), (e) => e.length === 21);
    expect(new Set(evs.map((e) => e.data.payload.deliveryId))).toEqual(new Set(ids));
    const after = await counts();
    // one drain per report sent every due notice again: 209 notices for 20 reports, 20 commits
    expect((after.statements - before.statements) / 20).toBeLessThanOrEqual(6);
    expect(after.transactions - before.transactions).toBeLessThanOrEqual(12);
  });

  it("failed reports fire only listeners that asked for them", async () => {
    const flow = uniq("ship");
    const a = await source(flow);
    const completedOnly = await listener({ name: flow });
    const failures = await listener({ name: flow, on: ["failed"] });
    const f = (await call("POST", `/v1/triggers/${a}/fire`, { data: {} })).body;
    await report(f.deliveries[0].deliveryId, "failed", { error: "label printer on fire" });
    const [e] = await until(() => events(failures), (x) => x.length === 1);
    expect(e.data.payload).toMatchObject({ status: "failed", error: "label printer on fire" });
    expect(await events(completedOnly)).toHaveLength(0);
  });

  it("a loop of flows stops: the 17th fire of a chain is skipped (chain_too_deep) and delivers nothing", { timeout: 60_000 }, async () => {
    const flow = uniq("loop");
    const l = await listener({ name: flow });
    await call("PUT", `/v1/triggers/${l}/subscriptions/${flow}`, { target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${l}` } });
    let f = (await call("POST", `/v1/triggers/${l}/fire`, { data: { start: true } })).body; // depth 0
    for (let depth = 1; depth <= 16; depth++) {
      await report(f.deliveries[0].deliveryId, "completed");
      const evs = await until(() => events(l), (e) => e.length === depth + 1);
      const last = evs[evs.length - 1];
      expect(last).toMatchObject({ type: "trigger.fired", data: { chainDepth: depth } });
      f = (await call("GET", `/v1/triggers/${l}/fires/${last.id}`)).body;
    }
    await report(f.deliveries[0].deliveryId, "completed");
    const evs = await until(() => events(l), (e) => e.length === 18);
    expect(evs[17]).toMatchObject({ type: "trigger.skipped", data: { skipReason: "chain_too_deep", chainDepth: 17 } });
    expect((await call("GET", `/v1/triggers/${l}/fires/${evs[17].id}`)).body.deliveries).toEqual([]);
  });

  it("never crosses tenants", async () => {
    const flow = uniq("shared");
    const a = await source(flow);
    const theirs = await listener({ name: flow }, KEYS.globex);
    const f = (await call("POST", `/v1/triggers/${a}/fire`, { data: {} })).body;
    await report(f.deliveries[0].deliveryId, "completed");
    await new Promise((r) => setTimeout(r, 300));
    expect(await events(theirs, KEYS.globex)).toHaveLength(0);
  });

  it("a crash between the report and the fire loses nothing: the notice stays in the outbox and the alarm delivers it once", async () => {
    const flow = uniq("crash");
    const a = await source(flow);
    const l = await listener({ name: flow });
    const f = (await call("POST", `/v1/triggers/${a}/fire`, { data: {} })).body;
    const stub = triggerStub("acme", a);
    await breakD1(stub); // the listener lookup fails: as if the object died after committing the report
    expect((await report(f.deliveries[0].deliveryId, "completed")).status).toBe(200);
    expect(await events(l)).toHaveLength(0);
    const kept = await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`SELECT key FROM outbox WHERE key LIKE 'flow:%'`).toArray());
    expect(kept).toHaveLength(1);
    await healD1(stub);
    await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`UPDATE outbox SET next_at = 0`));
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    expect(await until(() => events(l), (e) => e.length === 1)).toHaveLength(1);
  });

  it("validates the definition: flow triggers need a flow name, and only they may have one", async () => {
    const bad = await call("PUT", `/v1/triggers/${uniq("bad")}`, { type: "flow" });
    expect(bad.status).toBe(400);
    const misplaced = await call("PUT", `/v1/triggers/${uniq("bad")}`, { type: "event", flow: { name: "x" } });
    expect(misplaced.status).toBe(400);
    const badStatus = await call("PUT", `/v1/triggers/${uniq("bad")}`, { type: "flow", flow: { name: "x", on: ["processing"] } });
    expect(badStatus.status).toBe(400);
  });
});
