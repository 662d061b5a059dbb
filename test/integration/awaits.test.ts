import { describe, it, expect, inject } from "vitest";
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { verifyDelivery } from "../../src/receiver/verify-delivery";
import { call, uniq, inObject, until, triggerStub } from "../helpers";

const port = inject("receiverPort");
const received = async (tag: string): Promise<any[]> => (await fetch(`http://127.0.0.1:${port}/log?contains=${encodeURIComponent(tag)}`)).json();
const runStub = (runId: string): any => env.RUNS.get(env.RUNS.idFromName(`acme:${runId}`));

/** A run whose object runs on a fake clock (far ahead, so real alarms never fire). */
async function run() {
  const runId = uniq("run");
  const stub = runStub(runId);
  const T0 = Date.parse("2031-05-01T00:00:00Z");
  await inObject(stub, (o: any) => { o.__now = T0; o.core.clock = () => o.__now; });
  const at = async (ms: number) => {
    await inObject(stub, (o: any) => { o.__now = ms; });
    await runDurableObjectAlarm(stub);
  };
  return { runId, stub, T0, at, cb: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${runId}` } };
}

async function resume(url: string, body: unknown, raw?: string) {
  const res = await (exports as any).default.fetch(new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body: raw ?? JSON.stringify(body) }));
  return { status: res.status, body: await res.json() as any };
}

describe("sleep and until", () => {
  it("sleep resolves at its deadline through the alarm, with one signed callback", async () => {
    const { runId, T0, at, cb } = await run();
    const put = await call("PUT", `/v1/runs/${runId}/awaits/nap`, { kind: "sleep", durationMs: 300_000, callback: cb });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ runId, step: "nap", kind: "sleep", status: "waiting", createdAt: T0, expiresAt: T0 + 300_000 });
    expect(put.body.secret).toMatch(/^whsec_/);
    await at(T0 + 299_000);
    expect((await call("GET", `/v1/runs/${runId}/awaits/nap`)).body.status).toBe("waiting");
    await at(T0 + 300_010);
    expect((await call("GET", `/v1/runs/${runId}/awaits/nap`)).body.status).toBe("resolved");
    const got = await until(() => received(runId), (r) => r.length >= 1);
    expect(got).toHaveLength(1);
    expect(await verifyDelivery(put.body.secret, got[0].headers, got[0].body, { now: Date.now() })).toBe(true);
    // the whole body, as the hand-over builds it from the callback row joined with its await
    expect(JSON.parse(got[0].body)).toEqual({
      type: "await.resolved", deliveryId: expect.stringMatching(/^cb_/), tenant: expect.any(String), runId, step: "nap",
      status: "resolved", result: { kind: "sleep", at: expect.any(Number) }, attempt: 1,
    });
    await at(T0 + 400_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(await received(runId)).toHaveLength(1);
  });

  it("settled awaits are kept 7 days for inspection, then removed", async () => {
    const { runId, T0, at } = await run();
    await call("PUT", `/v1/runs/${runId}/awaits/short`, { kind: "sleep", durationMs: 1000 });
    await at(T0 + 1001);
    expect((await call("GET", `/v1/runs/${runId}/awaits/short`)).body.status).toBe("resolved");
    await at(T0 + 1001 + 6 * 86_400_000);
    expect((await call("GET", `/v1/runs/${runId}/awaits/short`)).status).toBe(200);
    await at(T0 + 1001 + 7 * 86_400_000 + 1);
    expect((await call("GET", `/v1/runs/${runId}/awaits/short`)).status).toBe(404);
  });

  it("until in the past resolves at once", async () => {
    const { runId } = await run();
    const put = await call("PUT", `/v1/runs/${runId}/awaits/u`, { kind: "until", until: "2020-01-01T00:00:00Z" });
    expect(put.body.status).toBe("resolved");
  });

  it("PUT is idempotent: same body 200 (same await), different body 409; bounds are 400", async () => {
    const { runId } = await run();
    const body = { kind: "sleep", durationMs: 1000 };
    const a = await call("PUT", `/v1/runs/${runId}/awaits/s`, body);
    const b = await call("PUT", `/v1/runs/${runId}/awaits/s`, body);
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect((await call("PUT", `/v1/runs/${runId}/awaits/s`, { kind: "sleep", durationMs: 2000 })).status).toBe(409);
    expect((await call("PUT", `/v1/runs/${runId}/awaits/x`, { kind: "sleep", durationMs: 366 * 86_400_000 })).status).toBe(400);
    expect((await call("PUT", `/v1/runs/${runId}/awaits/x`, { kind: "nap" })).status).toBe(400);
    expect((await call("PUT", `/v1/runs/${runId}/awaits/x`, { kind: "event", trigger: "t", lookbackMs: 90_000_000 })).status).toBe(400);
    const list = await call("GET", `/v1/runs/${runId}/awaits`);
    expect(list.body.awaits.map((x: any) => x.step)).toEqual(["s"]);
  });
});

describe("the run's counts in D1 (GET /v1/runs, signalbox_awaits)", () => {
  it("a burst of changes is pushed once, a second after its first change, with every change in it", async () => {
    const { runId, stub, T0, at } = await run();
    for (let i = 0; i < 3; i++) {
      await inObject(stub, (o: any) => { o.__now = T0 + i * 100; });
      expect((await call("PUT", `/v1/runs/${runId}/awaits/n${i}`, { kind: "sleep", durationMs: 3_600_000 })).status).toBe(201);
    }
    // one outbox row for the three changes, due a second after the first (a steady stream cannot postpone it)
    expect(await inObject(stub, (o: any) => o.core.sql.all(`SELECT key, next_at FROM outbox`))).toEqual([{ key: "counts", next_at: T0 + 1000 }]);
    const listed = async () => ((await call("GET", `/v1/runs?status=waiting&limit=500`)).body.runs as any[]).find((r) => r.runId === runId);
    expect(await listed()).toBeUndefined();
    await at(T0 + 1000);
    expect((await listed())?.awaits).toEqual({ waiting: 3, resolved: 0, timed_out: 0, cancelled: 0 });
    expect(await inObject(stub, (o: any) => o.core.sql.all(`SELECT key FROM outbox`))).toEqual([]);
  });
});

describe("event awaits", () => {
  async function eventTrigger() {
    const name = uniq("evt");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    return name;
  }

  it("resolves with the first matching fire, not with a non-matching one", async () => {
    const name = await eventTrigger();
    const { runId, cb } = await run();
    const put = await call("PUT", `/v1/runs/${runId}/awaits/job`, { kind: "event", trigger: name, match: { "data.jobId": "J1" }, timeoutMs: 3_600_000, callback: cb });
    expect(put.status).toBe(201);
    await call("POST", `/v1/triggers/${name}/fire`, { data: { jobId: "J2" } });
    expect((await call("GET", `/v1/runs/${runId}/awaits/job`)).body.status).toBe("waiting");
    const hit = await call("POST", `/v1/triggers/${name}/fire`, { data: { jobId: "J1", ok: true } });
    const a = await until(() => call("GET", `/v1/runs/${runId}/awaits/job`), (r) => r.body.status !== "waiting");
    expect(a.body).toMatchObject({ status: "resolved", result: { eventId: hit.body.eventId, trigger: name, data: { jobId: "J1", ok: true } } });
    const cbs = await until(() => received(runId), (r) => r.length >= 1);
    expect(JSON.parse(cbs[0].body)).toMatchObject({ type: "await.resolved", result: { data: { jobId: "J1" } } });
    // waiters are not subscriptions and never show on the trigger
    const t = await call("GET", `/v1/triggers/${name}`);
    expect(t.body.subscriptions).toEqual({});
    expect((await call("GET", `/v1/triggers?q=${runId}`)).body.triggers).toEqual([]);
  });

  it("fires that resolve awaits together send each run its notice once, not once per fire", async () => {
    const name = await eventTrigger();
    const runs = await Promise.all(Array.from({ length: 20 }, () => run()));
    for (const [i, r] of runs.entries()) {
      expect((await call("PUT", `/v1/runs/${r.runId}/awaits/job`, { kind: "event", trigger: name, match: { "data.job": i }, timeoutMs: 3_600_000 })).status).toBe(201);
    }
    const stub = triggerStub("acme", name);
    // counts the notices the trigger sends to run objects (the stubs it makes, wrapped; the calls go through, each
    // 20 ms later, so a drain is still sending when the next fires settle: the case where drains used to overlap)
    await inObject(stub, (o: any) => {
      const runs = o.core.env.RUNS;
      o.sent = 0;
      const slow = (t: any) => ({ resolveFromEvent: async (...args: unknown[]) => (o.sent++, await new Promise((r) => setTimeout(r, 20)), t.resolveFromEvent(...args)) });
      o.core.env = { ...o.core.env, RUNS: { idFromName: (n: string) => runs.idFromName(n), get: (id: unknown) => slow(runs.get(id)) } };
    });
    // in two waves, the second while the first's notices are being sent
    const fire = (i: number) => call("POST", `/v1/triggers/${name}/fire`, { data: { job: i } });
    const first = Promise.all(runs.slice(0, 10).map((_, i) => fire(i)));
    await new Promise((r) => setTimeout(r, 30));
    const second = Promise.all(runs.slice(10).map((_, i) => fire(10 + i)));
    expect([...(await first), ...(await second)].map((f) => f.status)).toEqual(Array(20).fill(202));
    for (const r of runs) await until(() => call("GET", `/v1/runs/${r.runId}/awaits/job`), (a) => a.body.status === "resolved");
    await until(() => inObject(stub, (o: any) => o.core.sql.all(`SELECT key FROM outbox WHERE key LIKE 'run:%'`).length), (n) => n === 0);
    // a drain per fire sent the notices due then again (up to n² for a burst of n)
    expect(await inObject(stub, (o: any) => o.sent)).toBe(20);
  });

  it("awaits created together in one run register each waiter once, not once per await", async () => {
    const name = await eventTrigger();
    const { runId, stub } = await run();
    // counts the waiter registrations the run sends to trigger objects (the stubs it makes, wrapped; the calls go through)
    await inObject(stub, (o: any) => {
      const triggers = o.core.env.TRIGGERS;
      o.sent = 0;
      o.core.env = { ...o.core.env, TRIGGERS: { idFromName: (n: string) => triggers.idFromName(n), get: (id: unknown) => new Proxy(triggers.get(id), { get: (t, p) => (p === "addWaiter" && o.sent++, t[p]) }) } };
    });
    const puts = await Promise.all(Array.from({ length: 20 }, (_, i) => call("PUT", `/v1/runs/${runId}/awaits/s${i}`, { kind: "event", trigger: name, match: { "data.job": i }, timeoutMs: 3_600_000 })));
    expect(puts.map((p) => p.status)).toEqual(Array(20).fill(201));
    expect(await inObject(triggerStub("acme", name), (o: any) => o.core.sql.one(`SELECT count(*) AS n FROM waiters`).n)).toBe(20);
    // a drain per await applied the rows due then again (up to n² for n awaits at once)
    expect(await inObject(stub, (o: any) => o.sent)).toBe(20);
  });

  it("lookback resolves from a fire that raced ahead of the wait", async () => {
    const name = await eventTrigger();
    const f = await call("POST", `/v1/triggers/${name}/fire`, { data: { order: 9 } });
    const runId = uniq("lb");
    const put = await call("PUT", `/v1/runs/${runId}/awaits/o`, { kind: "event", trigger: name, match: { "data.order": 9 }, lookbackMs: 60_000 });
    expect(put.body).toMatchObject({ status: "resolved", result: { eventId: f.body.eventId } });
    const noLookback = await call("PUT", `/v1/runs/${runId}/awaits/o2`, { kind: "event", trigger: name, match: { "data.order": 9 } });
    expect(noLookback.body.status).toBe("waiting");
  });

  it("times out with an await.timed_out callback, and cancel sends await.cancelled", async () => {
    const name = await eventTrigger();
    const { runId, T0, at, cb } = await run();
    await call("PUT", `/v1/runs/${runId}/awaits/t1`, { kind: "event", trigger: name, timeoutMs: 60_000, callback: cb });
    await call("PUT", `/v1/runs/${runId}/awaits/t2`, { kind: "event", trigger: name, timeoutMs: 600_000, callback: cb });
    await at(T0 + 60_001);
    expect((await call("GET", `/v1/runs/${runId}/awaits/t1`)).body.status).toBe("timed_out");
    const del = await call("DELETE", `/v1/runs/${runId}/awaits/t2`);
    expect(del.body.status).toBe("cancelled");
    const cbs = await until(() => received(runId), (r) => r.length >= 2);
    expect(cbs.map((r) => JSON.parse(r.body).type).sort()).toEqual(["await.cancelled", "await.timed_out"]);
    // the waiters are gone: a matching fire later changes nothing
    await call("POST", `/v1/triggers/${name}/fire`, { data: {} });
    await new Promise((r) => setTimeout(r, 200));
    expect(await received(runId)).toHaveLength(2);
    expect((await call("DELETE", `/v1/runs/${runId}/awaits/nope`)).status).toBe(404);
  });

  it("an unknown trigger is 404 and leaves no await behind", async () => {
    const runId = uniq("nt");
    expect((await call("PUT", `/v1/runs/${runId}/awaits/a`, { kind: "event", trigger: `missing-${Date.now()}` })).status).toBe(404);
    expect((await call("GET", `/v1/runs/${runId}/awaits/a`)).status).toBe(404);
  });
});

describe("webhook awaits (approvals)", () => {
  it("resume: 200 once, then 409; schema failure 422 stays waiting; unknown 404; tokens only in the creating answer", async () => {
    const { runId, cb } = await run();
    const put = await call("PUT", `/v1/runs/${runId}/awaits/approve`, {
      kind: "webhook", timeoutMs: 86_400_000, schema: { type: "object", required: ["approved"], properties: { approved: { type: "boolean" } } }, callback: cb,
    });
    expect(put.status).toBe(201);
    const url: string = put.body.resumeUrl;
    const token = url.split("/resume/")[1];
    expect(token.length).toBeGreaterThanOrEqual(22);
    expect(/^[A-Za-z0-9_-]+$/.test(token)).toBe(true);
    for (const r of [await call("GET", `/v1/runs/${runId}/awaits/approve`), await call("GET", `/v1/runs/${runId}/awaits`), await call("PUT", `/v1/runs/${runId}/awaits/approve`, { kind: "webhook", timeoutMs: 86_400_000, schema: { type: "object", required: ["approved"], properties: { approved: { type: "boolean" } } }, callback: cb })]) {
      expect(JSON.stringify(r.body)).not.toContain(token);
    }
    const bad = await resume(url, { approved: "yes" });
    expect(bad.status).toBe(422);
    expect((await call("GET", `/v1/runs/${runId}/awaits/approve`)).body.status).toBe("waiting");
    const ok = await resume(url, { approved: true, by: "ana" });
    expect(ok).toEqual({ status: 200, body: { status: "resolved" } });
    expect((await resume(url, { approved: true })).status).toBe(409);
    expect((await resume(`http://signalbox.test/resume/${"A".repeat(43)}`, {})).status).toBe(404);
    expect((await resume(`http://signalbox.test/resume/short`, {})).status).toBe(404);
    const a = (await call("GET", `/v1/runs/${runId}/awaits/approve`)).body;
    expect(a).toMatchObject({ status: "resolved", result: { approved: true, by: "ana" } });
    const cbs = await until(() => received(runId), (r) => r.length >= 1);
    expect(JSON.parse(cbs[0].body)).toMatchObject({ type: "await.resolved", result: { approved: true, by: "ana" } });
  });

  it("expired 410 and cancelled 410", async () => {
    const { runId, T0, at } = await run();
    const a = await call("PUT", `/v1/runs/${runId}/awaits/late`, { kind: "webhook", timeoutMs: 1000 });
    const b = await call("PUT", `/v1/runs/${runId}/awaits/gone`, { kind: "webhook", timeoutMs: 60_000 });
    await at(T0 + 2000);
    expect((await resume(a.body.resumeUrl, {})).status).toBe(410);
    await call("DELETE", `/v1/runs/${runId}/awaits/gone`);
    expect((await resume(b.body.resumeUrl, {})).status).toBe(410);
  });

  it("a resolve racing the timeout yields exactly one terminal state and one callback", async () => {
    for (let i = 0; i < 5; i++) {
      const { runId, T0, stub, cb } = await run();
      const put = await call("PUT", `/v1/runs/${runId}/awaits/race`, { kind: "webhook", timeoutMs: 1000, callback: cb });
      await inObject(stub, (o: any) => { o.__now = T0 + 1000; });
      const [r] = await Promise.all([resume(put.body.resumeUrl, { won: "resume" }), runDurableObjectAlarm(stub)]);
      const state = (await call("GET", `/v1/runs/${runId}/awaits/race`)).body.status;
      expect(["resolved", "timed_out"]).toContain(state);
      expect(r.status).toBe(state === "resolved" ? 200 : 410);
      const rows = await inObject(stub, (o: any) => o.ctx.storage.sql.exec("SELECT type FROM callbacks").toArray());
      expect(rows).toEqual([{ type: `await.${state}` }]);
      const cbs = await until(() => received(runId), (x) => x.length >= 1);
      await new Promise((res) => setTimeout(res, 100));
      expect((await received(runId)).length).toBe(cbs.length);
      expect(cbs).toHaveLength(1);
    }
  });
});
