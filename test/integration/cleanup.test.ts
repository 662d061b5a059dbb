import { describe, it, expect, vi, afterEach, inject } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, runDurableObjectAlarm, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { cleanupAllTenants } from "../../src/maintenance/cleanup";
import { call, uniq, until, inObject, triggerStub, KEYS } from "../helpers";

const DAY = 86_400_000;
const CLEANUP = "/v1/maintenance/cleanup";
const db = (env as any).DB as D1Database;

/** Moves a trigger's past back by `ms`, in its object and in the D1 index alike (as if that time had passed). */
async function age(tenant: string, name: string, ms: number): Promise<void> {
  const stub = triggerStub(tenant, name);
  await runDurableObjectAlarm(stub); // whatever was due (stats, projection) lands before the clock moves
  await inObject(stub, (o: any) => {
    const sql = o.ctx.storage.sql;
    sql.exec(`UPDATE trigger SET registered_at = registered_at - ?1, updated_at = updated_at - ?1, last_activity_at = last_activity_at - ?1, retired_at = retired_at - ?1 WHERE id = 1`, ms);
    sql.exec(`UPDATE events SET ts = ts - ?`, ms);
    o.core.cachedRow = undefined;
  });
  await db
    .prepare(`UPDATE triggers SET registered_at = registered_at - ?1, last_activity_at = last_activity_at - ?1, retired_at = retired_at - ?1 WHERE tenant = ?2 AND name = ?3`)
    .bind(ms, tenant, name)
    .run();
}

const keyOf = (tenant: string) => (tenant === "globex" ? "globex-plain" : KEYS.acme);

async function register(tenant: string, name: string, def: Record<string, unknown> = { type: "event" }) {
  const r = await call("PUT", `/v1/triggers/${name}`, def, { key: keyOf(tenant) });
  expect(r.status).toBe(201);
  return r.body;
}

/** A trigger with no activity for `days` days. */
async function idle(tenant: string, name: string, days: number, def?: Record<string, unknown>) {
  await register(tenant, name, def);
  await age(tenant, name, days * DAY);
}

/** A trigger retired `days` days ago. */
async function retiredFor(tenant: string, name: string, days: number, def?: Record<string, unknown>) {
  await register(tenant, name, def);
  expect((await call("POST", `/v1/triggers/${name}/retire`, { reason: "done" }, { key: keyOf(tenant) })).status).toBe(200);
  await age(tenant, name, days * DAY);
}

