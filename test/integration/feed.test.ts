/**
 * GET /v1/fires: fires across the tenant's triggers, newest first, with the
 * API.md filters and cursor paging; it reads only the triggers active in its
 * range (the index's last activity) and writes nothing.
 */
import { describe, it, expect, inject, beforeAll } from "vitest";
import { env } from "cloudflare:workers";
import { call, uniq, until, triggerStub, inObject, KEYS } from "../helpers";
import { fire as pipelineFire } from "../../durable-objects/trigger/pipeline";
import { afterCommit } from "../../durable-objects/trigger/after-commit";

const port = inject("receiverPort");
const hook = (mode: string, tag: string) => `http://127.0.0.1:${port}/hook/${mode}/${tag}`;
const once = { maxAttempts: 1, initialBackoffSeconds: 1, maxBackoffSeconds: 1 };

type FeedFire = { trigger: string; eventId: string; seq: number; firedAt: number; status: string; skipReason: string | null; source: string | null; eventType: string | null; deliveries: { deliveryId: string; flow: string; status: string }[] };

const feed = async (query: string, key: string = KEYS.acme) => call("GET", `/v1/fires?${query}`, undefined, { key });
const order = (a: FeedFire, b: FeedFire) => b.firedAt - a.firedAt || (a.trigger < b.trigger ? -1 : a.trigger > b.trigger ? 1 : 0) || b.seq - a.seq;

