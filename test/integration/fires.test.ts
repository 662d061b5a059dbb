import { describe, it, expect } from "vitest";
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, uniq, triggerStub, inObject, breakD1, healD1 } from "../helpers";

async function trigger(def: Record<string, unknown> = { type: "event" }) {
  const name = uniq("fire");
  expect((await call("PUT", `/v1/triggers/${name}`, def)).status).toBe(201);
  return name;
}

const stream = async (name: string) => (await call("GET", `/v1/triggers/${name}/events?limit=500`)).body.events as any[];

describe("fires", () => {
  it("records a fire with a queued delivery per auto subscription", async () => {
    const name = await trigger();
    await call("PUT", `/v1/triggers/${name}/subscriptions/flow-a`, { target: { type: "queue", queue: "FLOW_QUEUE" }, mode: "manual" });
    await call("PUT", `/v1/triggers/${name}/subscriptions/flow-b`, { target: { type: "pull" } });
    const f = await call("POST", `/v1/triggers/${name}/fire`, { data: { n: 1 } });
    expect(f.status).toBe(202);
    expect(f.body).toMatchObject({ status: "accepted", skipReason: null, seq: expect.any(Number) });
    expect(f.body.deliveries).toEqual([{ deliveryId: expect.stringMatching(/^dlv_/), flow: "flow-a", status: "skipped" }]);
    const fire = await call("GET", `/v1/triggers/${name}/fires/${f.body.eventId}`);
    expect(fire.status).toBe(200);
    expect(fire.body).toMatchObject({ eventId: f.body.eventId, status: "accepted", source: "api", data: { n: 1 } });
    expect(fire.body.deliveries[0]).toMatchObject({ flow: "flow-a", status: "skipped", reason: "manual_mode" });
    const last = (await stream(name)).at(-1);
    expect(last).toMatchObject({ type: "trigger.fired", id: f.body.eventId, data: { source: "api", payload: { n: 1 } } });
  });

  it("idempotency: a duplicate key answers 200 with the original and adds nothing", async () => {
    const name = await trigger();
    const first = await call("POST", `/v1/triggers/${name}/fire`, { data: { a: 1 } }, { headers: { "idempotency-key": "k-1" } });
    expect(first.status).toBe(202);
    const before = await stream(name);
    const dup = await call("POST", `/v1/triggers/${name}/fire`, { data: { a: 1 }, idempotencyKey: "k-1" });
    expect(dup.status).toBe(200);
    expect(dup.body).toMatchObject({ eventId: first.body.eventId, seq: first.body.seq, status: "deduplicated" });
    // the same key with other data is a conflict (API.md "Fires"), recording nothing
    const other = await call("POST", `/v1/triggers/${name}/fire`, { data: { a: 2 }, idempotencyKey: "k-1" });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("idempotency_conflict");
    expect(await stream(name)).toEqual(before);
    const stats = await call("GET", `/v1/triggers/${name}/stats`);
    expect(stats.body).toMatchObject({ totalFires: 1, deduplicated: 1 });
  });

  it("the dedup window expires (dedup.windowSeconds)", async () => {
    const name = await trigger({ type: "event", dedup: { windowSeconds: 1 } });
    const a = await call("POST", `/v1/triggers/${name}/fire`, { data: {}, idempotencyKey: "w" });
    await new Promise((r) => setTimeout(r, 1100));
    const b = await call("POST", `/v1/triggers/${name}/fire`, { data: {}, idempotencyKey: "w" });
    expect(b.status).toBe(202);
    expect(b.body.eventId).not.toBe(a.body.eventId);
  });

  it("schema failures are 422 with issues and record nothing", async () => {
    const name = await trigger({ type: "event", schema: { type: "object", required: ["id"], properties: { id: { type: "string" } } } });
    const before = await stream(name);
    const bad = await call("POST", `/v1/triggers/${name}/fire`, { data: { id: 5 } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("schema_invalid");
    expect(bad.body.error.details.length).toBeGreaterThan(0);
    expect(await stream(name)).toEqual(before);
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: { id: "x" } })).status).toBe(202);
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body).toMatchObject({ totalFires: 1, rejected: 1 });
  });

  it("filter: non-matching fires are recorded as trigger.skipped/filter", async () => {
    const name = await trigger({ type: "event", filter: { "data.amount": { $gte: 100 }, "data.currency": { $in: ["usd", "eur"] } } });
    const low = await call("POST", `/v1/triggers/${name}/fire`, { data: { amount: 5, currency: "usd" } });
    expect(low.body).toMatchObject({ status: "skipped", skipReason: "filter", deliveries: [] });
    const hi = await call("POST", `/v1/triggers/${name}/fire`, { data: { amount: 500, currency: "eur" } });
    expect(hi.body.status).toBe("accepted");
    const types = (await stream(name)).map((e) => e.type);
    expect(types.slice(-2)).toEqual(["trigger.skipped", "trigger.fired"]);
    const fire = await call("GET", `/v1/triggers/${name}/fires/${low.body.eventId}`);
    expect(fire.body).toMatchObject({ status: "skipped", skipReason: "filter" });
    const stats = (await call("GET", `/v1/triggers/${name}/stats`)).body;
    expect(stats).toMatchObject({ totalFires: 1, skipped: 1 });
  });

  it("rate limit answers 429 with Retry-After and records nothing", async () => {
    const name = await trigger({ type: "event", config: { rateLimit: { max: 2, windowSeconds: 3600 } } });
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: {} })).status).toBe(202);
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: {} })).status).toBe(202);
    const limited = await call("POST", `/v1/triggers/${name}/fire`, { data: {} });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe("rate_limited");
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body.totalFires).toBe(2);
  });

  it("persistData: false keeps the payload out of reads", async () => {
    const name = await trigger({ type: "event", config: { persistData: false } });
    const f = await call("POST", `/v1/triggers/${name}/fire`, { data: { secret: "pii" } });
    const fire = await call("GET", `/v1/triggers/${name}/fires/${f.body.eventId}`);
    expect(fire.body.data).toBeUndefined();
    expect(JSON.stringify(await stream(name))).not.toContain("pii");
  });

  it("flows subset must name subscribed flows (400, nothing recorded)", async () => {
    const name = await trigger();
    const before = await stream(name);
    const r = await call("POST", `/v1/triggers/${name}/fire`, { data: {}, flows: ["ghost"] });
    expect(r.status).toBe(400);
    expect(await stream(name)).toEqual(before);
  });

  it("POST /v1/events fires a batch, one bad event does not fail the others", async () => {
    const a = await trigger(), b = await trigger({ type: "event", schema: { type: "object", required: ["x"] } });
    const r = await call("POST", `/v1/events`, {
      events: [{ name: a, data: { i: 1 } }, { name: b, data: {} }, { name: "bad name!" }, { name: `missing-${Date.now()}` }, { name: a, data: {}, idempotencyKey: "b1" }],
    });
    expect(r.status).toBe(200);
    const [ok, invalid, badName, missing, ok2] = r.body.results;
    expect(ok.status).toBe("accepted");
    expect(invalid).toMatchObject({ status: "error", error: { code: "schema_invalid" } });
    expect(badName).toMatchObject({ status: "error", error: { code: "invalid_request" } });
    expect(missing).toMatchObject({ status: "error", error: { code: "not_found" } });
    expect(ok2.status).toBe("accepted");
    const tooMany = await call("POST", `/v1/events`, { events: Array.from({ length: 101 }, () => ({ name: a })) });
    expect(tooMany.status).toBe(400);
  });

  it("fires list by delivery status, and 404 for unknown event ids", async () => {
    const name = await trigger();
    await call("PUT", `/v1/triggers/${name}/subscriptions/m`, { target: { type: "queue", queue: "FLOW_QUEUE" }, mode: "manual" });
    const f1 = await call("POST", `/v1/triggers/${name}/fire`, { data: { i: 1 } });
    const f2 = await call("POST", `/v1/triggers/${name}/fire`, { data: { i: 2 } });
    const skipped = await call("GET", `/v1/triggers/${name}/fires?status=skipped&limit=1`);
    expect(skipped.body.fires.map((f: any) => f.eventId)).toEqual([f2.body.eventId]);
    const next = await call("GET", `/v1/triggers/${name}/fires?status=skipped&limit=1&cursor=${skipped.body.nextCursor}`);
    expect(next.body.fires.map((f: any) => f.eventId)).toEqual([f1.body.eventId]);
    expect(next.body.nextCursor).toBeNull();
    expect((await call("GET", `/v1/triggers/${name}/fires/evt_zz_0000000000`)).status).toBe(404);
  });
});

