import { describe, it, expect, inject } from "vitest";
import { env } from "cloudflare:workers";
import { createMessageBatch, createExecutionContext, getQueueResult } from "cloudflare:test";
import worker from "../../src/index";
import { verifyDelivery } from "../../src/receiver/verify-delivery";
import { call, uniq, until } from "../helpers";

const port = inject("receiverPort");
const hook = (mode: string, tag: string) => `http://127.0.0.1:${port}/hook/${mode}/${tag}`;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const fast = { maxAttempts: 3, initialBackoffSeconds: 1, maxBackoffSeconds: 2 };

async function received(tag: string): Promise<any[]> {
  return (await fetch(`http://127.0.0.1:${port}/log?contains=${encodeURIComponent(tag)}`)).json();
}

async function setup(mode: string, retry: Record<string, number> = fast, extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}) {
  const name = uniq("dl");
  await call("PUT", `/v1/triggers/${name}`, { type: "event", config });
  const sub = await call("PUT", `/v1/triggers/${name}/subscriptions/flow-1`, { target: { type: "http", url: hook(mode, name), secret: SECRET, ...extra }, retry });
  expect(sub.status).toBe(201);
  return name;
}

const fire = async (name: string, data: unknown = { hello: "world" }) => (await call("POST", `/v1/triggers/${name}/fire`, { data })).body;
const getFire = async (name: string, id: string) => (await call("GET", `/v1/triggers/${name}/fires/${id}`)).body;
const types = async (name: string) => ((await call("GET", `/v1/triggers/${name}/events?limit=500`)).body.events as any[]).map((e) => e.type);
const settled = (f: any) => f.deliveries.every((d: any) => !["queued", "delivering"].includes(d.status));

