/**
 * Queue targets name only the producer bindings QUEUE_TARGETS lists for the
 * tenant (the test config lists FLOW_QUEUE for acme, nothing for globex):
 * subscriptions, await callbacks, import and sync; anything else is a 400
 * invalid_target naming the field, and nothing is stored.
 */
import { describe, it, expect } from "vitest";
import { env as workerEnv } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { call, KEYS, uniq } from "../helpers";

const GLOBEX = "globex-plain";
const queue = (name: string) => ({ type: "queue", queue: name });

function expectRefused(r: { status: number; body: any }, field: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.body.error.code).toBe("invalid_target");
  expect(r.body.error.message).toContain(field);
  expect(r.body.error.details).toEqual([{ path: field, message: expect.stringContaining("QUEUE_TARGETS") }]);
}

describe("queue targets per tenant (QUEUE_TARGETS)", () => {
  it("acme may subscribe FLOW_QUEUE; globex naming the same binding is 400 invalid_target and nothing is stored", async () => {
    const name = uniq("qt");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { mode: "manual", target: queue("FLOW_QUEUE") })).status).toBe(201);

    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" }, { key: GLOBEX })).status).toBe(201);
    expectRefused(await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: queue("FLOW_QUEUE") }, { key: GLOBEX }), "target.queue");
    expect((await call("GET", `/v1/triggers/${name}`, undefined, { key: GLOBEX })).body.subscriptions).toEqual({});
  });

  it("a binding the deployment has but does not list (even a non-queue one) is refused for acme too", async () => {
    const name = uniq("qt");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    for (const b of ["DB", "TRIGGERS", "NOT_A_BINDING"]) expectRefused(await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: queue(b) }), "target.queue");
    const own = await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: queue("DELIVERIES") });
    expect(own.body.error.code).toBe("reserved_queue");
    const shard = await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: queue("DELIVERIES_2") }); // a fast shard is ours too
    expect(shard.body.error.code).toBe("reserved_queue");
  });

  it("await callbacks get the same check: globex is 400 naming callback.queue, acme is accepted", async () => {
    const runId = uniq("qtrun");
    const body = { kind: "sleep", durationMs: 60_000, callback: queue("FLOW_QUEUE") };
    expectRefused(await call("PUT", `/v1/runs/${runId}/awaits/s`, body, { key: GLOBEX }), "callback.queue");
    expect((await call("GET", `/v1/runs/${runId}/awaits/s`, undefined, { key: GLOBEX })).status).toBe(404);
    expectRefused(await call("PUT", `/v1/runs/${runId}/awaits/s`, { ...body, callback: queue("DB") }), "callback.queue");
    expect((await call("PUT", `/v1/runs/${runId}/awaits/s`, body)).status).toBe(201);
  });

  it("import and sync by globex list the queue target as a problem and create nothing", async () => {
    const name = uniq("qtimp");
    const triggers = [{ name, type: "event", subscriptions: { f: { target: queue("FLOW_QUEUE") } } }];
    const imp = await call("POST", "/v1/import", { format: "signalbox.v1", triggers }, { key: GLOBEX });
    expect(imp.status).toBe(400);
    expect(imp.body.error.details).toEqual([{ name, path: "subscriptions.f.target.queue", message: expect.stringContaining("QUEUE_TARGETS") }]);
    const sync = await call("POST", "/v1/sync", { source: "code", triggers }, { key: GLOBEX });
    expect(sync.status).toBe(400);
    expect((await call("GET", `/v1/triggers/${name}`, undefined, { key: GLOBEX })).status).toBe(404);
    expect((await call("POST", "/v1/import?dryRun=true", { format: "signalbox.v1", triggers })).status).toBe(200);
  });

  it("with QUEUE_TARGETS unset no tenant may name a queue (fail closed)", async () => {
    const name = uniq("qtnone");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const env = { ...(workerEnv as unknown as Record<string, unknown>), QUEUE_TARGETS: undefined };
    const req = new Request(`http://signalbox.test/v1/triggers/${name}/subscriptions/f`, {
      method: "PUT", headers: { authorization: `Bearer ${KEYS.acme}`, "content-type": "application/json" }, body: JSON.stringify({ target: queue("FLOW_QUEUE") }),
    });
    const res = await worker.fetch(req as any, env as any, createExecutionContext());
    expectRefused({ status: res.status, body: await res.json() }, "target.queue");
  });
});