describe("D1 projection", () => {
  it("converges after a D1 failure: the alarm re-applies the outbox", async () => {
    const name = uniq("conv");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const stub = triggerStub("acme", name);
    await breakD1(stub);
    const upd = await call("PUT", `/v1/triggers/${name}`, { type: "event", displayName: "after failure" });
    expect(upd.status).toBe(200);
    const row = () => env.DB.prepare(`SELECT display_name, version FROM triggers WHERE tenant = 'acme' AND name = ?`).bind(name).first<any>();
    expect(await row()).toMatchObject({ display_name: null, version: 1 });
    await healD1(stub);
    // the outbox row is still there with a backoff; make it due and run the alarm
    await inObject(stub, (obj: any) => {
      obj.ctx.storage.sql.exec(`UPDATE outbox SET next_at = 0`);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await row()).toMatchObject({ display_name: "after failure", version: 2 });
  });

  it("coalesces stats into D1 (no D1 write per fire)", async () => {
    const name = uniq("coal");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    for (let i = 0; i < 5; i++) await call("POST", `/v1/triggers/${name}/fire`, { data: { i } });
    const stub = triggerStub("acme", name);
    const outbox = await inObject(stub, (obj: any) => obj.ctx.storage.sql.exec(`SELECT key FROM outbox`).toArray());
    expect(outbox).toEqual([]); // stats are not outbox rows: no row written for them per fire
    const listedBefore = await call("GET", `/v1/triggers?q=${name}`);
    expect(listedBefore.body.triggers[0].stats.totalFires).toBe(0); // not pushed yet (coalesced)
    await inObject(stub, (obj: any) => { obj.core.statsDueAt = 0; });
    await runDurableObjectAlarm(stub);
    const listed = await call("GET", `/v1/triggers?q=${name}`);
    expect(listed.body.triggers[0].stats.totalFires).toBe(5);
  });
});