describe("delivery through the queue to http targets", () => {
  it("delivers a signed Standard Webhooks POST with the contract body", async () => {
    const name = await setup("ok", fast, {}, { auditDeliveries: true });
    const f = await fire(name, { n: 1 });
    const done = await until(() => getFire(name, f.eventId), settled);
    expect(done.deliveries[0]).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200 });
    expect(done.deliveryStatus).toBe("delivered");
    const [req] = await received(name);
    expect(req.headers["webhook-id"]).toBe(f.deliveries[0].deliveryId);
    expect(await verifyDelivery(SECRET, req.headers, req.body)).toBe(true);
    expect(JSON.parse(req.body)).toEqual({
      type: "trigger.fired", deliveryId: f.deliveries[0].deliveryId, eventId: f.eventId, trigger: name, flow: "flow-1",
      tenant: "acme", firedAt: expect.any(Number), attempt: 1, source: "api", eventType: null, data: { n: 1 },
    });
    expect(await types(name)).toContain("delivery.succeeded"); // config.auditDeliveries
    const stats = (await call("GET", `/v1/triggers/${name}/stats`)).body;
    expect(stats).toMatchObject({ delivered: 1, pending: 0, failed: 0, dead: 0 });
    expect(stats.p50DeliveryMs).toBeGreaterThanOrEqual(0);
  });

  it("500 then success: one delivery, two attempts, one delivery.succeeded, same webhook-id", async () => {
    const name = await setup("fail-once", fast, {}, { auditDeliveries: true });
    const f = await fire(name);
    const done = await until(() => getFire(name, f.eventId), settled);
    expect(done.deliveries).toHaveLength(1);
    expect(done.deliveries[0]).toMatchObject({ status: "delivered", attempts: 2 });
    const reqs = await received(name);
    expect(reqs).toHaveLength(2);
    expect(new Set(reqs.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(JSON.parse(reqs[1].body).attempt).toBe(2);
    const t = await types(name);
    expect(t.filter((x) => x === "delivery.succeeded")).toHaveLength(1);
    expect(t.filter((x) => x === "delivery.failed")).toHaveLength(1);
  });

  it("without config.auditDeliveries a success writes no stream event, and the fire and stats still show it", async () => {
    const name = await setup("ok");
    const f = await fire(name);
    const done = await until(() => getFire(name, f.eventId), settled);
    expect(done.deliveries[0]).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200 });
    expect(await types(name)).not.toContain("delivery.succeeded");
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body).toMatchObject({ delivered: 1, pending: 0 });
  });

  it("a 4xx fails at once, without retry", async () => {
    const name = await setup("bad-request");
    const f = await fire(name);
    const done = await until(() => getFire(name, f.eventId), settled);
    expect(done.deliveries[0]).toMatchObject({ status: "failed", attempts: 1, lastStatusCode: 400 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await received(name)).toHaveLength(1);
    expect((await call("GET", `/v1/triggers/${name}/fires?status=failed`)).body.fires[0].eventId).toBe(f.eventId);
  });

  it("redirects are not followed (a 3xx fails)", async () => {
    const name = await setup("redirect");
    const f = await fire(name);
    const done = await until(() => getFire(name, f.eventId), settled);
    expect(done.deliveries[0]).toMatchObject({ status: "failed", lastStatusCode: 302 });
    expect((await received("redirected")).filter((r) => r.path.includes(name))).toHaveLength(0);
  });

  it("429 with Retry-After is honoured", async () => {
    const name = await setup("retry-after", { maxAttempts: 3, initialBackoffSeconds: 5, maxBackoffSeconds: 60 });
    const f = await fire(name);
    const done = await until(() => getFire(name, f.eventId), settled);
    expect(done.deliveries[0]).toMatchObject({ status: "delivered", attempts: 2 });
    const [a, b] = await received(name);
    // Retry-After: 1 wins over the 5 s policy backoff
    expect(b.at - a.at).toBeGreaterThanOrEqual(900);
    expect(b.at - a.at).toBeLessThan(4000);
  });

  it("a timeout is retried", async () => {
    const name = await setup("slow", fast, { timeoutMs: 300 });
    const f = await fire(name);
    const done = await until(() => getFire(name, f.eventId), settled);
    expect(done.deliveries[0]).toMatchObject({ status: "delivered", attempts: 2 });
    const ev = (await call("GET", `/v1/triggers/${name}/events?types=delivery.failed`)).body.events;
    expect(ev[0].data).toMatchObject({ statusCode: null, error: expect.stringContaining("timeout"), willRetry: true });
  });

  it("the flow's answer body is not waited for: an answer that keeps streaming is delivered when its headers arrive", async () => {
    const name = await setup("endless", fast, { timeoutMs: 3000 });
    const f = await fire(name);
    const done = await until(() => getFire(name, f.eventId), settled);
    expect(done.deliveries[0]).toMatchObject({ status: "delivered", attempts: 1 });
    // reading the body would have lasted until the timeout cut it
    expect(done.deliveries[0].latencyMs).toBeLessThan(3000);
  });

  it("exhausted attempts → dead; replay after the receiver recovers → delivered with a new delivery id", async () => {
    const sw = uniq("sw");
    const name = await setup(`switch/${sw}`, { maxAttempts: 2, initialBackoffSeconds: 1, maxBackoffSeconds: 1 });
    const f = await fire(name);
    const dead = await until(() => getFire(name, f.eventId), settled);
    expect(dead.deliveries[0]).toMatchObject({ status: "dead", attempts: 2, lastStatusCode: 500 });
    expect(dead.deliveryStatus).toBe("dead");
    expect(await types(name)).toContain("delivery.dead");
    expect((await call("GET", `/v1/triggers/${name}/fires?status=dead`)).body.fires).toHaveLength(1);
    await fetch(`http://127.0.0.1:${port}/switch/${sw}`, { method: "POST", body: JSON.stringify({ status: 204 }) });
    const replay = await call("POST", `/v1/triggers/${name}/fires/${f.eventId}/replay`, {});
    expect(replay.status).toBe(202);
    const newId = replay.body.deliveries[0].deliveryId;
    expect(newId).not.toBe(f.deliveries[0].deliveryId);
    const after = await until(() => getFire(name, f.eventId), (x: any) => x.deliveries.some((d: any) => d.status === "delivered"));
    expect(after.deliveries.find((d: any) => d.deliveryId === newId).status).toBe("delivered");
    expect(await types(name)).toContain("delivery.replayed");
    const stats = (await call("GET", `/v1/triggers/${name}/stats`)).body;
    expect(stats).toMatchObject({ delivered: 1, dead: 1 });
  });

  it("manual mode records skipped/manual_mode and replay releases it", async () => {
    const name = uniq("man");
    await call("PUT", `/v1/triggers/${name}`, { type: "manual" });
    await call("PUT", `/v1/triggers/${name}/subscriptions/m`, { mode: "manual", target: { type: "http", url: hook("ok", name), secret: SECRET } });
    const f = await fire(name);
    expect(f.deliveries[0]).toMatchObject({ status: "skipped" });
    await new Promise((r) => setTimeout(r, 300));
    expect(await received(name)).toHaveLength(0);
    await call("POST", `/v1/triggers/${name}/fires/${f.eventId}/replay`, { flows: ["m"] });
    await until(() => received(name), (r) => r.length === 1);
    expect(await received(name)).toHaveLength(1);
  });

  it("skip marks undelivered deliveries skipped with the reason, and they are not delivered", async () => {
    const sw = uniq("skip");
    const name = await setup(`switch/${sw}`, { maxAttempts: 5, initialBackoffSeconds: 2, maxBackoffSeconds: 2 });
    const f = await fire(name);
    await until(() => getFire(name, f.eventId), (x: any) => x.deliveries[0].attempts === 1);
    const s = await call("POST", `/v1/triggers/${name}/fires/${f.eventId}/skip`, { reason: "bad data" });
    expect(s.body.skipped).toEqual([f.deliveries[0].deliveryId]);
    await new Promise((r) => setTimeout(r, 2500));
    const after = await getFire(name, f.eventId);
    expect(after.deliveries[0]).toMatchObject({ status: "skipped", reason: "bad data", attempts: 1 });
    expect(await received(name)).toHaveLength(1);
  });

  it("a repeated queue message does not deliver twice", async () => {
    const name = await setup("ok");
    const f = await fire(name);
    await until(() => getFire(name, f.eventId), settled);
    const body = { t: "acme", n: name, d: f.deliveries[0].deliveryId, a: 1 };
    const batch = createMessageBatch("signalbox-deliveries", [{ id: "m1", timestamp: new Date(), attempts: 1, body }, { id: "m2", timestamp: new Date(), attempts: 1, body }]);
    const ctx = createExecutionContext();
    await worker.queue(batch as any, env as any);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(await received(name)).toHaveLength(1);
  });

  it("a redelivered message whose attempt was recorded is acknowledged, not sent again", async () => {
    const name = await setup("ok");
    const f = await fire(name);
    await until(() => getFire(name, f.eventId), settled);
    expect(await received(name)).toHaveLength(1);
    const stats = (await call("GET", `/v1/triggers/${name}/stats`)).body;
    expect(stats.queueMessages).toBe(1);
    const d = f.deliveries[0].deliveryId;
    // the same attempt again, as a queue redelivers a message whose run ended before its acknowledgement
    const body = { t: "acme", n: name, d, a: 1, f: "flow-1", b: { again: true } };
    const batch = createMessageBatch("signalbox-deliveries", [{ id: "r1", timestamp: new Date(), attempts: 2, body }]);
    const ctx = createExecutionContext();
    await worker.queue(batch as any, env as any);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["r1"]);
    expect(await received(name)).toHaveLength(1);
  });

  it("flows report processing → completed, recorded in the stream", async () => {
    const name = await setup("ok");
    const f = await fire(name);
    await until(() => getFire(name, f.eventId), settled);
    const id = f.deliveries[0].deliveryId;
    expect((await call("POST", `/v1/deliveries/${id}/status`, { status: "processing" })).status).toBe(200);
    const done = await call("POST", `/v1/deliveries/${id}/status`, { status: "completed", output: { sent: true } });
    expect(done.body).toEqual({ deliveryId: id, status: "completed" });
    const fireView = await getFire(name, f.eventId);
    expect(fireView.deliveries[0]).toMatchObject({ status: "completed", output: { sent: true } });
    expect(fireView.deliveryStatus).toBe("completed");
    expect(await types(name)).toEqual(expect.arrayContaining(["delivery.processing", "delivery.completed"]));
    expect((await call("POST", `/v1/deliveries/${id}/status`, { status: "processing" })).status).toBe(409);
    expect((await call("POST", `/v1/deliveries/dlv_bm9wZQ.1.0.abcdef/status`, { status: "completed" })).status).toBe(404);
  });
});

