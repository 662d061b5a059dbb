/**
 * Flow control (API.md "Flows: delivery policy (flow control)", issue 21),
 * through the public surface: the policy's validation and views, the
 * sliding rate window and the concurrency across a flow's triggers, pause
 * and resume, the flow-wide breaker (probe, close, backlog kept), Retry-After
 * holding the whole flow, the flow's activity log, bulk recovery (dry run,
 * each once, bounded) and the flow metrics. The flow's endpoint is the test
 * receiver on 127.0.0.1.
 */
import { describe, it, expect, inject } from "vitest";
import { call, uniq, until, KEYS } from "../helpers";

const port = inject("receiverPort");
const base = `http://127.0.0.1:${port}`;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

type Hit = { path: string; at: number; body: string };
const received = async (tag: string): Promise<Hit[]> => (await fetch(`${base}/log?contains=${encodeURIComponent(tag)}`)).json();
const peak = async (tag: string): Promise<number> => ((await (await fetch(`${base}/concurrency?contains=${encodeURIComponent(tag)}`)).json()) as { max: number }).max;
const setSwitch = (id: string, body: Record<string, number>) => fetch(`${base}/switch/${id}`, { method: "POST", body: JSON.stringify(body) });

async function trigger(flow: string, url: string, retry: Record<string, number> = { maxAttempts: 5, initialBackoffSeconds: 1, maxBackoffSeconds: 1 }): Promise<string> {
  const name = uniq("fc");
  expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
  const sub = await call("PUT", `/v1/triggers/${name}/subscriptions/${flow}`, { target: { type: "http", url, secret: SECRET }, retry });
  expect(sub.status, JSON.stringify(sub.body)).toBe(201);
  return name;
}

async function fire(name: string, n: number): Promise<string[]> {
  const events = Array.from({ length: n }, (_, i) => ({ name, data: { i } }));
  const r = await call("POST", "/v1/events", { events });
  expect(r.status).toBe(200);
  return r.body.results.map((x: any) => x.eventId);
}

const flowOf = async (flow: string) => (await call("GET", `/v1/flows/${flow}`)).body;
const activity = async (flow: string) => ((await call("GET", `/v1/flows/${flow}/activity?limit=500`)).body.entries as any[]).map((e) => e.type);

/** The most requests that arrived in any window of `ms`. */
function densest(hits: Hit[], ms: number): number {
  const at = hits.map((h) => h.at).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i] - at[j] >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe("the policy", () => {
  it("PUT validates (unknown fields, bounds, non-integers are 400), answers 201 then 200, {} clears it; GET and the list show it", async () => {
    const flow = uniq("pol");
    for (const bad of [{ rate: 1 }, { concurrency: 0 }, { concurrency: 1.5 }, { rateLimit: { limit: 10 } }, { rateLimit: { limit: 10, periodSeconds: 3601 } }, { breaker: { failureThreshold: 5 } }, { paused: "yes" }]) {
      const r = await call("PUT", `/v1/flows/${flow}`, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBeTruthy();
    }
    expect((await call("GET", `/v1/flows/${flow}`)).status).toBe(404);
    const policy = { rateLimit: { limit: 10, periodSeconds: 1 }, concurrency: 5, breaker: { failureThreshold: 5, cooldownSeconds: 30 } };
    const created = await call("PUT", `/v1/flows/${flow}`, policy);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ flow, policy, state: { waiting: 0, inFlight: 0, breaker: "closed", paused: false, heldUntil: null }, subscriptions: [] });
    expect((await call("PUT", `/v1/flows/${flow}`, { ...policy, concurrency: 6 })).status).toBe(200);
    expect((await flowOf(flow)).policy.concurrency).toBe(6);
    const list = await until(() => call("GET", `/v1/flows?limit=500`), (r) => r.body.flows.some((f: any) => f.flow === flow));
    expect(list.body.flows.find((f: any) => f.flow === flow)).toMatchObject({ flow, policy: { concurrency: 6 } });
    expect((await call("PUT", `/v1/flows/${flow}`, {})).status).toBe(200);
    expect((await call("GET", `/v1/flows/${flow}`)).status).toBe(404); // neither a policy nor a subscription
    expect(await activity(flow)).toEqual(["flow.updated", "flow.updated", "flow.updated"]);
    // read scope reads, cannot write; another tenant does not see it
    expect((await call("PUT", `/v1/flows/${flow}`, policy, { key: KEYS.acmeRead })).status).toBe(403);
    await call("PUT", `/v1/flows/${flow}`, policy);
    expect((await call("GET", `/v1/flows/${flow}`, undefined, { key: KEYS.acmeRead })).status).toBe(200);
    expect((await call("GET", `/v1/flows/${flow}`, undefined, { key: KEYS.globex })).status).toBe(404);
  });

  it("a flow without a policy is listed by its subscriptions, with its subscriptions' state", async () => {
    const flow = uniq("plain");
    const tag = uniq("plainhook");
    const name = await trigger(flow, `${base}/hook/ok/${tag}`);
    const view = await flowOf(flow);
    expect(view).toMatchObject({ flow, policy: {}, state: { breaker: "closed", paused: false }, subscriptions: [{ trigger: name, mode: "auto", target: { type: "http", url: `${base}/hook/ok/${tag}` } }] });
    expect(JSON.stringify(view)).not.toContain(SECRET);
  });
});