/** Every page after `query`, following nextCursor. */
async function allPages(query: string): Promise<{ fires: FeedFire[]; pages: number }> {
  const fires: FeedFire[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r = await feed(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(r.status).toBe(200);
    fires.push(...r.body.fires);
    cursor = r.body.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { fires, pages };
}

const P = uniq("feed");
const A = `${P}.a`, B = `${P}.b`, C = `${P}.c`;
const fired: Record<string, string[]> = { [A]: [], [B]: [], [C]: [] };
let started = 0;

beforeAll(async () => {
  started = Date.now();
  expect((await call("PUT", `/v1/triggers/${A}`, { type: "event" })).status).toBe(201);
  expect((await call("PUT", `/v1/triggers/${A}/subscriptions/ok-flow`, { target: { type: "http", url: hook("ok", A) } })).status).toBe(201);
  expect((await call("PUT", `/v1/triggers/${A}/subscriptions/bad-flow`, { target: { type: "http", url: hook("bad-request", A) }, retry: once })).status).toBe(201);
  expect((await call("PUT", `/v1/triggers/${B}`, { type: "event", filter: { "data.keep": true } })).status).toBe(201);
  expect((await call("PUT", `/v1/triggers/${C}`, { type: "manual" })).status).toBe(201);
  expect((await call("PUT", `/v1/triggers/${C}/subscriptions/held`, { mode: "manual", target: { type: "http", url: hook("ok", C) } })).status).toBe(201);
  const plan: [string, unknown][] = [[A, { n: 1 }], [B, { keep: true }], [C, { n: 3 }], [B, { keep: false }], [A, { n: 5 }], [C, { n: 6 }], [B, { keep: true }]];
  for (const [name, data] of plan) {
    const r = await call("POST", `/v1/triggers/${name}/fire`, { data });
    expect(r.status).toBe(202);
    fired[name].push(r.body.eventId);
  }
  // both of A's fires settle: delivered to ok-flow, failed (400) to bad-flow
  await until(() => feed(`trigger=${A}&status=failed`), (r) => r.body.fires?.length === 2, 15_000);
});

describe("GET /v1/fires", () => {
  it("lists the fires of every trigger, newest first, in the contract's shape", async () => {
    const r = await feed(`trigger=${P}.`);
    expect(r.status).toBe(200);
    const fires = r.body.fires as FeedFire[];
    expect(fires.map((f) => f.eventId).sort()).toEqual(Object.values(fired).flat().sort());
    expect(fires).toEqual([...fires].sort(order));
    expect(r.body.nextCursor).toBeNull();
    const a = fires.find((f) => f.eventId === fired[A][0])!;
    expect(a).toEqual({
      trigger: A, eventId: fired[A][0], seq: expect.any(Number), firedAt: expect.any(Number), status: "accepted", skipReason: null, source: "api", eventType: null,
      deliveries: [{ deliveryId: expect.stringMatching(/^dlv_/), flow: "bad-flow", status: "failed" }, { deliveryId: expect.stringMatching(/^dlv_/), flow: "ok-flow", status: "delivered" }].sort((x, y) => (x.flow < y.flow ? -1 : 1)),
    });
    expect(Object.keys(a).sort()).toEqual(["deliveries", "eventId", "eventType", "firedAt", "seq", "skipReason", "source", "status", "trigger"]);
    const skipped = fires.find((f) => f.eventId === fired[B][1])!;
    expect(skipped).toMatchObject({ trigger: B, status: "skipped", skipReason: "filter", deliveries: [] });
    expect(fires.find((f) => f.eventId === fired[C][0])!.deliveries).toEqual([{ deliveryId: expect.any(String), flow: "held", status: "skipped" }]);
    expect(r.headers.get("x-signalbox-triggers-read")).toBe("3");
  });

  it("pages with nextCursor: every fire once, in the same order, then null", async () => {
    const one = (await feed(`trigger=${P}.&limit=200`)).body.fires as FeedFire[];
    for (const limit of [1, 2, 3]) {
      const { fires, pages } = await allPages(`trigger=${P}.&limit=${limit}`);
      expect(fires.map((f) => f.eventId)).toEqual(one.map((f) => f.eventId));
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(one.length / limit));
    }
  });

  it("filters by delivery status, flow, trigger prefix, eventType and time", async () => {
    const ids = async (q: string) => ((await feed(`trigger=${P}.&${q}`)).body.fires as FeedFire[]).map((f) => f.eventId).sort();
    expect(await ids("status=failed")).toEqual([...fired[A]].sort());
    expect(await ids("status=delivered&flow=ok-flow")).toEqual([...fired[A]].sort());
    expect(await ids("status=delivered&flow=bad-flow")).toEqual([]);
    expect(await ids("status=skipped")).toEqual([...fired[C]].sort());
    expect(await ids("flow=held")).toEqual([...fired[C]].sort());
    expect(await ids("status=dead")).toEqual([]);
    expect((await feed(`trigger=${B}`)).body.fires.map((f: FeedFire) => f.eventId).sort()).toEqual([...fired[B]].sort());
    expect(await ids("eventType=push")).toEqual([]);
    const all = (await feed(`trigger=${P}.&limit=200`)).body.fires as FeedFire[];
    const mid = all[3].firedAt;
    expect(await ids(`since=${mid}`)).toEqual(all.filter((f) => f.firedAt >= mid).map((f) => f.eventId).sort());
    expect(await ids(`until=${mid}`)).toEqual(all.filter((f) => f.firedAt <= mid).map((f) => f.eventId).sort());
    expect(await ids(`since=${Date.now() + 60_000}`)).toEqual([]);
  });

  it("filters by the stored eventType (webhook fires carry one)", async () => {
    const name = uniq("feed.typed");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
    // recorded through the one fire pipeline, as the webhook inbox does with a provider's event type
    await inObject(triggerStub("acme", name), async (o: any) => {
      for (const eventType of ["push", "issues"]) {
        const outcome = pipelineFire(o.core, { source: "webhook", data: { eventType }, meta: { eventType }, onSchemaFail: "skip" });
        await afterCommit(o.core, (p) => o.ctx.waitUntil(p), { fires: [outcome] });
      }
    });
    const r = await feed(`trigger=${name}&eventType=push`);
    expect(r.body.fires).toEqual([expect.objectContaining({ trigger: name, source: "webhook", eventType: "push" })]);
  });

  it("reads only the triggers active in the range, and writes nothing", async () => {
    const Q = uniq("feed.cost");
    const idle = Array.from({ length: 60 }, (_, i) => `${Q}.idle${String(i).padStart(2, "0")}`);
    for (const n of idle) expect((await call("PUT", `/v1/triggers/${n}`, { type: "event" })).status).toBe(201);
    // these have been idle for an hour, as far as the index knows
    await env.DB.prepare(`UPDATE triggers SET last_activity_at = ?, registered_at = ? WHERE tenant = 'acme' AND substr(name, 1, ?) = ?`).bind(Date.now() - 3_600_000, Date.now() - 3_600_000, Q.length + 5, `${Q}.idle`).run();
    const live = [`${Q}.live1`, `${Q}.live2`];
    for (const n of live) {
      expect((await call("PUT", `/v1/triggers/${n}`, { type: "event" })).status).toBe(201);
      for (let i = 0; i < 3; i++) expect((await call("POST", `/v1/triggers/${n}/fire`, { data: { i } })).status).toBe(202);
    }
    const writes = async () => Promise.all([...live, ...idle.slice(0, 3)].map((n) => inObject(triggerStub("acme", n), (o: any) => o.core.sql.rowsWritten)));
    const before = await writes();
    const since = await feed(`trigger=${Q}.&since=${Date.now() - 600_000}`);
    expect(since.body.fires).toHaveLength(6);
    expect(since.headers.get("x-signalbox-triggers-read")).toBe("2");
    // without since, reading stops once a full page is newer than the next trigger's last activity
    const newest = await feed(`trigger=${Q}.&limit=4`);
    expect(newest.body.fires).toHaveLength(4);
    expect(newest.body.nextCursor).not.toBeNull();
    expect(Number(newest.headers.get("x-signalbox-triggers-read"))).toBeLessThanOrEqual(25);
    expect(await writes()).toEqual(before);
    const rest = await allPages(`trigger=${Q}.&limit=4`);
    expect(rest.fires).toHaveLength(6);
  });

  it("a trigger whose scan budget runs out answers a shorter page with a cursor; following it finds the older match", async () => {
    const name = uniq("feed.deep");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/held`, { mode: "manual", target: { type: "http", url: hook("ok", name) } })).status).toBe(201);
    const old = (await call("POST", `/v1/triggers/${name}/fire`, { data: { old: true } })).body.eventId;
    expect((await call("DELETE", `/v1/triggers/${name}/subscriptions/held`)).status).toBe(200);
    await inObject(triggerStub("acme", name), (o: any) => {
      for (let i = 0; i < 6_000; i++) pipelineFire(o.core, { source: "api", data: { i }, onSchemaFail: "reject" });
    });
    const first = await feed(`trigger=${name}&status=skipped`);
    expect(first.status).toBe(200);
    expect(first.body.fires).toEqual([]);
    expect(first.body.nextCursor).not.toBeNull();
    const { fires, pages } = await allPages(`trigger=${name}&status=skipped`);
    expect(fires.map((x) => x.eventId)).toEqual([old]);
    expect(pages).toBe(2);
    // without a filter the newest come at once
    const newest = await feed(`trigger=${name}&limit=3`);
    expect(newest.body.fires.map((x: FeedFire) => x.seq)).toEqual([...newest.body.fires.map((x: FeedFire) => x.seq)].sort((x: number, y: number) => y - x));
    expect(newest.body.fires).toHaveLength(3);
  });

  it("answers 400 naming the parameter for bad input, 403 without the read scope, and nothing of another tenant", async () => {
    for (const [q, field] of [["limit=0", "limit"], ["limit=201", "limit"], ["status=lost", "status"], ["since=abc", "since"], ["since=10&until=5", "until"], ["cursor=nope", "cursor"], ["flow=-x", "flow"]]) {
      const r = await feed(q);
      expect(r.status, q).toBe(400);
      expect(r.body.error.message, q).toContain(`${field}:`);
    }
    expect((await feed("", "acme-fire")).status).toBe(403);
    expect((await feed("", "acme-read")).status).toBe(200);
    const globex = await feed(`trigger=${P}.`, KEYS.globex);
    expect(globex.status).toBe(200);
    expect(globex.body).toEqual({ fires: [], nextCursor: null });
    expect(started).toBeGreaterThan(0);
  });
});
