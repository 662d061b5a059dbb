import { describe, it, expect } from "vitest";
import { call, uniq } from "../helpers";

async function pullTrigger(startFrom?: "beginning" | "now") {
  const name = uniq("pull");
  await call("PUT", `/v1/triggers/${name}`, { type: "event" });
  await call("POST", `/v1/triggers/${name}/fire`, { data: { before: true } });
  const s = await call("PUT", `/v1/triggers/${name}/subscriptions/reader`, { target: { type: "pull", ...(startFrom ? { startFrom } : {}) } });
  expect(s.status).toBe(201);
  return name;
}

describe("pull subscriptions (checkpointed consumer)", () => {
  it("returns fires after the checkpoint; ack advances it, never backwards", async () => {
    const name = await pullTrigger();
    await call("POST", `/v1/triggers/${name}/fire`, { data: { i: 1 } });
    const p1 = await call("GET", `/v1/triggers/${name}/subscriptions/reader/events`);
    expect(p1.body.checkpoint).toBe(0);
    expect(p1.body.events.map((e: any) => e.data.payload)).toEqual([{ before: true }, { i: 1 }]);
    expect(p1.body.events.every((e: any) => e.type === "trigger.fired")).toBe(true);
    const last = p1.body.events.at(-1).seq;
    expect((await call("POST", `/v1/triggers/${name}/subscriptions/reader/ack`, { seq: last })).body).toEqual({ checkpoint: last });
    expect((await call("GET", `/v1/triggers/${name}/subscriptions/reader/events`)).body.events).toEqual([]);
    const back = await call("POST", `/v1/triggers/${name}/subscriptions/reader/ack`, { seq: 1 });
    expect(back.status).toBe(409);
    expect((await call("POST", `/v1/triggers/${name}/subscriptions/reader/ack`, { seq: 10_000 })).status).toBe(400);
  });

  it("startFrom now skips history and is recorded as checkpoint.reset", async () => {
    const name = await pullTrigger("now");
    expect((await call("GET", `/v1/triggers/${name}/subscriptions/reader/events`)).body.events).toEqual([]);
    const ev = await call("GET", `/v1/triggers/${name}/events?types=checkpoint.reset`);
    expect(ev.body.events).toHaveLength(1);
    expect(ev.body.events[0].data).toMatchObject({ flow: "reader", reason: "startFrom_now" });
    await call("POST", `/v1/triggers/${name}/fire`, { data: { after: true } });
    const p = await call("GET", `/v1/triggers/${name}/subscriptions/reader/events`);
    expect(p.body.events.map((e: any) => e.data.payload)).toEqual([{ after: true }]);
  });

  it("reset to the beginning replays history and is recorded", async () => {
    const name = await pullTrigger("now");
    const r = await call("POST", `/v1/triggers/${name}/subscriptions/reader/reset`, { to: "beginning" });
    expect(r.body).toEqual({ checkpoint: 0 });
    const p = await call("GET", `/v1/triggers/${name}/subscriptions/reader/events`);
    expect(p.body.events.map((e: any) => e.data.payload)).toEqual([{ before: true }]);
    const resets = (await call("GET", `/v1/triggers/${name}/events?types=checkpoint.reset`)).body.events;
    expect(resets.map((e: any) => e.data.reason)).toEqual(["startFrom_now", "reset_beginning"]);
  });

  it("long-polls with waitMs until a fire arrives", async () => {
    const name = await pullTrigger("now");
    const started = Date.now();
    const pending = call("GET", `/v1/triggers/${name}/subscriptions/reader/events?waitMs=5000`);
    await new Promise((r) => setTimeout(r, 200));
    await call("POST", `/v1/triggers/${name}/fire`, { data: { late: 1 } });
    const p = await pending;
    expect(p.body.events.map((e: any) => e.data.payload)).toEqual([{ late: 1 }]);
    expect(Date.now() - started).toBeLessThan(4000);
    const empty = Date.now();
    const none = await call("GET", `/v1/triggers/${name}/subscriptions/reader/events?waitMs=300`);
    expect(none.body.events).toHaveLength(1); // not acked yet: still there, no wait needed
    expect(Date.now() - empty).toBeLessThan(300);
    expect((await call("GET", `/v1/triggers/${name}/subscriptions/reader/events?waitMs=30001`)).status).toBe(400);
  });

  it("a fire aimed at other flows is not returned", async () => {
    const name = await pullTrigger("now");
    await call("PUT", `/v1/triggers/${name}/subscriptions/other`, { target: { type: "pull" } });
    await call("POST", `/v1/triggers/${name}/fire`, { data: { only: "other" }, flows: ["other"] });
    expect((await call("GET", `/v1/triggers/${name}/subscriptions/reader/events`)).body.events).toEqual([]);
    expect((await call("GET", `/v1/triggers/${name}/subscriptions/other/events`)).body.events).toHaveLength(2);
  });

  it("pull endpoints on a non-pull subscription are 409, unknown flow 404", async () => {
    const name = await pullTrigger();
    expect((await call("GET", `/v1/triggers/${name}/subscriptions/ghost/events`)).status).toBe(404);
    await call("PUT", `/v1/triggers/${name}/subscriptions/q`, { target: { type: "queue", queue: "FLOW_QUEUE" }, mode: "manual" });
    expect((await call("GET", `/v1/triggers/${name}/subscriptions/q/events`)).status).toBe(409);
  });
});