describe("pacing across a flow's triggers", () => {
  it("rateLimit is a sliding window over every trigger of the flow: no 1 s window sees more than the limit, every fire delivered", async () => {
    const flow = uniq("rate");
    const tag = uniq("ratehook");
    expect((await call("PUT", `/v1/flows/${flow}`, { rateLimit: { limit: 5, periodSeconds: 1 } })).status).toBe(201);
    const a = await trigger(flow, `${base}/hook/ok/${tag}/a`);
    const b = await trigger(flow, `${base}/hook/ok/${tag}/b`);
    await Promise.all([fire(a, 12), fire(b, 12)]);
    const hits = await until(() => received(tag), (r) => r.length >= 24, 20_000);
    expect(hits.length).toBe(24);
    expect(densest(hits, 1000)).toBeLessThanOrEqual(6); // the limit, +1 for the queue's latency between grant and arrival
    const span = Math.max(...hits.map((h) => h.at)) - Math.min(...hits.map((h) => h.at));
    expect(span).toBeGreaterThanOrEqual(3000); // 24 at 5/s cannot all start in under ~4 s
    const state = await until(() => flowOf(flow), (v) => v.state.waiting === 0);
    expect(state.state).toMatchObject({ waiting: 0, breaker: "closed" });
  }, 40_000);

  it("concurrency caps what is in flight at once across triggers, and the flow still gets everything", async () => {
    const flow = uniq("conc");
    const tag = uniq("conchook");
    await call("PUT", `/v1/flows/${flow}`, { concurrency: 2 });
    const a = await trigger(flow, `${base}/hook/delay/300/${tag}/a`);
    const b = await trigger(flow, `${base}/hook/delay/300/${tag}/b`);
    await Promise.all([fire(a, 6), fire(b, 6)]);
    await until(() => received(tag), (r) => r.length >= 12, 20_000);
    await until(() => flowOf(flow), (v) => v.state.waiting === 0, 10_000);
    // the receiver's open requests per path prefix: both triggers together
    expect(Math.max(await peak(`${tag}/a`), await peak(`${tag}/b`))).toBeLessThanOrEqual(2);
    const hits = (await received(tag)).map((h) => h.at).sort((x, y) => x - y);
    // at most 2 at a time for 300 ms each: 12 take at least ~1.5 s
    expect(hits[hits.length - 1] - hits[0]).toBeGreaterThanOrEqual(1200);
  }, 40_000);

  it("pause holds every delivery (fires are still recorded), resume lets them go; both are in the activity log", async () => {
    const flow = uniq("pause");
    const tag = uniq("pausehook");
    const name = await trigger(flow, `${base}/hook/ok/${tag}`);
    const paused = await call("POST", `/v1/flows/${flow}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.state.paused).toBe(true);
    const ids = await fire(name, 5);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await received(tag)).toHaveLength(0);
    expect((await flowOf(flow)).state).toMatchObject({ paused: true, waiting: 5 });
    expect((await call("GET", `/v1/triggers/${name}/fires/${ids[0]}`)).body.deliveries[0]).toMatchObject({ status: "queued", attempts: 0 });
    const resumed = await call("POST", `/v1/flows/${flow}/resume`);
    expect(resumed.body.state.paused).toBe(false);
    await until(() => received(tag), (r) => r.length === 5, 10_000);
    expect(await activity(flow)).toEqual(["flow.paused", "flow.resumed"]);
  }, 30_000);
});

describe("the flow-wide breaker and hold", () => {
  it("opens after failureThreshold failures across triggers, keeps the backlog's attempts, probes after the cooldown and a 2xx closes it", async () => {
    const flow = uniq("fbrk");
    const sw = uniq("fbrksw");
    await call("PUT", `/v1/flows/${flow}`, { breaker: { failureThreshold: 3, cooldownSeconds: 2 }, concurrency: 1 });
    const a = await trigger(flow, `${base}/hook/switch/${sw}/${sw}/a`);
    const b = await trigger(flow, `${base}/hook/switch/${sw}/${sw}/b`);
    await fire(a, 5);
    await fire(b, 5);
    const open = await until(() => flowOf(flow), (v) => v.state.breaker === "open", 10_000);
    expect(open.state.breakerOpenedAt).toBeGreaterThan(0);
    expect(await activity(flow)).toContain("flow.breaker_opened");
    const before = (await received(sw)).length;
    expect(before).toBeLessThanOrEqual(4); // 3 failures (one at a time), and at most the cooldown's probe
    await setSwitch(sw, { status: 200 });
    await until(() => received(sw), (r) => r.length >= before + 10 - 3, 15_000);
    const closed = await until(() => flowOf(flow), (v) => v.state.breaker === "closed" && v.state.waiting === 0, 10_000);
    expect(closed.state.breakerOpenedAt).toBeNull();
    expect(await activity(flow)).toContain("flow.breaker_closed");
    // nothing died of the outage: what failed before the breaker opened retried, the rest kept its attempts
    for (const n of [a, b]) expect((await call("GET", `/v1/triggers/${n}/stats`)).body).toMatchObject({ dead: 0, failed: 0, pending: 0, delivered: 5 });
  }, 40_000);

  it("a 429 with Retry-After from the flow holds all of its deliveries, from every trigger, until then", async () => {
    const flow = uniq("hold");
    const sw = uniq("holdsw");
    await call("PUT", `/v1/flows/${flow}`, { concurrency: 1 });
    await setSwitch(sw, { status: 429, retryAfter: 2 });
    const a = await trigger(flow, `${base}/hook/switch/${sw}/${sw}/a`);
    const b = await trigger(flow, `${base}/hook/switch/${sw}/${sw}/b`);
    await fire(a, 1);
    const first = await until(() => received(sw), (r) => r.length >= 1);
    await setSwitch(sw, { status: 200 });
    const held = await until(() => flowOf(flow), (v) => v.state.heldUntil !== null, 5000);
    expect(held.state.heldUntil).toBeGreaterThan(first[0].at + 1000);
    await fire(b, 3);
    await until(() => received(sw), (r) => r.length >= 5, 15_000);
    const later = (await received(sw)).slice(1);
    for (const h of later) expect(h.at).toBeGreaterThanOrEqual(held.state.heldUntil - 50); // none before the hold ends
    expect(await activity(flow)).toContain("flow.held");
  }, 30_000);
});

describe("recover", () => {
  it("replays a flow's dead deliveries in a range once (dry run counts only), through the flow, and records it", async () => {
    const flow = uniq("rec");
    const dead = uniq("recdead");
    const ok = uniq("recok");
    const since = Date.now() - 1000;
    const name = await trigger(flow, `${base}/hook/always-500/${dead}`, { maxAttempts: 1, initialBackoffSeconds: 1, maxBackoffSeconds: 1 });
    await fire(name, 4);
    await until(() => call("GET", `/v1/triggers/${name}/stats`), (r) => r.body.dead === 4, 10_000);
    // the flow is fixed: its subscription points at a healthy endpoint
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/${flow}`, { target: { type: "http", url: `${base}/hook/ok/${ok}`, secret: SECRET } })).status).toBe(200);
    const dry = await call("POST", `/v1/flows/${flow}/recover`, { since, status: "dead", dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, matched: 4, replayed: 0, more: false });
    expect(await received(ok)).toHaveLength(0);
    const run = await call("POST", `/v1/flows/${flow}/recover`, { since, status: "dead" });
    expect(run.body).toMatchObject({ dryRun: false, matched: 4, replayed: 4, more: false });
    await until(() => received(ok), (r) => r.length === 4, 10_000);
    // each once: a second recover finds nothing new
    expect((await call("POST", `/v1/flows/${flow}/recover`, { since, status: "dead" })).body).toMatchObject({ matched: 0, replayed: 0 });
    await new Promise((r) => setTimeout(r, 500));
    expect(await received(ok)).toHaveLength(4);
    expect(await activity(flow)).toEqual(["flow.recovered", "flow.recovered"]);
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body).toMatchObject({ pending: 0 });
    // a range before the fires matches nothing; a bad range or body is 400
    expect((await call("POST", `/v1/flows/${flow}/recover`, { since: 0, until: since - 10_000, status: "dead", dryRun: true })).body.matched).toBe(0);
    expect((await call("POST", `/v1/flows/${flow}/recover`, { since: 10, until: 5, status: "dead" })).status).toBe(400);
    expect((await call("POST", `/v1/flows/${flow}/recover`, { since: 0, status: "queued" })).status).toBe(400);
    expect((await call("POST", `/v1/flows/${flow}/recover`, { since: 0, status: "dead", cursor: "nope" })).status).toBe(400);
  }, 30_000);
});

