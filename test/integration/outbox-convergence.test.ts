/**
 * Invariant 1 (D1 converges after any failure) and invariant 10 (nothing is
 * given up silently): an outbox row that keeps failing is retried at a capped
 * interval however long D1 is down, shows in the trigger's stats while it
 * fails, and lands once D1 is back; a flow notice waits for a listener the
 * index does not show yet, for a bounded time.
 */
import { describe, it, expect, inject } from "vitest";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, uniq, until, triggerStub, inObject, breakD1, healD1 } from "../helpers";
import { OUTBOX_MAX_BACKOFF_MS } from "../../src/domain/outbox-backoff";
import { NOTICE_RECHECKS_MS } from "../../durable-objects/trigger/chain";
import { MIGRATIONS } from "../../durable-objects/trigger/schema";

const port = inject("receiverPort");
const listed = async (name: string) => (await call("GET", `/v1/triggers?q=${name}`)).body.triggers.map((t: any) => t.name) as string[];
const outboxRows = (stub: any) => inObject(stub, (o: any) => o.ctx.storage.sql.exec(`SELECT key, attempts, next_at FROM outbox ORDER BY key`).toArray() as any[]);
/** Runs the alarm `n` times as if each retry's wait had passed (time is simulated by making every row due). */
async function retry(stub: any, n: number) {
  for (let i = 0; i < n; i++) {
    // the alarm is set far ahead, then run: the runtime never runs it on its own meanwhile
    await inObject(stub, (o: any) => {
      o.ctx.storage.sql.exec(`UPDATE outbox SET next_at = 0 WHERE next_at > 0`);
      return o.ctx.storage.setAlarm(Date.now() + 3_600_000);
    });
    await runDurableObjectAlarm(stub);
  }
}

describe("outbox: a long D1 outage", () => {
  it("a registration during a 15+ minute outage reaches /v1/triggers once D1 is back, retried at a capped interval and visible meanwhile", async () => {
    const name = uniq("outage");
    const stub = triggerStub("acme", name);
    await breakD1(stub);
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
    expect(await listed(name)).toEqual([]);
    // 25 failed attempts: longer than the 20 (about 14 minutes) after which a row used to be parked for good
    await retry(stub, 25);
    const [row] = (await outboxRows(stub)).filter((r) => r.key === "d1:0:trigger");
    expect(row.attempts).toBeGreaterThanOrEqual(25);
    expect(row.next_at).toBeLessThanOrEqual(Date.now() + OUTBOX_MAX_BACKOFF_MS);
    const alarm = await inObject(stub, (o: any) => o.ctx.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm).toBeLessThanOrEqual(Date.now() + OUTBOX_MAX_BACKOFF_MS);
    const stats = (await call("GET", `/v1/triggers/${name}/stats`)).body;
    expect(stats.outbox).toMatchObject({ failing: 1, lastError: "injected D1 failure" });
    expect(stats.outbox.maxAttempts).toBeGreaterThanOrEqual(25);
    // D1 is back: the next retry (at most one capped interval away) lands it
    await healD1(stub);
    await retry(stub, 1);
    expect(await listed(name)).toEqual([name]);
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body.outbox).toMatchObject({ failing: 0 });
  });

  it("a projection row that can never apply does not block the others and keeps being retried, visibly", async () => {
    const name = uniq("poison");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const stub = triggerStub("acme", name);
    // a row whose statement D1 refuses (NOT NULL mode), queued before the entry's
    await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`INSERT INTO outbox (key, payload, rev, attempts, next_at) VALUES ('d1:1:sub:bad', ?, 1, 0, 0)`, JSON.stringify({ op: "sub", flow: "bad", mode: null, targetType: "http", subscribedAt: 0, version: 9 })));
    await call("PUT", `/v1/triggers/${name}`, { type: "event", displayName: "lands anyway" });
    expect((await call("GET", `/v1/triggers?q=${name}`)).body.triggers[0].displayName).toBe("lands anyway");
    await retry(stub, 25);
    const bad = await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`SELECT attempts, next_at, last_error FROM outbox WHERE key = 'd1:1:sub:bad'`).one());
    expect(bad.attempts).toBeGreaterThanOrEqual(25);
    expect(bad.next_at).toBeLessThanOrEqual(Date.now() + OUTBOX_MAX_BACKOFF_MS);
    expect(bad.last_error).toMatch(/NOT NULL|constraint/i);
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body.outbox).toMatchObject({ failing: 1 });
  });

  it("a row parked by an earlier version is retried again after the upgrade", async () => {
    const name = uniq("parked");
    const stub = triggerStub("acme", name);
    await breakD1(stub);
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    await healD1(stub);
    // as the old code left it: parked; then the upgrade's migration runs (the one that unparks)
    const unpark = MIGRATIONS.find((m) => typeof m === "string" && m.startsWith("UPDATE outbox")) as string;
    await inObject(stub, (o: any) => {
      o.ctx.storage.sql.exec(`UPDATE outbox SET next_at = 9007199254740991, attempts = 20`);
      o.ctx.storage.sql.exec(unpark);
    });
    expect((await outboxRows(stub)).map((r) => r.next_at)).toEqual([0]);
    await inObject(stub, (o: any) => o.ctx.storage.setAlarm(Date.now() + 3_600_000));
    await runDurableObjectAlarm(stub);
    expect(await listed(name)).toEqual([name]);
  });
});

