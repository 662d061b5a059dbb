/**
 * Poll triggers: one poll per group and period, fanned out to every trigger
 * of the group with its own filter and transform; a baseline first poll;
 * exactly-once items across repeated polls, crashes and races; backoff on
 * 408/429/5xx (Retry-After honoured), pause on other 4xx until an update;
 * limits; joining, leaving and orphan removal. The source is the scriptable
 * provider in test/lib/poll-provider.mjs.
 */
import { describe, it, expect, inject } from "vitest";
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, uniq, until, inObject, triggerStub } from "../helpers";
import { pollOnce } from "../../durable-objects/poll/poll";

const port = inject("receiverPort");
const base = `http://127.0.0.1:${port}`;

const src = (id: string) => `${base}/provider/${id}`;
const script = (id: string, body: unknown) => fetch(`${base}/provider/${id}/script`, { method: "POST", body: JSON.stringify(body) });
const requests = async (id: string) => (await (await fetch(`${base}/provider/${id}/requests`)).json()) as { query: Record<string, string>; headers: Record<string, string>; at: number }[];

/** The trigger's stream events of some types, all of them (paged). */
async function streamOf(name: string, types: string): Promise<any[]> {
  const out: any[] = [];
  for (let after = 0; ; ) {
    const page = ((await call("GET", `/v1/triggers/${name}/events?limit=500&after=${after}&types=${types}`)).body.events ?? []) as any[];
    out.push(...page);
    if (page.length < 500) return out;
    after = page[page.length - 1].seq;
  }
}
const fired = (name: string) => streamOf(name, "trigger.fired");