describe("metrics", () => {
  it("signalbox_flow_* show a flow's waiting deliveries, its gate's permits and its breaker", async () => {
    const flow = uniq("met");
    const tag = uniq("methook");
    const name = await trigger(flow, `${base}/hook/ok/${tag}`);
    await call("POST", `/v1/flows/${flow}/pause`);
    await fire(name, 3);
    const metrics = await until(async () => (await call("GET", "/v1/metrics")).body as string, (t) => typeof t === "string" && t.includes(`signalbox_flow_waiting{flow="${flow}"} 3`), 15_000);
    for (const family of ["signalbox_flow_waiting", "signalbox_flow_in_flight", "signalbox_flow_breaker_open", "signalbox_flow_throttled_total"]) {
      expect(metrics).toContain(`# TYPE ${family} `);
    }
    await call("POST", `/v1/flows/${flow}/resume`);
    await until(() => received(tag), (r) => r.length === 3, 10_000);
  }, 30_000);
});

describe("compositions", () => {
  it("debounce + rate: each key's burst makes one delivery, and those leave at the flow's rate", async () => {
    const flow = uniq("debrate");
    const tag = uniq("debratehook");
    await call("PUT", `/v1/flows/${flow}`, { rateLimit: { limit: 2, periodSeconds: 1 } });
    const name = uniq("debrate");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    await call("PUT", `/v1/triggers/${name}/subscriptions/${flow}`, { target: { type: "http", url: `${base}/hook/ok/${tag}`, secret: SECRET }, debounce: { key: "data.user", periodSeconds: 1 } });
    for (let u = 0; u < 5; u++) for (let i = 0; i < 3; i++) await call("POST", `/v1/triggers/${name}/fire`, { data: { user: `u${u}`, i } });
    const hits = await until(() => received(tag), (r) => r.length >= 5, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    const all = await received(tag);
    expect(all).toHaveLength(5);
    expect(all.map((h) => JSON.parse(h.body)).every((b) => b.debounced === 2 && b.data.i === 2)).toBe(true);
    expect(densest(hits, 1000)).toBeLessThanOrEqual(3);
  }, 30_000);

  it("breaker + recover: recovered deliveries wait behind an open flow breaker with the backlog, and all go once it closes", async () => {
    const flow = uniq("brkrec");
    const sw = uniq("brkrecsw");
    await call("PUT", `/v1/flows/${flow}`, { breaker: { failureThreshold: 3, cooldownSeconds: 1 }, concurrency: 1 });
    const since = Date.now() - 1000;
    const name = await trigger(flow, `${base}/hook/switch/${sw}/${sw}`, { maxAttempts: 1, initialBackoffSeconds: 1, maxBackoffSeconds: 1 });
    await fire(name, 3);
    await until(() => call("GET", `/v1/triggers/${name}/stats`), (r) => r.body.dead === 3, 10_000);
    await until(() => flowOf(flow), (v) => v.state.breaker !== "closed", 5000);
    await fire(name, 4); // these wait behind the breaker, with their attempts
    const rec = await call("POST", `/v1/flows/${flow}/recover`, { since, status: "dead" });
    expect(rec.body).toMatchObject({ matched: 3, replayed: 3 });
    expect((await flowOf(flow)).state.waiting).toBe(7);
    const healed = Date.now();
    await setSwitch(sw, { status: 200 });
    await until(() => call("GET", `/v1/triggers/${name}/stats`), (r) => r.body.pending === 0, 20_000);
    const after = (await received(sw)).filter((h) => h.at > healed + 50).map((h) => JSON.parse(h.body).eventId);
    expect(new Set(after).size).toBe(7); // the 3 recovered and the 4 that waited, each once
    expect(after.length).toBe(7);
    expect((await flowOf(flow)).state.breaker).toBe("closed");
    expect(await activity(flow)).toEqual(expect.arrayContaining(["flow.breaker_opened", "flow.recovered", "flow.breaker_closed"]));
  }, 40_000);
});
