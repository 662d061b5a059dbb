/**
 * Hints where newcomers trip (issue 20): a retired trigger's 410 and PUT say
 * how to reactivate it; a fire body without its `data` wrapper says where the
 * payload goes.
 */
import { describe, it, expect } from "vitest";
import { call, uniq } from "../helpers";

describe("a retired trigger points at POST …/reactivate", () => {
  it("a fire answers 410 naming the reactivate call; a PUT is stored, stays retired and says so", async () => {
    const name = uniq("retired");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
    expect((await call("POST", `/v1/triggers/${name}/retire`, {})).status).toBe(200);

    const fire = await call("POST", `/v1/triggers/${name}/fire`, { data: { id: "1" } });
    expect(fire.status).toBe(410);
    expect(fire.body.error).toEqual({ code: "trigger_retired", message: `Trigger '${name}' is retired: reactivate it with POST /v1/triggers/${name}/reactivate` });

    const put = await call("PUT", `/v1/triggers/${name}`, { type: "event", description: "changed" });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ status: "retired", description: "changed", version: 3 });
    expect(put.body.hint).toBe(`Trigger '${name}' is retired: the definition is stored, but fires and its webhook answer 410 until POST /v1/triggers/${name}/reactivate`);

    expect((await call("POST", `/v1/triggers/${name}/reactivate`, {})).status).toBe(200);
    const active = await call("PUT", `/v1/triggers/${name}`, { type: "event", description: "again" });
    expect(active.status).toBe(200);
    expect(active.body.hint).toBeUndefined();
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: {} })).status).toBe(202);
  });
});

describe("a fire body without its data wrapper", () => {
  it("is a 400 that shows where the payload goes, and records nothing", async () => {
    const name = uniq("hint");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
    const r = await call("POST", `/v1/triggers/${name}/fire`, { id: "42", email: "a@example.com" });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(`id: is not a known field; email: is not a known field. The payload goes inside "data": {"data": {"id": …, "email": …}}`);
    expect(r.body.error.details).toEqual([
      { path: "id", message: "is not a known field", code: "unrecognized_keys" },
      { path: "email", message: "is not a known field", code: "unrecognized_keys" },
    ]);
    const fired = (await call("GET", `/v1/triggers/${name}/events?types=trigger.fired`)).body.events;
    expect(fired).toEqual([]);
  });

  it("keeps the plain message when data is there (an extra field is just unknown)", async () => {
    const name = uniq("hint");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
    const r = await call("POST", `/v1/triggers/${name}/fire`, { data: { id: "42" }, priority: 1 });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe("priority: is not a known field");
  });
});

describe("a 404 for a trigger names it", () => {
  it("on trigger routes, and on an event await that waits for an unknown trigger", async () => {
    const name = uniq("missing");
    for (const [method, path, body] of [["GET", `/v1/triggers/${name}`], ["POST", `/v1/triggers/${name}/fire`, { data: {} }], ["GET", `/v1/triggers/${name}/events`], ["GET", `/v1/triggers/${name}/events/live`]] as const) {
      const r = await call(method, path, body);
      expect(r.status, path).toBe(404);
      expect(r.body.error, path).toEqual({ code: "not_found", message: `Trigger '${name}' not found` });
    }
    const run = uniq("run");
    const r = await call("PUT", `/v1/runs/${run}/awaits/paid`, { kind: "event", trigger: name, match: { "data.id": "42" }, timeoutMs: 60_000 });
    expect(r.status).toBe(404);
    expect(r.body.error.message).toBe(`Trigger '${name}' not found: an event await waits for the fires of an existing trigger`);
    expect((await call("GET", `/v1/runs/${run}/awaits/paid`)).status).toBe(404);
  });
});
