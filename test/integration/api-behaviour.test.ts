/**
 * The API behaves like the products people know: optional bodies, Stripe's
 * idempotency conflict, CORS for the dashboard's origins, 405 with Allow,
 * and validation messages written for people (API.md "Conventions").
 */
import { describe, it, expect, inject } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { call, uniq, KEYS } from "../helpers";

const ALLOWED = "https://dash.example.com"; // CORS_ORIGINS in vitest.config.ts
const port = inject("receiverPort");
const stream = async (name: string) => (await call("GET", `/v1/triggers/${name}/events?limit=500`)).body.events;

async function trigger(def: Record<string, unknown> = { type: "event" }) {
  const name = uniq("ab");
  expect((await call("PUT", `/v1/triggers/${name}`, def)).status).toBe(201);
  return name;
}

/** A raw request through the Worker with another CORS_ORIGINS (or none). */
async function raw(method: string, path: string, headers: Record<string, string>, vars: Record<string, unknown> = {}) {
  return worker.fetch(new Request(`http://signalbox.test${path}`, { method, headers }) as any, { ...env, ...vars } as any, createExecutionContext());
}

describe("a POST whose body is optional takes no body and no content type", () => {
  it("retire, reactivate, replay and skip answer without a body", async () => {
    const name = await trigger();
    await call("PUT", `/v1/triggers/${name}/subscriptions/f1`, { mode: "manual", target: { type: "pull" } });
    await call("PUT", `/v1/triggers/${name}/subscriptions/f2`, { mode: "manual", target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${name}` } });
    const f = await call("POST", `/v1/triggers/${name}/fire`);
    expect(f.status).toBe(202);
    const replay = await call("POST", `/v1/triggers/${name}/fires/${f.body.eventId}/skip`);
    expect(replay.status).toBe(200);
    expect((await call("POST", `/v1/triggers/${name}/fires/${f.body.eventId}/replay`)).status).toBe(202);
    const retired = await call("POST", `/v1/triggers/${name}/retire`);
    expect(retired).toMatchObject({ status: 200, body: { status: "retired" } });
    const back = await call("POST", `/v1/triggers/${name}/reactivate`);
    expect(back).toMatchObject({ status: 200, body: { status: "active" } });
  });

  it("an empty JSON body is the same as none", async () => {
    const name = await trigger();
    expect((await call("POST", `/v1/triggers/${name}/retire`, undefined, { raw: "", headers: { "content-type": "application/json" } })).status).toBe(200);
    expect((await call("POST", `/v1/triggers/${name}/reactivate`, {})).status).toBe(200);
  });

  it("a fire without data (no body, or {}) records data null", async () => {
    const name = await trigger();
    for (const body of [undefined, {}]) {
      const f = await call("POST", `/v1/triggers/${name}/fire`, body);
      expect(f.status).toBe(202);
      const read = await call("GET", `/v1/triggers/${name}/fires/${f.body.eventId}`);
      expect(read.body.data).toBeNull();
    }
  });

  it("a fire without data on a trigger whose schema wants an object is a 422 that names the field", async () => {
    const name = await trigger({ type: "event", schema: { type: "object", required: ["id"], properties: { id: { type: "string" }, n: { type: "integer", minimum: 0 } } } });
    const none = await call("POST", `/v1/triggers/${name}/fire`);
    expect(none.status).toBe(422);
    expect(none.body.error).toMatchObject({ code: "schema_invalid", message: expect.stringContaining("data: must be a JSON object, not null") });
    expect(none.body.error.message).not.toContain("Instance");
    const missing = await call("POST", `/v1/triggers/${name}/fire`, { data: { n: -1 } });
    expect(missing.body.error.message).toContain("data.id: required");
    expect(missing.body.error.message).toContain("data.n: must be at least 0");
    expect(missing.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: "", message: expect.any(String) })]));
  });

  it("a body that is not JSON is still 415, and a required body that is missing is a 400 naming the fields", async () => {
    const name = await trigger();
    const text = await call("POST", `/v1/triggers/${name}/fire`, undefined, { raw: "hello", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe("unsupported_media_type");
    const ack = await call("POST", `/v1/triggers/${name}/subscriptions/f1/ack`);
    expect(ack.status).toBe(400);
    expect(ack.body.error.message).toBe("seq: required");
  });
});

describe("idempotency keys follow Stripe's rule", () => {
  it("same key + same data: deduplicated; same key + other data: 409 idempotency_conflict, recording nothing", async () => {
    const name = await trigger();
    const first = await call("POST", `/v1/triggers/${name}/fire`, { data: { a: 1, b: [1, 2] } }, { headers: { "idempotency-key": "ik-1" } });
    expect(first.status).toBe(202);
    const before = await stream(name);
    // key order does not make the data different
    const same = await call("POST", `/v1/triggers/${name}/fire`, { data: { b: [1, 2], a: 1 }, idempotencyKey: "ik-1" });
    expect(same).toMatchObject({ status: 200, body: { eventId: first.body.eventId, status: "deduplicated" } });
    const other = await call("POST", `/v1/triggers/${name}/fire`, { data: { a: 2 } }, { headers: { "idempotency-key": "ik-1" } });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: "idempotency_conflict", message: expect.stringContaining(first.body.eventId), details: { eventId: first.body.eventId } });
    const none = await call("POST", `/v1/triggers/${name}/fire`, { idempotencyKey: "ik-1" });
    expect(none.status).toBe(409);
    expect(await stream(name)).toEqual(before);
  });

  it("the batch endpoint reports the conflict for that event only", async () => {
    const name = await trigger();
    await call("POST", `/v1/triggers/${name}/fire`, { data: { x: 1 }, idempotencyKey: "ik-b" });
    const r = await call("POST", `/v1/events`, { events: [{ name, data: { x: 1 }, idempotencyKey: "ik-b" }, { name, data: { x: 2 }, idempotencyKey: "ik-b" }, { name, data: {} }] });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: any) => x.status)).toEqual(["deduplicated", "error", "accepted"]);
    expect(r.body.results[1].error.code).toBe("idempotency_conflict");
  });
});

describe("CORS on /v1", () => {
  const preflight = { origin: ALLOWED, "access-control-request-method": "PUT", "access-control-request-headers": "authorization, content-type, idempotency-key" };

  it("answers a preflight from an allowed origin without a key", async () => {
    const r = await raw("OPTIONS", "/v1/triggers/x", preflight);
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    const allowHeaders = (r.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(",");
    for (const h of ["authorization", "content-type", "if-match", "idempotency-key"]) expect(allowHeaders).toContain(h);
    expect(r.headers.get("access-control-allow-methods")).toContain("PUT");
  });

  it("adds the origin and the exposed headers to answers, errors included", async () => {
    const name = await trigger();
    const r = await raw("GET", `/v1/triggers/${name}`, { origin: ALLOWED, authorization: `Bearer ${KEYS.acme}` });
    expect(r.status).toBe(200);
    expect(r.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    const exposed = (r.headers.get("access-control-expose-headers") ?? "").toLowerCase().split(",");
    expect(exposed).toEqual(expect.arrayContaining(["etag", "retry-after"]));
    const denied = await raw("GET", `/v1/triggers/${name}`, { origin: ALLOWED });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe(ALLOWED);
  });

  it("gives another origin no CORS headers", async () => {
    const pre = await raw("OPTIONS", "/v1/triggers/x", { ...preflight, origin: "https://evil.example" });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    expect(pre.headers.get("access-control-allow-methods")).toBeNull();
    const r = await raw("GET", "/v1/triggers", { origin: "https://evil.example", authorization: `Bearer ${KEYS.acme}` });
    expect(r.status).toBe(200);
    expect(r.headers.get("access-control-allow-origin")).toBeNull();
    expect(r.headers.get("access-control-expose-headers")).toBeNull();
  });

  it("by default (CORS_ORIGINS empty) sends no CORS headers at all", async () => {
    const pre = await raw("OPTIONS", "/v1/triggers/x", preflight, { CORS_ORIGINS: "" });
    expect(pre.status).toBe(204);
    expect([...pre.headers.keys()].filter((k) => k.startsWith("access-control-"))).toEqual([]);
    const r = await raw("GET", "/v1/triggers", { origin: ALLOWED, authorization: `Bearer ${KEYS.acme}` }, { CORS_ORIGINS: undefined });
    expect(r.status).toBe(200);
    expect([...r.headers.keys()].filter((k) => k.startsWith("access-control-"))).toEqual([]);
  });

  it("takes a comma-separated list", async () => {
    const vars = { CORS_ORIGINS: " https://a.example , https://b.example/ " };
    for (const origin of ["https://a.example", "https://b.example"]) {
      const r = await raw("OPTIONS", "/v1/triggers", { ...preflight, origin }, vars);
      expect(r.headers.get("access-control-allow-origin")).toBe(origin);
    }
    expect((await raw("OPTIONS", "/v1/triggers", preflight, vars)).headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("a known path with another method is 405 with Allow", () => {
  const cases: [string, string, string[]][] = [
    ["DELETE", "/v1/triggers/x", ["GET", "PUT"]],
    ["PATCH", "/v1/triggers/x/fire", ["POST"]],
    ["GET", "/v1/triggers/x/retire", ["POST"]],
    ["PUT", "/v1/triggers", ["GET"]],
    ["GET", "/v1/deliveries/dlv_x/status", ["POST"]],
    ["POST", "/v1/triggers/x/subscriptions/f1", ["PUT", "DELETE"]],
  ];
  it.each(cases)("%s %s", async (method, path, methods) => {
    const r = await call(method, path);
    expect(r.status).toBe(405);
    expect(r.body.error).toMatchObject({ code: "method_not_allowed", message: expect.stringContaining(method) });
    const allow = (r.headers.get("allow") ?? "").split(", ");
    expect(allow).toEqual(expect.arrayContaining(methods));
    expect(allow).not.toContain(method);
    expect(r.body.error.details.allow).toEqual(allow);
  });

  it("unknown paths stay 404, and a key is still needed first", async () => {
    expect((await call("DELETE", "/v1/nothing-here")).status).toBe(404);
    expect((await call("GET", "/v1/triggers/x/nope")).status).toBe(404);
    expect((await call("DELETE", "/v1/triggers/x", undefined, { key: null })).status).toBe(401);
  });
});

describe("validation messages are written for people", () => {
  const name = uniq("msg");
  const cases: [string, string, string, unknown, string][] = [
    ["a bound", "PUT", `/v1/triggers/${name}/subscriptions/f1`, { target: { type: "pull" }, retry: { maxAttempts: 51 } }, "retry.maxAttempts: must be at most 50"],
    ["a missing field", "PUT", `/v1/triggers/${name}`, { type: "poll", poll: { every: "5m" } }, "poll.url: required"],
    ["a wrong type", "PUT", `/v1/triggers/${name}`, { type: "event", displayName: 5 }, "displayName: must be a string, not a number"],
    ["an unknown field", "PUT", `/v1/triggers/${name}`, { type: "event", colour: "red" }, "colour: is not a known field"],
    ["a bad option", "PUT", `/v1/triggers/${name}`, { type: "telepathy" }, "type: must be one of"],
    ["a query bound", "GET", `/v1/triggers?limit=501`, undefined, "limit: must be at most 500"],
    ["a root of the wrong type", "PUT", `/v1/triggers/${name}`, [1, 2], "body: must be a JSON object, not an array"],
    ["an http target without url", "PUT", `/v1/triggers/${name}/subscriptions/f1`, { target: { type: "http" } }, "target.url: required"],
    ["an unknown target type", "PUT", `/v1/triggers/${name}/subscriptions/f1`, { target: { type: "carrier-pigeon" } }, 'target.type: must be one of "http", "queue", "pull"'],
  ];
  it.each(cases)("%s", async (_label, method, path, body, expected) => {
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const r = await call(method, path, body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_request");
    expect(r.body.error.message).toContain(expected);
    expect(r.body.error.message).not.toMatch(/Invalid input|received undefined|Too big|Unrecognized/);
    expect(Array.isArray(r.body.error.details)).toBe(true);
    expect(r.body.error.details[0]).toMatchObject({ path: expect.any(String), message: expect.any(String), code: expect.any(String) });
  });
});