describe("flow notices and a lagging index", () => {
  it("a flow trigger the index does not show yet at the report still fires once it does; the notice is dropped after the last recheck", async () => {
    const flow = uniq("lag");
    const src = uniq("lagsrc");
    await call("PUT", `/v1/triggers/${src}`, { type: "event" });
    await call("PUT", `/v1/triggers/${src}/subscriptions/${flow}`, { target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${src}` } });
    // the listener registers while its own projection cannot reach D1
    const listener = uniq("laglisten");
    const lstub = triggerStub("acme", listener);
    await breakD1(lstub);
    expect((await call("PUT", `/v1/triggers/${listener}`, { type: "flow", flow: { name: flow } })).status).toBe(201);
    const f = (await call("POST", `/v1/triggers/${src}/fire`, { data: { n: 1 } })).body;
    expect((await call("POST", `/v1/deliveries/${f.deliveries[0].deliveryId}/status`, { status: "completed" })).status).toBe(200);
    const sstub = triggerStub("acme", src);
    // the index had no listener: the notice is kept for a recheck, not dropped
    const kept = (await outboxRows(sstub)).filter((r) => r.key.startsWith("flow:"));
    expect(kept).toHaveLength(1);
    expect(kept[0].next_at).toBeGreaterThan(Date.now());
    // the listener's projection lands, then the recheck finds it and fires it
    await healD1(lstub);
    await retry(lstub, 1);
    await retry(sstub, 1);
    const fired = await until(() => call("GET", `/v1/triggers/${listener}/events?types=trigger.fired`), (r) => r.body.events.length === 1);
    expect(fired.body.events[0].data.payload).toMatchObject({ flow, status: "completed", trigger: src, deliveryId: f.deliveries[0].deliveryId });
    // later rechecks fire nothing twice; after the last one the notice is gone
    await retry(sstub, 1);
    await inObject(sstub, (o: any) => { o.core.clock = () => Date.now() + NOTICE_RECHECKS_MS.at(-1)! + 1000; });
    await retry(sstub, 1);
    await inObject(sstub, (o: any) => { o.core.clock = Date.now; });
    expect((await outboxRows(sstub)).filter((r) => r.key.startsWith("flow:"))).toEqual([]);
    expect((await call("GET", `/v1/triggers/${listener}/events?types=trigger.fired`)).body.events).toHaveLength(1);
  });
});

describe("outbox: changes that settle together", () => {
  it("20 subscriptions put at once: each change reaches D1 once, not once per drain, and the list shows all 20", async () => {
    const name = uniq("many");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
    const stub = triggerStub("acme", name);
    // counts the statements the trigger sends to D1 (its binding, wrapped; the statements still run)
    await inObject(stub, (o: any) => {
      const db = o.core.env.DB;
      o.sent = 0;
      o.core.env = { ...o.core.env, DB: { prepare: (q: string) => db.prepare(q), batch: (s: unknown[]) => ((o.sent += s.length), db.batch(s)) } };
    });
    const flows = Array.from({ length: 20 }, (_, i) => `f${i}`);
    const puts = await Promise.all(flows.map((f) => call("PUT", `/v1/triggers/${name}/subscriptions/${f}`, { target: { type: "pull" } })));
    expect(puts.map((p) => p.status)).toEqual(Array(20).fill(201));
    for (const f of flows) expect(await listed(name), f).toEqual([name]);
    const subscribedBy = await Promise.all(flows.map(async (f) => (await call("GET", `/v1/triggers?subscribedBy=${f}`)).body.triggers.map((t: any) => t.name)));
    expect(subscribedBy).toEqual(flows.map(() => [name]));
    // 20 subscription rows and the entry's row (re-queued by each change, so a later pass may send it again): 23-24;
    // a drain per change sent every row due then again (194)
    expect(await inObject(stub, (o: any) => o.sent)).toBeLessThanOrEqual(30);
  });
});