async function register(name: string, poll: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const r = await call("PUT", `/v1/triggers/${name}`, { type: "poll", poll: { every: "5s", itemsPointer: "/items", ...poll }, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}

async function groupOf(name: string): Promise<any> {
  const v = (await call("GET", `/v1/triggers/${name}`)).body;
  return env.POLL_GROUPS.get(env.POLL_GROUPS.idFromName(`acme:poll:${v.poll.state.group}`));
}

const inspect = (g: any) => g.inspect();

/** Makes the group's next poll due now and runs its alarm (the poll, then the fan-out). */
async function pollNow(g: any): Promise<void> {
  await inObject(g, (o: any) => {
    const st = o.core.state();
    if (st && st.nextAt !== null) o.core.tx(() => o.core.saveState({ ...st, nextAt: Date.now() }));
  });
  await runDurableObjectAlarm(g);
}

/** Waits for the group's first poll (a new group polls within a second of the registration). */
async function baseline(g: any) {
  const i = await until(() => inspect(g), (x: any) => x.state?.polls >= 1, 5000);
  expect(i.state.polls).toBeGreaterThanOrEqual(1);
}

describe("poll triggers: items", () => {
  it("a new group polls at once; the first poll is a baseline; new items fire once each with source poll", async () => {
    const id = uniq("p"), name = uniq("poll");
    await script(id, { items: [{ id: 1, v: "a" }, { id: 2, v: "b" }] });
    const t0 = Date.now();
    await register(name, { url: src(id) });
    const g = await groupOf(name);
    await baseline(g);
    const first = (await requests(id))[0];
    expect(first.at - t0).toBeLessThan(1500);
    expect(await fired(name)).toHaveLength(0);

    await script(id, { append: [{ id: 3, v: "c" }] });
    await pollNow(g);
    await pollNow(g);
    const evs = await fired(name);
    expect(evs).toHaveLength(1);
    expect(evs[0].data).toMatchObject({ source: "poll", payload: { id: 3, v: "c" } });
    expect(evs[0].id).toMatch(/^pol_[0-9a-f]{16}_[0-9a-f]{16}$/);
    const f = await call("GET", `/v1/triggers/${name}/fires/${evs[0].id}`);
    expect(f.status).toBe(200);

    const v = (await call("GET", `/v1/triggers/${name}`)).body;
    expect(v.poll.state).toMatchObject({ lastStatus: 200, consecutiveFailures: 0, paused: false, group: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(v.poll.state.lastPolledAt).toBeGreaterThan(t0);
    expect(v.stats.totalFires).toBe(1);
  });

  it('startFrom "beginning" fires what the first poll sees; an answer that is the array itself works with itemsPointer ""', async () => {
    const id = uniq("p"), name = uniq("poll");
    await script(id, { items: [{ id: "x" }, { id: "y" }], wrap: "none" });
    await register(name, { url: src(id), itemsPointer: "", startFrom: "beginning" });
    const g = await groupOf(name);
    await baseline(g);
    await pollNow(g);
    expect((await fired(name)).map((e) => e.data.payload.id).sort()).toEqual(["x", "y"]);
  });

  it("a group of triggers is polled once per period and each trigger applies its own filter and transform", async () => {
    const id = uniq("p");
    const names = [uniq("pa"), uniq("pb"), uniq("pc")];
    await script(id, { items: [] });
    await register(names[0], { url: src(id) }, { filter: { "data.kind": "order" } });
    await register(names[1], { url: src(id) }, { transform: { pick: { orderId: "/id", total: "/amount" } } });
    await register(names[2], { url: src(id), every: "1m" });
    const g = await groupOf(names[0]);
    expect((await inspect(g)).members.sort()).toEqual([...names].sort());
    expect((await groupOf(names[2])).id.toString()).toBe(g.id.toString());
    await baseline(g);
    const before = (await requests(id)).length;
    await script(id, { append: [{ id: "o1", kind: "order", amount: 5 }, { id: "r1", kind: "refund", amount: 2 }] });
    await pollNow(g);
    expect((await requests(id)).length).toBe(before + 1);

    expect((await fired(names[0])).map((e) => e.data.payload.id)).toEqual(["o1"]);
    expect((await fired(names[1])).map((e) => e.data.payload)).toEqual([{ orderId: "o1", total: 5 }, { orderId: "r1", total: 2 }]);
    expect(await fired(names[2])).toHaveLength(2);
    // the filtered item is counted, not written
    expect(await streamOf(names[0], "trigger.skipped")).toHaveLength(0);
    await until(async () => (await call("GET", `/v1/triggers/${names[0]}`)).body.stats.skipped, (n) => n === 1, 7000);
    expect((await call("GET", `/v1/triggers/${names[0]}`)).body.stats.skipped).toBe(1);
    // the group polls at its shortest period (5 s, not 1 m): the first slot of its 5 s grid at least a period
    // after this poll (which pollNow ran between two slots)
    const st = (await inspect(g)).state;
    expect(st.nextAt - st.lastPoll.dueAt).toBeGreaterThanOrEqual(5000);
    expect(st.nextAt - st.lastPoll.dueAt).toBeLessThan(10_000);
  });

  it("a poll fire is delivered to the trigger's subscribers like any fire (signed, source poll, the transformed item)", async () => {
    const id = uniq("p"), name = uniq("pd");
    await script(id, { items: [] });
    await register(name, { url: src(id) }, { transform: { pick: { order: "/id" } } });
    const sub = await call("PUT", `/v1/triggers/${name}/subscriptions/fulfil`, { target: { type: "http", url: `${base}/hook/ok/${name}`, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } });
    expect(sub.status).toBe(201);
    const g = await groupOf(name);
    await baseline(g);
    await script(id, { append: [{ id: "o9" }] });
    await pollNow(g);
    const [ev] = await fired(name);
    const f = await until(async () => (await call("GET", `/v1/triggers/${name}/fires/${ev.id}`)).body, (x: any) => x.deliveries?.[0]?.status === "delivered", 8000);
    expect(f.deliveries[0]).toMatchObject({ flow: "fulfil", status: "delivered", attempts: 1 });
    const reqs = (await (await fetch(`${base}/log?contains=${encodeURIComponent(name)}`)).json()) as { body: string }[];
    expect(reqs).toHaveLength(1);
    expect(JSON.parse(reqs[0].body)).toMatchObject({ type: "trigger.fired", eventId: ev.id, trigger: name, flow: "fulfil", source: "poll", data: { order: "o9" } });
  });

  it("a trigger that joins an existing group starts from the group's current point", async () => {
    const id = uniq("p"), a = uniq("pa"), b = uniq("pb");
    await script(id, { items: [{ id: 1 }] });
    await register(a, { url: src(id) });
    const g = await groupOf(a);
    await baseline(g);
    await script(id, { append: [{ id: 2 }] });
    await pollNow(g);
    await register(b, { url: src(id), startFrom: "beginning" });
    await script(id, { append: [{ id: 3 }] });
    await pollNow(g);
    expect((await fired(a)).map((e) => e.data.payload.id)).toEqual([2, 3]);
    expect((await fired(b)).map((e) => e.data.payload.id)).toEqual([3]);
  });

  it("with a cursor, each poll sends the stored cursor and reads at most 1,000 items; the rest come next time", async () => {
    const id = uniq("p"), name = uniq("poll");
    const items = Array.from({ length: 1500 }, (_, i) => ({ id: `i${i + 1}`, seq: i + 1 }));
    await script(id, { items, cursor: { param: "since", pageSize: 2000 } });
    await register(name, { url: src(id), startFrom: "beginning", cursor: { param: "since", fromPointer: "/next" } });
    const g = await groupOf(name);
    await baseline(g);
    // 1,500 on the page: the first 1,000 are read; the cursor the answer gives is 1500, so a cursor source is paged by its own size
    expect(await fired(name)).toHaveLength(1000);
    const reqs = await requests(id);
    expect(reqs[0].query.since).toBeUndefined();
    await script(id, { append: [{ id: "i1501", seq: 1501 }] });
    await pollNow(g);
    const after = await requests(id);
    expect(after[after.length - 1].query.since).toBe("1500");
    expect((await fired(name)).map((e) => e.data.payload.id)).toContain("i1501");
    expect((await inspect(g)).state.cursor).toBe("1501");
  });

  it("items without a usable id are recorded once as skipped (invalid_item), never dropped in silence", async () => {
    const id = uniq("p"), name = uniq("poll");
    await script(id, { items: [] });
    await register(name, { url: src(id) });
    const g = await groupOf(name);
    await baseline(g);
    await script(id, { items: [{ noId: true }, { id: 9 }] });
    await pollNow(g);
    await pollNow(g);
    const skipped = await streamOf(name, "trigger.skipped");
    expect(skipped).toHaveLength(1);
    expect(skipped[0].data).toMatchObject({ skipReason: "invalid_item", payload: { noId: true } });
    expect(String(skipped[0].data.details)).toContain("no id");
    expect(await fired(name)).toHaveLength(1);
  });
});

describe("poll triggers: exactly once", () => {
  it("a crash between the poll and its commit loses nothing and fires nothing twice", async () => {
    const id = uniq("p"), name = uniq("poll");
    await script(id, { items: [], cursor: { param: "since", pageSize: 100 } });
    await register(name, { url: src(id), cursor: { param: "since", fromPointer: "/next" } });
    const g = await groupOf(name);
    await baseline(g);
    await script(id, { items: [{ id: "a", seq: 1 }, { id: "b", seq: 2 }] });
    // the commit fails (as if the object died after the answer came back)
    await inObject(g, async (o: any) => {
      const save = o.core.saveState.bind(o.core);
      o.core.saveState = () => {
        o.core.saveState = save;
        throw new Error("crash before commit");
      };
      await expect(pollOnce(o.core)).rejects.toThrow("crash before commit");
      expect(o.core.state().cursor).toBe("0");
      expect(await o.inspect().then((i: any) => i.pendingFanOut)).toBe(0);
    });
    await pollNow(g);
    await pollNow(g);
    expect((await fired(name)).map((e) => e.data.payload.id)).toEqual(["a", "b"]);
    expect((await inspect(g)).state.cursor).toBe("2");
  });

  it("a crash after the commit (fan-out not sent) is finished by the alarm; a repeated fan-out fires nothing", async () => {
    const id = uniq("p"), name = uniq("poll");
    await script(id, { items: [] });
    await register(name, { url: src(id) });
    const g = await groupOf(name);
    await baseline(g);
    await script(id, { items: [{ id: "n1" }, { id: "n2" }] });
    // the members cannot be reached: the items wait in the fan-out outbox
    await inObject(g, (o: any) => {
      o.__env = o.core.env;
      o.core.env = { ...o.core.env, TRIGGERS: { idFromName: () => ({}), get: () => ({ pollFanOut: async () => { throw new Error("unreachable"); } }) } };
    });
    await pollNow(g);
    expect(await fired(name)).toHaveLength(0);
    const i = await inspect(g);
    expect(i.pendingFanOut).toBe(1);
    expect(i.state.cursor).toBeNull();
    await inObject(g, (o: any) => { o.core.env = o.__env; });
    await inObject(g, (o: any) => o.core.sql.run(`UPDATE fanout SET next_at = 0`));
    await runDurableObjectAlarm(g);
    expect((await fired(name)).map((e) => e.data.payload.id)).toEqual(["n1", "n2"]);
    expect((await inspect(g)).pendingFanOut).toBe(0);
    // the same fan-out again (a repeat after a lost answer): deduplicated
    const again = await triggerStub("acme", name).pollFanOut({ group: i.state.key, ref: "x.1", items: [{ id: "n1", item: { id: "n1" } }] });
    expect(again).toMatchObject({ member: true, fired: 0, deduplicated: 1 });
    expect(await fired(name)).toHaveLength(2);
  });

  it("two polls racing fire each item once", async () => {
    const id = uniq("p"), a = uniq("pa"), b = uniq("pb");
    await script(id, { items: [] });
    await register(a, { url: src(id) });
    await register(b, { url: src(id) });
    const g = await groupOf(a);
    await baseline(g);
    await script(id, { items: Array.from({ length: 50 }, (_, i) => ({ id: i })) });
    await inObject(g, (o: any) => Promise.all([pollOnce(o.core), pollOnce(o.core), pollOnce(o.core)]));
    await inObject(g, (o: any) => o.core.sql.run(`UPDATE fanout SET next_at = 0`));
    await runDurableObjectAlarm(g);
    expect(await fired(a)).toHaveLength(50);
    expect(await fired(b)).toHaveLength(50);
  });

  it("keeps at least the last 10,000 ids and renumbers ids still on the page before they would age out", async () => {
    const id = uniq("p"), name = uniq("poll");
    await script(id, { items: [] });
    await register(name, { url: src(id) });
    const g = await groupOf(name);
    await baseline(g);
    const { markSeen, seenAmong } = await import("../../durable-objects/poll/seen");
    const r = await inObject(g, (o: any) => {
      const st = structuredClone(o.core.state());
      o.core.tx(() => {
        markSeen(o.core, st, ["keep"], new Map(), 10);
        for (let i = 0; i < 30; i++) markSeen(o.core, st, [`n${i}`], seenAmong(o.core, ["keep"]), 10);
      });
      return { keep: seenAmong(o.core, ["keep", "n0", "n29"]), count: o.core.sql.one(`SELECT count(*) AS c FROM seen`).c };
    });
    expect([...r.keep.keys()].sort()).toEqual(["keep", "n29"]);
    expect(r.count).toBeLessThanOrEqual(10);
  });
});

describe("poll triggers: provider failures", () => {
  it("429 with Retry-After backs off at least that long; each failure is poll.failed on every trigger; the first success is poll.recovered", async () => {
    const id = uniq("p"), a = uniq("pa"), b = uniq("pb");
    await script(id, { items: [] });
    await register(a, { url: src(id) });
    await register(b, { url: src(id) });
    const g = await groupOf(a);
    await baseline(g);
    await script(id, { once: [{ status: 429, retryAfter: 30 }, { status: 503 }] });
    const t = Date.now();
    await pollNow(g);
    let st = (await inspect(g)).state;
    expect(st.poll).toMatchObject({ lastStatus: 429, consecutiveFailures: 1, paused: false });
    expect(st.nextAt - t).toBeGreaterThanOrEqual(29_000);
    await pollNow(g);
    st = (await inspect(g)).state;
    expect(st.poll.consecutiveFailures).toBe(2);
    expect(st.nextAt - Date.now()).toBeGreaterThanOrEqual(5000 - 100);
    await pollNow(g);
    for (const n of [a, b]) {
      const evs = await streamOf(n, "poll.failed,poll.recovered");
      expect(evs.map((e) => [e.type, e.data.status, e.data.attempt])).toEqual([["poll.failed", 429, 1], ["poll.failed", 503, 2], ["poll.recovered", 200, 3]]);
      expect(evs[0].data.error).toBe("HTTP 429");
    }
    const v = (await call("GET", `/v1/triggers/${a}`)).body;
    expect(v.poll.state).toMatchObject({ lastStatus: 200, lastError: null, consecutiveFailures: 0 });
    await until(async () => (await call("GET", `/v1/triggers/${a}/stats`)).body, () => true);
  });

  it("timeouts, network errors, oversized and unreadable answers are retried failures with a clear error", async () => {
    const id = uniq("p"), name = uniq("poll");
    await script(id, { items: [] });
    await register(name, { url: src(id), timeoutMs: 300 });
    const g = await groupOf(name);
    await baseline(g);
    await script(id, { once: [{ status: 200, delayMs: 800, body: { items: [] } }] });
    await pollNow(g);
    await script(id, { bigBytes: 1_200_000 });
    await pollNow(g);
    await script(id, { bigBytes: 0, raw: "<html>" });
    await pollNow(g);
    await script(id, { raw: null, items: { not: "a list" } });
    await pollNow(g);
    const evs = await streamOf(name, "poll.failed");
    expect(evs.map((e) => e.data.error)).toEqual([
      "timed out after 300 ms",
      expect.stringContaining("more than the 1048576"),
      "the answer is not JSON",
      expect.stringContaining("not an array"),
    ]);
    expect(evs[0].data.status).toBeNull();
    expect((await inspect(g)).state.poll).toMatchObject({ consecutiveFailures: 4, paused: false });
  });

  it("a network error is a failure with status null and no URL in the error", async () => {
    const name = uniq("poll");
    await register(name, { url: `http://127.0.0.1:1/closed?token=s3cret` });
    const g = await groupOf(name);
    await baseline(g);
    const evs = await streamOf(name, "poll.failed");
    expect(evs[0].data.status).toBeNull();
    expect(evs[0].data.error).toMatch(/^network error/);
    expect(JSON.stringify(evs)).not.toContain("s3cret");
    // the trigger's own view says why lastStatus is null, not only the stream and the log
    const state = (await call("GET", `/v1/triggers/${name}`)).body.poll.state;
    expect(state).toMatchObject({ lastStatus: null, lastError: evs[0].data.error, consecutiveFailures: 1 });
  });

  it("another 4xx pauses the group until the trigger is updated", async () => {
    const id = uniq("p"), name = uniq("poll");
    await script(id, { items: [] });
    await register(name, { url: src(id) });
    const g = await groupOf(name);
    await baseline(g);
    await script(id, { status: 401 });
    await pollNow(g);
    const i = await inspect(g);
    expect(i.state.poll).toMatchObject({ paused: true, lastStatus: 401 });
    expect(i.state.nextAt).toBeNull();
    const evs = await streamOf(name, "poll.failed");
    expect(evs[0].data).toMatchObject({ status: 401, paused: true });
    expect((await call("GET", `/v1/triggers/${name}`)).body.poll.state.paused).toBe(true);
    const n = (await requests(id)).length;
    await runDurableObjectAlarm(g);
    expect((await requests(id)).length).toBe(n);

    await script(id, { status: null, items: [{ id: "after" }] });
    await register(name, { url: src(id) }, { description: "fixed the token" });
    await until(() => inspect(g), (x: any) => x.state.poll.paused === false && x.state.polls > i.state.polls, 5000);
    expect((await inspect(g)).state.poll).toMatchObject({ paused: false, consecutiveFailures: 0, lastStatus: 200 });
    expect((await fired(name)).map((e) => e.data.payload.id)).toEqual(["after"]);
  });
});

describe("poll triggers: membership and secrets", () => {
  it("header values are sent to the source, redacted on every read, and kept by a PUT that echoes the redaction", async () => {
    const id = uniq("p"), name = uniq("poll");
    await script(id, { items: [] });
    const created = await register(name, { url: src(id), headers: { Authorization: "Bearer tok-123" } });
    expect(created.poll.headers).toEqual({ Authorization: "********" });
    const g = await groupOf(name);
    await baseline(g);
    expect((await requests(id))[0].headers.authorization).toBe("Bearer tok-123");
    const view = (await call("GET", `/v1/triggers/${name}`)).body;
    expect(JSON.stringify(view)).not.toContain("tok-123");
    const list = await call("GET", `/v1/triggers?type=poll&limit=200`);
    expect(JSON.stringify(list.body)).not.toContain("tok-123");
    const reg = await streamOf(name, "trigger.registered");
    expect(JSON.stringify(reg)).not.toContain("tok-123");
    // GET → PUT round trip (as the dashboard does) keeps the stored header and the group
    const { poll } = view;
    const { state: _s, ...def } = poll;
    const r = await call("PUT", `/v1/triggers/${name}`, { type: "poll", poll: def, description: "round trip" });
    expect(r.status).toBe(200);
    expect((await groupOf(name)).id.toString()).toBe(g.id.toString());
    await pollNow(g);
    const reqs = await requests(id);
    expect(reqs[reqs.length - 1].headers.authorization).toBe("Bearer tok-123");
    // a placeholder with nothing stored is refused
    const bad = await call("PUT", `/v1/triggers/${uniq("poll")}`, { type: "poll", poll: { url: src(id), every: "5s", headers: { "x-key": "********" } } });
    expect(bad.status).toBe(400);
  });

  it("leaving: a retired trigger leaves; the last one removes the group (alarm and storage); reactivation re-creates it", async () => {
    const id = uniq("p"), a = uniq("pa"), b = uniq("pb");
    await script(id, { items: [] });
    await register(a, { url: src(id) });
    await register(b, { url: src(id) });
    const g = await groupOf(a);
    await baseline(g);
    await call("POST", `/v1/triggers/${a}/retire`, { reason: "done" });
    expect((await inspect(g)).members).toEqual([b]);
    await call("POST", `/v1/triggers/${b}/retire`, { reason: "done" });
    const gone = await inspect(g);
    expect(gone).toMatchObject({ exists: false, members: [], alarm: null });
    expect(await inObject(g, (o: any) => o.ctx.storage.sql.exec(`SELECT count(*) AS c FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'`).one().c)).toBe(0);
    await call("POST", `/v1/triggers/${b}/reactivate`);
    expect((await inspect(g)).members).toEqual([b]);
  });

  it("changing the source moves the trigger to another group and removes the old one", async () => {
    const id1 = uniq("p"), id2 = uniq("p"), name = uniq("poll");
    await script(id1, { items: [] });
    await script(id2, { items: [] });
    await register(name, { url: src(id1) });
    const g1 = await groupOf(name);
    await register(name, { url: src(id2) });
    const g2 = await groupOf(name);
    expect(g2.id.toString()).not.toBe(g1.id.toString());
    expect((await inspect(g1)).exists).toBe(false);
    expect((await inspect(g2)).members).toEqual([name]);
  });

  it("orphans: a member whose trigger no longer belongs is dropped at the next fan-out or hourly check", async () => {
    const id = uniq("p"), name = uniq("poll");
    await script(id, { items: [] });
    await register(name, { url: src(id) });
    const g = await groupOf(name);
    await baseline(g);
    const key = (await inspect(g)).state.key;
    const spec = { url: src(id), every: "5s", itemsPointer: "/items" };
    expect(await g.join(key, { tenant: "acme", name: "ghost-1", version: 1, poll: spec })).toEqual({ joined: true });
    expect(await g.join(key, { tenant: "acme", name: "ghost-2", version: 1, poll: spec })).toEqual({ joined: true });
    expect((await inspect(g)).members).toHaveLength(3);
    // a fan-out to ghost-1 finds no such trigger
    await script(id, { items: [{ id: 1 }] });
    await pollNow(g);
    expect((await inspect(g)).members.sort()).toEqual([name]);
    // the hourly check finds the rest (ghost-2 went with the same fan-out; add one with nothing to fan out)
    await g.join(key, { tenant: "acme", name: "ghost-3", version: 1, poll: spec });
    await inObject(g, (o: any) => o.core.tx(() => o.core.saveState({ ...o.core.state(), verifiedAt: 0 })));
    await pollNow(g);
    expect((await inspect(g)).members).toEqual([name]);
    // a join with another group's poll block is refused
    const wrong = await g.join(key, { tenant: "acme", name: "x", version: 1, poll: { ...spec, url: src("other") } });
    expect(wrong.__error.status).toBe(400);
  });

  it("refuses poll blocks that break the rules, with every problem named", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: src("v"), every: "3s" }, "at least 5s"],
      [{ url: "ftp://x", every: "5s" }, "http or https"],
      [{ url: src("v"), every: "5s", cron: "* * * * *" }, "only one of every and cron"],
      [{ url: src("v"), cron: "* * * * * *" }, "more often than every 5 seconds"],
      [{ url: src("v"), every: "5s", timeoutMs: 10 }, "timeoutMs"],
      [{ url: src("v"), every: "5s", itemsPointer: "items" }, "JSON pointer"],
      [{ url: src("v"), every: "5s", method: "DELETE" }, "GET or POST"],
      [{ url: src("v"), every: "5s", startFrom: "yesterday" }, "startFrom"],
    ];
    for (const [poll, text] of cases) {
      const name = uniq("bad");
      const r = await call("PUT", `/v1/triggers/${name}`, { type: "poll", poll });
      expect(r.status, JSON.stringify(poll)).toBe(400);
      expect(JSON.stringify(r.body), JSON.stringify(poll)).toContain(text);
      expect((await call("GET", `/v1/triggers/${name}`)).status).toBe(404);
    }
  });
});