describe("queue targets and subscriptions", () => {
  it("a queue target gets the same body as the message", async () => {
    const name = uniq("qt");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const s = await call("PUT", `/v1/triggers/${name}/subscriptions/q`, { target: { type: "queue", queue: "FLOW_QUEUE" } });
    expect(s.status).toBe(201);
    expect(s.body.secret).toBeUndefined();
    const f = await fire(name);
    // the flow's queue took the message: the delivery is recorded delivered
    const done = await until(() => getFire(name, f.eventId), settled);
    expect(done.deliveries[0]).toMatchObject({ status: "delivered" });
  });

  it("an http target without a secret gets a generated whsec_ secret, returned once, redacted after", async () => {
    const name = uniq("sec");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const s = await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: { type: "http", url: hook("ok", name), headers: { "x-token": "hush" } } });
    expect(s.status).toBe(201);
    expect(s.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32,}/);
    expect(s.body.target.secret).toBe("********");
    const again = await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: { type: "http", url: hook("ok", name), timeoutMs: 5000 } });
    expect(again.status).toBe(200);
    expect(again.body.secret).toBeUndefined();
    const t = await call("GET", `/v1/triggers/${name}`);
    expect(JSON.stringify(t.body)).not.toContain(s.body.secret);
    expect(JSON.stringify(t.body)).not.toContain("hush");
    // the kept secret still signs deliveries
    const f = await fire(name);
    await until(() => getFire(name, f.eventId), settled);
    const [req] = await received(name);
    expect(await verifyDelivery(s.body.secret, req.headers, req.body)).toBe(true);
  });

  it("lists a flow's subscriptions and removes one", async () => {
    const flow = uniq("flow");
    const a = uniq("fa"), b = uniq("fb");
    for (const t of [a, b]) {
      await call("PUT", `/v1/triggers/${t}`, { type: "event" });
      await call("PUT", `/v1/triggers/${t}/subscriptions/${flow}`, { target: { type: "pull" } });
    }
    const list = await call("GET", `/v1/flows/${flow}/subscriptions`);
    expect(list.body.subscriptions.map((s: any) => s.trigger).sort()).toEqual([a, b].sort());
    expect((await call("DELETE", `/v1/triggers/${a}/subscriptions/${flow}`)).status).toBe(200);
    expect((await call("DELETE", `/v1/triggers/${a}/subscriptions/${flow}`)).status).toBe(404);
    const after = await call("GET", `/v1/flows/${flow}/subscriptions`);
    expect(after.body.subscriptions.map((s: any) => s.trigger)).toEqual([b]);
    expect(await types(a)).toEqual(["trigger.registered", "subscription.added", "subscription.removed"]);
  });
});
