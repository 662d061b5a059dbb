/**
 * Shaping per subscription (API.md "Flows: delivery policy", `ordering` and
 * `debounce`), through the Worker: validation, FIFO per key with retries in
 * between, release on a final failure, trailing and leading debounce with
 * their skipped entries and `debounced` counts, maxWait, and ordering with a
 * flow policy on top. The flow is the test receiver on 127.0.0.1.
 */
import { describe, it, expect, inject } from "vitest";
import { call, uniq, until } from "../helpers";

const port = inject("receiverPort");
const base = `http://127.0.0.1:${port}`;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

type Hit = { path: string; at: number; body: string };
const received = async (tag: string): Promise<Hit[]> => (await fetch(`${base}/log?contains=${encodeURIComponent(tag)}`)).json();
const bodies = async (tag: string) => (await received(tag)).map((h) => ({ at: h.at, ...JSON.parse(h.body) }));

async function trigger(flow: string, sub: Record<string, unknown>): Promise<string> {
  const name = uniq("shape");
  expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
  const r = await call("PUT", `/v1/triggers/${name}/subscriptions/${flow}`, { ...sub, target: { type: "http", secret: SECRET, ...(sub.target as object) } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return name;
}

async function fire(name: string, data: Record<string, unknown>): Promise<string> {
  const r = await call("POST", `/v1/triggers/${name}/fire`, { data });
  expect(r.status).toBe(202);
  return r.body.eventId;
}

const delivery = async (name: string, eventId: string) => (await call("GET", `/v1/triggers/${name}/fires/${eventId}`)).body.deliveries[0];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("validation", () => {
  it("ordering and debounce are checked (key paths, bounds, maxWait ≥ period, not on pull) and shown on the subscription", async () => {
    const name = uniq("shapeval");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const target = { type: "http", url: `${base}/hook/ok/x`, secret: SECRET };
    for (const bad of [
      { ordering: { key: "orderId" } },
      { ordering: { key: "data.a", extra: 1 } },
      { debounce: { periodSeconds: 0 } },
      { debounce: { periodSeconds: 10, maxWaitSeconds: 5 } },
      { debounce: { periodSeconds: 1, mode: "middle" } },
    ]) {
      const r = await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target, ...bad });
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/p`, { target: { type: "pull" }, ordering: { key: "data.a" } })).status).toBe(400);
    const ok = await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target, ordering: { key: "data.orderId" }, debounce: { key: "eventType", periodSeconds: 5 } });
    expect(ok.status).toBe(201);
    const sub = (await call("GET", `/v1/triggers/${name}`)).body.subscriptions.f;
    expect(sub).toMatchObject({ ordering: { key: "data.orderId" }, debounce: { key: "eventType", periodSeconds: 5 } });
  });
});

describe("ordering", () => {
  it("delivers each key's fires one at a time in fire order, a retry holding the key's later fires; other keys keep flowing", async () => {
    const flow = uniq("ord");
    const tag = uniq("ordhook");
    const name = await trigger(flow, { target: { url: `${base}/hook/fail-once/${tag}` }, retry: { maxAttempts: 5, initialBackoffSeconds: 1, maxBackoffSeconds: 1 }, ordering: { key: "data.k" } });
    for (let i = 0; i < 12; i++) await fire(name, { k: i % 2 ? "b" : "a", i });
    const hits = await until(() => bodies(tag), (r) => r.length >= 24, 30_000); // each fails once, then succeeds
    for (const k of ["a", "b"]) {
      const seq = hits.filter((h) => h.data.k === k).sort((x, y) => x.at - y.at).map((h) => h.data.i);
      // fire order, each twice (the failure, then its retry), never a later fire between
      expect(seq).toEqual([...seq].sort((x, y) => x - y));
      expect(new Set(seq).size).toBe(6);
    }
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body).toMatchObject({ delivered: 12, pending: 0 });
  }, 40_000);

  it("a final failure releases the key: the next fire of the key goes", async () => {
    const flow = uniq("ordfail");
    const tag = uniq("ordfailhook");
    const name = await trigger(flow, { target: { url: `${base}/hook/bad-request/${tag}` }, retry: { maxAttempts: 3, initialBackoffSeconds: 1, maxBackoffSeconds: 1 }, ordering: { key: "data.k" } });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await fire(name, { k: "same", i }));
    await until(() => received(tag), (r) => r.length >= 3, 10_000);
    for (const id of ids) expect(await until(() => delivery(name, id), (d) => d.status === "failed")).toMatchObject({ attempts: 1, lastStatusCode: 400 });
    const order = (await bodies(tag)).sort((x, y) => x.at - y.at).map((h) => h.data.i);
    expect(order).toEqual([0, 1, 2]);
  }, 20_000);

  it("with a flow policy on top: ordering decides the order, the gate the pace", async () => {
    const flow = uniq("ordgate");
    const tag = uniq("ordgatehook");
    await call("PUT", `/v1/flows/${flow}`, { concurrency: 1 });
    const name = await trigger(flow, { target: { url: `${base}/hook/ok/${tag}` }, ordering: { key: "data.k" } });
    for (let i = 0; i < 6; i++) await fire(name, { k: "x", i });
    const hits = await until(() => bodies(tag), (r) => r.length >= 6, 15_000);
    expect(hits.sort((x, y) => x.at - y.at).map((h) => h.data.i)).toEqual([0, 1, 2, 3, 4, 5]);
  }, 20_000);
});

describe("debounce", () => {
  it("trailing: a burst per key makes one delivery of its last fire, after the period; the others are skipped 'debounced'", async () => {
    const flow = uniq("deb");
    const tag = uniq("debhook");
    const name = await trigger(flow, { target: { url: `${base}/hook/ok/${tag}` }, debounce: { key: "data.user", periodSeconds: 1 } });
    const u1 = [];
    for (let i = 0; i < 5; i++) u1.push(await fire(name, { user: "u1", i }));
    const u2 = [await fire(name, { user: "u2", i: 0 }), await fire(name, { user: "u2", i: 1 })];
    const t0 = Date.now();
    await sleep(500);
    expect(await received(tag)).toHaveLength(0); // nothing before the period has passed
    const hits = await until(() => bodies(tag), (r) => r.length >= 2, 10_000);
    await sleep(500);
    const all = await bodies(tag);
    expect(all).toHaveLength(2);
    const byUser = Object.fromEntries(all.map((h) => [h.data.user, h]));
    expect(byUser.u1).toMatchObject({ data: { user: "u1", i: 4 }, debounced: 4, eventId: u1[4] });
    expect(byUser.u2).toMatchObject({ data: { user: "u2", i: 1 }, debounced: 1, eventId: u2[1] });
    expect(hits[0].at - t0).toBeGreaterThanOrEqual(400);
    for (const id of [...u1.slice(0, 4), u2[0]]) expect(await delivery(name, id)).toMatchObject({ status: "skipped", skipReason: "debounced" });
    expect(await delivery(name, u1[4])).toMatchObject({ status: "delivered" });
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body).toMatchObject({ delivered: 2, pending: 0 });
  }, 20_000);

  it("trailing with maxWait: a burst that never pauses is still delivered by maxWait after its first fire", async () => {
    const flow = uniq("debmax");
    const tag = uniq("debmaxhook");
    const name = await trigger(flow, { target: { url: `${base}/hook/ok/${tag}` }, debounce: { periodSeconds: 1, maxWaitSeconds: 2 } });
    const t0 = Date.now();
    for (let i = 0; i < 9; i++) {
      await fire(name, { i });
      await sleep(400);
    }
    const hits = await until(() => bodies(tag), (r) => r.length >= 2, 10_000);
    expect(hits[0].at - t0).toBeLessThan(3500); // not 1 s after the last fire (≈ 4.6 s) but ≈ 2 s after the first
  }, 20_000);

  it("leading: the first fire of a burst goes at once, the rest of the burst is skipped", async () => {
    const flow = uniq("lead");
    const tag = uniq("leadhook");
    const name = await trigger(flow, { target: { url: `${base}/hook/ok/${tag}` }, debounce: { periodSeconds: 2, mode: "leading" } });
    const ids = [await fire(name, { i: 0 }), await fire(name, { i: 1 }), await fire(name, { i: 2 })];
    const hits = await until(() => bodies(tag), (r) => r.length >= 1, 5000);
    expect(hits[0]).toMatchObject({ data: { i: 0 }, debounced: 0 });
    for (const id of ids.slice(1)) expect(await delivery(name, id)).toMatchObject({ status: "skipped", skipReason: "debounced" });
    await sleep(2100);
    await fire(name, { i: 3 }); // a new burst
    await until(() => received(tag), (r) => r.length === 2, 5000);
  }, 20_000);
});

describe("batch", () => {
  it("gathers fires into deliveries of up to maxSize, sent when full or maxWait after the first; each fire shows its batch's delivery", async () => {
    const flow = uniq("batch");
    const tag = uniq("batchhook");
    const name = await trigger(flow, { target: { url: `${base}/hook/ok/${tag}` }, batch: { maxSize: 5, maxWaitSeconds: 2 } });
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push((await call("POST", `/v1/triggers/${name}/fire`, { data: { i } })).body);
    // the two full batches leave at once; the last two fires wait for maxWait
    const full = await until(() => bodies(tag), (r) => r.length >= 2, 5000);
    expect(full.map((b) => b.events.length)).toEqual([5, 5]);
    const t0 = Date.now();
    const all = await until(() => bodies(tag), (r) => r.length >= 3, 10_000);
    expect(Date.now() - t0).toBeGreaterThan(300);
    const sorted = all.sort((a, b) => a.events[0].data.i - b.events[0].data.i);
    expect(sorted.map((b) => b.events.map((e: any) => e.data.i))).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]);
    expect(sorted[0]).toMatchObject({ type: "trigger.batch", trigger: name, flow, key: null, attempt: 1 });
    expect(sorted[0].events[0]).toMatchObject({ eventId: answers[0].eventId, source: "api", eventType: null });
    // every fire of a batch answers, and shows, the batch's delivery
    expect(answers[3].deliveries[0].deliveryId).toBe(answers[0].deliveries[0].deliveryId);
    expect(answers[5].deliveries[0].deliveryId).not.toBe(answers[0].deliveries[0].deliveryId);
    const shown = await delivery(name, answers[3].eventId);
    expect(shown).toMatchObject({ deliveryId: sorted[0].deliveryId, status: "delivered" });
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body).toMatchObject({ delivered: 3, pending: 0, totalFires: 12 });
  }, 20_000);

  it("per key: each key gathers its own fires, in order, and says its key", async () => {
    const flow = uniq("bkey");
    const tag = uniq("bkeyhook");
    const name = await trigger(flow, { target: { url: `${base}/hook/ok/${tag}` }, batch: { maxSize: 100, maxWaitSeconds: 1, key: "data.acct" } });
    for (let i = 0; i < 6; i++) await fire(name, { acct: i % 2 ? "b" : "a", i });
    const all = await until(() => bodies(tag), (r) => r.length >= 2, 10_000);
    const byKey = Object.fromEntries(all.map((b) => [b.key, b.events.map((e: any) => e.data.i)]));
    expect(byKey).toEqual({ a: [0, 2, 4], b: [1, 3, 5] });
  }, 20_000);

  it("a batch is retried as one delivery, and batches of a key stay in order with ordering", async () => {
    const flow = uniq("bord");
    const tag = uniq("bordhook");
    const name = await trigger(flow, {
      target: { url: `${base}/hook/fail-once/${tag}` }, retry: { maxAttempts: 5, initialBackoffSeconds: 1, maxBackoffSeconds: 1 },
      batch: { maxSize: 2, maxWaitSeconds: 1 }, ordering: { key: "data.k" },
    });
    for (let i = 0; i < 6; i++) await fire(name, { k: "x", i });
    const hits = await until(() => bodies(tag), (r) => r.length >= 6, 20_000); // 3 batches, each fails once then succeeds
    const order = hits.sort((a, b) => a.at - b.at).map((b) => b.events.map((e: any) => e.data.i).join(","));
    expect(order).toEqual(["0,1", "0,1", "2,3", "2,3", "4,5", "4,5"]);
    expect(hits.filter((b) => b.attempt === 2)).toHaveLength(3);
  }, 30_000);

  it("a batch whose fires' data would pass about 1 MiB leaves at once, and the fire that did not fit starts the next", async () => {
    const flow = uniq("bbytes");
    const tag = uniq("bbyteshook");
    const name = await trigger(flow, { target: { url: `${base}/hook/ok/${tag}` }, batch: { maxSize: 1000, maxWaitSeconds: 60 } });
    const big = "x".repeat(300_000);
    for (let i = 0; i < 4; i++) await fire(name, { i, big });
    const hits = await until(() => bodies(tag), (r) => r.length >= 1, 10_000); // not 60 s: the fourth fire closed the first batch
    expect(hits).toHaveLength(1);
    expect(hits[0].events.map((e: any) => e.data.i)).toEqual([0, 1, 2]);
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body).toMatchObject({ delivered: 1, pending: 1 });
  }, 20_000);

  it("batch and debounce together, or a batch out of bounds, are 400", async () => {
    const name = uniq("bval");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const target = { type: "http", url: `${base}/hook/ok/x`, secret: SECRET };
    for (const bad of [{ batch: { maxSize: 2, maxWaitSeconds: 1 }, debounce: { periodSeconds: 1 } }, { batch: { maxSize: 0, maxWaitSeconds: 1 } }, { batch: { maxSize: 2 } }, { batch: { maxSize: 1001, maxWaitSeconds: 1 } }]) {
      expect((await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target, ...bad })).status, JSON.stringify(bad)).toBe(400);
    }
  });
});