/** Everything an object holds: every table's rows and its alarm. */
async function objectState(tenant: string, name: string) {
  return inObject(triggerStub(tenant, name), async (o: any) => {
    const sql = o.ctx.storage.sql;
    const tables = [...sql.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name`)].map((r: any) => r.name as string);
    const rows = Object.fromEntries(tables.map((t) => [t, [...sql.exec(`SELECT * FROM "${t}"`)]]));
    return { tables, rows, alarm: await o.ctx.storage.getAlarm() };
  });
}

async function d1State(tenant: string) {
  const q = async (sql: string) => (await db.prepare(sql).bind(tenant).all()).results;
  return {
    triggers: await q(`SELECT * FROM triggers WHERE tenant = ? ORDER BY name`),
    subscriptions: await q(`SELECT * FROM subscriptions WHERE tenant = ? ORDER BY trigger_name, flow`),
    paths: await q(`SELECT * FROM webhook_paths WHERE tenant = ? ORDER BY path`),
  };
}

const cleanup = (body?: unknown, key: string = KEYS.acme) => call("POST", CLEANUP, body, { key });
const names = (items: { name: string }[]) => items.map((i) => i.name);
const hookPath = (name: string) => name.replace(/[^a-z0-9.-]/g, "-").toLowerCase();

afterEach(() => vi.restoreAllMocks());

describe("POST /v1/maintenance/cleanup", () => {
  it("a dry run answers what it would do and writes nothing, in D1 or in any object", async () => {
    const idleName = uniq("dry.idle");
    const oldName = uniq("dry.old");
    await idle("acme", idleName, 40);
    await retiredFor("acme", oldName, 100, { type: "webhook", webhook: { path: hookPath(oldName), auth: { type: "none" } } });
    const before = { d1: await d1State("acme"), a: await objectState("acme", idleName), b: await objectState("acme", oldName) };

    const r = await cleanup({ dryRun: true });
    expect(r.status).toBe(200);
    expect(r.body.dryRun).toBe(true);
    expect(r.body.more).toBe(false);
    const idleItem = r.body.retired.find((i: any) => i.name === idleName);
    expect(idleItem.lastActivityAt).toBeLessThan(Date.now() - 39 * DAY);
    const oldItem = r.body.deleted.find((i: any) => i.name === oldName);
    expect(oldItem.retiredAt).toBeLessThan(Date.now() - 99 * DAY);
    expect(names(r.body.retired)).not.toContain(oldName);

    const after = { d1: await d1State("acme"), a: await objectState("acme", idleName), b: await objectState("acme", oldName) };
    expect(after).toEqual(before);
    expect((await call("GET", `/v1/triggers/${idleName}`)).body.status).toBe("active");
    expect((await call("GET", `/v1/triggers/${oldName}`)).status).toBe(200);
  });

  it("retires an active trigger idle for retireAfterDays, with the reason and a trigger.retired event", async () => {
    const stale = uniq("ret.stale");
    const fresh = uniq("ret.fresh");
    await idle("acme", stale, 31);
    await idle("acme", fresh, 29);
    const r = await cleanup({ retireAfterDays: 30, deleteStreamsAfterDays: 90 });
    expect(r.status).toBe(200);
    expect(r.body.dryRun).toBe(false);
    expect(names(r.body.retired)).toContain(stale);
    expect(names(r.body.retired)).not.toContain(fresh);

    const got = await call("GET", `/v1/triggers/${stale}`);
    expect(got.body).toMatchObject({ status: "retired", retiredReason: "inactive for 30 days" });
    const ev = await call("GET", `/v1/triggers/${stale}/events`);
    const retired = ev.body.events.find((e: any) => e.type === "trigger.retired");
    expect(retired.data.reason).toBe("inactive for 30 days");
    expect((await call("GET", `/v1/triggers/${fresh}`)).body.status).toBe("active");
    const listed = await call("GET", `/v1/triggers?q=${stale}&status=retired`);
    expect(names(listed.body.triggers)).toEqual([stale]);

    // retired by this run, so not deleted by it even with 0 days; and a second run finds nothing more to retire
    const again = await cleanup({ retireAfterDays: 30, deleteStreamsAfterDays: 90 });
    expect(names(again.body.retired)).not.toContain(stale);
  });

  it("retireAfterDays 0 retires any idle trigger now", async () => {
    const name = uniq("ret.zero");
    await register("globex", name);
    const r = await cleanup({ retireAfterDays: 0, deleteStreamsAfterDays: 3650 }, "globex-plain");
    expect(names(r.body.retired)).toContain(name);
    expect((await call("GET", `/v1/triggers/${name}`, undefined, { key: "globex-plain" })).body.retiredReason).toBe("inactive for 0 days");
  });

  it("a trigger with any subscription, pull included, is not retired (the object decides, whatever D1 says)", async () => {
    const pulled = uniq("sub.pull");
    const pushed = uniq("sub.http");
    await register("acme", pulled);
    await register("acme", pushed);
    expect((await call("PUT", `/v1/triggers/${pulled}/subscriptions/reader`, { target: { type: "pull" } })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${pushed}/subscriptions/billing`, { target: { type: "http", url: "https://flow.example.com/hook" } })).status).toBe(201);
    await age("acme", pulled, 400 * DAY);
    await age("acme", pushed, 400 * DAY);

    const r = await cleanup({ retireAfterDays: 0 });
    expect(names(r.body.retired)).not.toContain(pulled);
    expect(names(r.body.retired)).not.toContain(pushed);
    // as if D1 lagged and still showed no subscription: the object refuses on its own
    expect(await triggerStub("acme", pulled).retireIfInactive(Date.now(), 0, false)).toBeNull();
    expect((await call("GET", `/v1/triggers/${pulled}`)).body.status).toBe("active");
    expect((await call("GET", `/v1/triggers/${pushed}`)).body.status).toBe("active");
  });

  it("deletes a trigger retired longer than deleteStreamsAfterDays: 404, rows and path gone, storage empty, name and path registrable again", async () => {
    const name = uniq("del");
    const path = hookPath(name);
    await register("acme", name, { type: "webhook", webhook: { path, auth: { type: "none" } } });
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/reader`, { target: { type: "pull" } })).status).toBe(201);
    expect((await call("POST", `/v1/triggers/${name}/retire`)).status).toBe(200);
    await age("acme", name, 91 * DAY);
    const retiredAt = (await call("GET", `/v1/triggers/${name}`)).body.retiredAt;

    const r = await cleanup({});
    expect(r.status).toBe(200);
    expect(r.body.deleted).toContainEqual({ name, retiredAt });

    expect((await call("GET", `/v1/triggers/${name}`)).status).toBe(404);
    const d1 = await d1State("acme");
    expect(d1.triggers.filter((t: any) => t.name === name)).toEqual([]);
    expect(d1.subscriptions.filter((s: any) => s.trigger_name === name)).toEqual([]);
    expect(d1.paths.filter((p: any) => p.path === path || p.trigger_name === name)).toEqual([]);
    const state = await objectState("acme", name);
    expect(state).toEqual({ tables: [], rows: {}, alarm: null });
    expect(names((await call("GET", `/v1/triggers?q=${name}`)).body.triggers)).toEqual([]);

    // the path is free for another trigger, and the name starts over from version 1
    const other = uniq("del.other");
    expect((await call("PUT", `/v1/triggers/${other}`, { type: "webhook", webhook: { path, auth: { type: "none" } } })).status).toBe(201);
    const again = await call("PUT", `/v1/triggers/${name}`, { type: "manual" });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ version: 1, status: "active", type: "manual", subscriptions: {} });
    const ev = await call("GET", `/v1/triggers/${name}/events`);
    expect(ev.body.events.map((e: any) => e.type)).toEqual(["trigger.registered"]);
    expect((await call("GET", `/v1/triggers?q=${name}`)).body.triggers).toMatchObject([{ name, version: 1, status: "active", type: "manual" }]);
  });

  it("a trigger deleted and registered again delivers: the consumer's cached targets of the old registration do not answer for it", async () => {
    const name = uniq("rereg");
    const hook = `http://127.0.0.1:${inject("receiverPort")}/hook/ok/${name}`;
    const received = async () => ((await (await fetch(`http://127.0.0.1:${inject("receiverPort")}/log?contains=${name}`)).json()) as unknown[]).length;
    await register("acme", name);
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: { type: "http", url: hook } })).status).toBe(201);
    await call("POST", `/v1/triggers/${name}/fire`, { data: {} });
    await until(received, (n) => n === 1);
    const retired = await call("POST", `/v1/triggers/${name}/retire`);
    // the consumer learns the retired targets (version 3) from a message handed after the retirement
    const batch = createMessageBatch("signalbox-deliveries", [{ id: "r1", timestamp: new Date(), attempts: 1, body: { t: "acme", n: name, d: "dlv_eA.1.9.aaaaaa", a: 1, f: "f", v: retired.body.version, g: retired.body.registeredAt, b: {} } }]);
    await worker.queue(batch as any, env as any);
    await age("acme", name, 91 * DAY);
    expect((await cleanup({})).body.deleted.map((d: any) => d.name)).toContain(name);
    await register("acme", name);
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: { type: "http", url: hook } })).status).toBe(201);
    const f = (await call("POST", `/v1/triggers/${name}/fire`, { data: {} })).body;
    const done = await until(async () => (await call("GET", `/v1/triggers/${name}/fires/${f.eventId}`)).body, (x: any) => x.deliveries[0].status !== "queued" && x.deliveries[0].status !== "delivering");
    expect(done.deliveries[0]).toMatchObject({ status: "delivered" });
    expect(await received()).toBe(2);
  });

  it("bounded work: `limit` caps one call, `more` says to call again, and the next calls finish", async () => {
    const prefix = uniq("bound");
    const mine = [0, 1, 2, 3, 4].map((i) => `${prefix}.${i}`);
    for (const n of mine) await idle("globex", n, 60);
    const first = await cleanup({ limit: 2 }, "globex-plain");
    expect(first.status).toBe(200);
    expect(first.body.retired.length + first.body.deleted.length).toBeLessThanOrEqual(2);
    expect(first.body.more).toBe(true);
    const seen = new Set<string>(names(first.body.retired));
    let more = first.body.more;
    for (let i = 0; i < 10 && more; i++) {
      const r = await cleanup({ limit: 2 }, "globex-plain");
      expect(r.body.retired.length + r.body.deleted.length).toBeLessThanOrEqual(2);
      names(r.body.retired).forEach((n) => seen.add(n));
      more = r.body.more;
    }
    expect(more).toBe(false);
    for (const n of mine) expect(seen.has(n)).toBe(true);
  });

  it("finishes a deletion a crash interrupted, from the alarm", async () => {
    const name = uniq("crash");
    await retiredFor("acme", name, 100);
    const stub = triggerStub("acme", name);
    await inObject(stub, async (o: any) => {
      o.ctx.storage.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('purging', ?)`, JSON.stringify({ at: Date.now() }));
      o.core.invalidate();
      await o.ctx.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await objectState("acme", name)).toEqual({ tables: [], rows: {}, alarm: null });
    expect((await d1State("acme")).triggers.filter((t: any) => t.name === name)).toEqual([]);
    expect((await call("GET", `/v1/triggers/${name}`)).status).toBe(404);
  });

  it("drops a stale index row whose object holds nothing, without reporting it or creating storage", async () => {
    const name = uniq("stale");
    const old = Date.now() - 200 * DAY;
    await db
      .prepare(`INSERT INTO triggers (tenant, name, type, status, registered_at, last_activity_at, version, retired_at) VALUES ('acme', ?, 'event', 'retired', ?, ?, 3, ?)`)
      .bind(name, old, old, old)
      .run();
    const r = await cleanup({});
    expect(names(r.body.deleted)).not.toContain(name);
    expect((await d1State("acme")).triggers.filter((t: any) => t.name === name)).toEqual([]);
    expect((await objectState("acme", name)).tables).toEqual([]);
  });

  it("validates the body: day counts 0-3650 (integers), unknown fields, the write scope; the body is optional", async () => {
    for (const body of [{ retireAfterDays: 3651 }, { deleteStreamsAfterDays: -1 }, { retireAfterDays: 1.5 }, { retireAfterDays: "30" }, { dryRun: "yes" }, { limit: 0 }, { extra: 1 }]) {
      const r = await cleanup(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe("invalid_request");
    }
    expect((await cleanup({ dryRun: true, retireAfterDays: 3650, deleteStreamsAfterDays: 0 })).status).toBe(200);
    expect((await cleanup({ dryRun: true }, KEYS.acmeRead)).status).toBe(403);
    expect((await cleanup(undefined, null as any)).status).toBe(401);
    const bare = await cleanup();
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({ dryRun: false, more: false });
  });
});

describe("the daily cron", () => {
  it("cleans every tenant with the defaults, one log line per tenant without secrets", async () => {
    const a = uniq("cron.acme");
    const g = uniq("cron.globex");
    const recent = uniq("cron.recent");
    await idle("acme", a, 45);
    await idle("globex", g, 45);
    await idle("acme", recent, 10);
    const logs: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void logs.push(String(line)));

    const ctx = createExecutionContext();
    await worker.scheduled!({ cron: "17 3 * * *", scheduledTime: Date.now(), noRetry() {} } as any, env as any, ctx);
    await waitOnExecutionContext(ctx);

    expect((await call("GET", `/v1/triggers/${a}`)).body).toMatchObject({ status: "retired", retiredReason: "inactive for 30 days" });
    expect((await call("GET", `/v1/triggers/${g}`, undefined, { key: "globex-plain" })).body).toMatchObject({ status: "retired", retiredReason: "inactive for 30 days" });
    expect((await call("GET", `/v1/triggers/${recent}`)).body.status).toBe("active");
    const lines = logs.map((l) => JSON.parse(l)).filter((l) => l.msg === "cleanup");
    expect(lines.map((l) => l.tenant).sort()).toEqual(expect.arrayContaining(["acme", "globex"]));
    for (const l of lines) expect(Object.keys(l).sort()).toEqual(["deleted", "dryRun", "more", "msg", "retired", "tenant"]);
    expect(logs.join("\n")).not.toMatch(/acme-key|globex-plain|globex-key/);
  });

  it("a run that runs out of budget leaves its place, and the next run starts there", async () => {
    const a = uniq("turn.acme");
    const g = uniq("turn.globex");
    await idle("acme", a, 45);
    await idle("globex", g, 45);
    vi.spyOn(console, "log").mockImplementation(() => {});
    const runs: { more: boolean }[] = [];
    for (let i = 0; i < 20; i++) {
      runs.push(await cleanupAllTenants(env as any, Date.now(), { budget: 1, maxTenants: 1 }));
      const [x, y] = [await call("GET", `/v1/triggers/${a}`), await call("GET", `/v1/triggers/${g}`, undefined, { key: "globex-plain" })];
      if (x.body.status === "retired" && y.body.status === "retired") break;
    }
    // each run visits one tenant only: without the recorded place every run would start (and stop) with the same one
    expect(runs.every((r) => r.more)).toBe(true);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect((await call("GET", `/v1/triggers/${a}`)).body.status).toBe("retired");
    expect((await call("GET", `/v1/triggers/${g}`, undefined, { key: "globex-plain" })).body.status).toBe("retired");
    expect(await cleanupAllTenants(env as any, Date.now())).toMatchObject({ more: false });
  });
});

describe("deleting a poll trigger", () => {
  const base = `http://127.0.0.1:${inject("receiverPort")}`;

  it("leaves its poll group even when the group still lists it", async () => {
    const id = uniq("p");
    const [a, b] = [uniq("poll.a"), uniq("poll.b")];
    await fetch(`${base}/provider/${id}/script`, { method: "POST", body: JSON.stringify({ items: [] }) });
    for (const n of [a, b]) await register("acme", n, { type: "poll", poll: { url: `${base}/provider/${id}`, every: "5s", itemsPointer: "/items" } });
    const v = (await call("GET", `/v1/triggers/${a}`)).body;
    const group = (env as any).POLL_GROUPS.get((env as any).POLL_GROUPS.idFromName(`acme:poll:${v.poll.state.group}`));
    const members = async () => ((await group.inspect()).members as string[]).sort();
    expect(await until(members, (m) => m.length === 2)).toEqual([a, b].sort());
    // retired long ago without its group hearing of it (as if the leave were still in its outbox)
    const old = Date.now() - 100 * DAY;
    await inObject(triggerStub("acme", a), (o: any) => {
      o.ctx.storage.sql.exec(`UPDATE trigger SET status = 'retired', retired_at = ?, retired_reason = 'x' WHERE id = 1`, old);
      o.core.cachedRow = undefined;
    });
    await db.prepare(`UPDATE triggers SET status = 'retired', retired_at = ? WHERE tenant = 'acme' AND name = ?`).bind(old, a).run();

    const r = await cleanup({});
    expect(names(r.body.deleted)).toContain(a);
    expect(await members()).toEqual([b]);
    expect((await call("GET", `/v1/triggers/${a}`)).status).toBe(404);
  });
});
