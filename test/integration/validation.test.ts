import { describe, it, expect } from "vitest";
import { call, uniq } from "../helpers";

const stream = async (name: string) => (await call("GET", `/v1/triggers/${name}/events?limit=500`)).body?.events;

describe("malformed requests get the right 4xx in the envelope and change nothing", async () => {
  const name = uniq("val");
  const cases: Array<[string, string, string, unknown, Record<string, unknown>, number]> = [
    // label, method, path, body, opts, expected status
    ["bad trigger name", "PUT", `/v1/triggers/-bad`, { type: "event" }, {}, 400],
    ["name with space", "PUT", `/v1/triggers/a%20b`, { type: "event" }, {}, 400],
    ["name too long", "PUT", `/v1/triggers/${"a".repeat(129)}`, { type: "event" }, {}, 400],
    ["malformed JSON", "PUT", `/v1/triggers/${name}`, undefined, { raw: '{"type": "event"' }, 400],
    ["non-JSON content type", "PUT", `/v1/triggers/${name}`, undefined, { raw: "type=event", headers: { "content-type": "application/x-www-form-urlencoded" } }, 415],
    ["text/plain body", "POST", `/v1/triggers/${name}/fire`, undefined, { raw: "hello", headers: { "content-type": "text/plain" } }, 415],
    ["huge body", "POST", `/v1/triggers/${name}/fire`, { data: "x".repeat(1024 * 1024 + 10) }, {}, 413],
    ["unknown type", "PUT", `/v1/triggers/${name}`, { type: "telepathy" }, {}, 400],
    ["missing type", "PUT", `/v1/triggers/${name}`, { displayName: "x" }, {}, 400],
    ["unknown top-level field", "PUT", `/v1/triggers/${name}`, { type: "event", colour: "red" }, {}, 400],
    ["wrong type for displayName", "PUT", `/v1/triggers/${name}`, { type: "event", displayName: 5 }, {}, 400],
    ["array body", "PUT", `/v1/triggers/${name}`, [1, 2], {}, 400],
    ["webhook without path", "PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { auth: { type: "none" } } }, {}, 400],
    ["bad webhook path", "PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path: "../etc", auth: { type: "none" } } }, {}, 400],
    ["schedule on an event trigger", "PUT", `/v1/triggers/${name}`, { type: "event", schedule: { cron: "* * * * *" } }, {}, 400],
    ["bad cron", "PUT", `/v1/triggers/${name}`, { type: "schedule", schedule: { cron: "61 * * * *" } }, {}, 400],
    ["cron step past its field", "PUT", `/v1/triggers/${name}`, { type: "schedule", schedule: { cron: "*/61 * * * *" } }, {}, 400],
    ["poll cron step past its field", "PUT", `/v1/triggers/${name}`, { type: "poll", poll: { url: "https://api.example.com/x", cron: "0 */25 * * *" } }, {}, 400],
    ["unknown time zone", "PUT", `/v1/triggers/${name}`, { type: "schedule", schedule: { cron: "0 * * * *", timezone: "Mars/Olympus" } }, {}, 400],
    ["bad filter operator", "PUT", `/v1/triggers/${name}`, { type: "event", filter: { "data.x": { $regex: "a" } } }, {}, 400],
    ["bad JSON schema", "PUT", `/v1/triggers/${name}`, { type: "event", schema: { type: "nonsense" } }, {}, 400],
    ["rate limit zero", "PUT", `/v1/triggers/${name}`, { type: "event", config: { rateLimit: { max: 0, windowSeconds: 10 } } }, {}, 400],
    ["bad If-Match", "PUT", `/v1/triggers/${name}`, { type: "event" }, { headers: { "if-match": "banana" } }, 400],
    ["limit out of range", "GET", `/v1/triggers?limit=501`, undefined, {}, 400],
    ["limit not a number", "GET", `/v1/triggers?limit=abc`, undefined, {}, 400],
    ["unknown list type filter", "GET", `/v1/triggers?type=bogus`, undefined, {}, 400],
    ["events after negative", "GET", `/v1/triggers/${name}/events?after=-1`, undefined, {}, 400],
    ["fire with unknown field", "POST", `/v1/triggers/${name}/fire`, { data: {}, extra: 1 }, {}, 400],
    ["idempotency key with spaces", "POST", `/v1/triggers/${name}/fire`, { data: {} }, { headers: { "idempotency-key": "a b" } }, 400],
    ["subscription http URL with credentials", "PUT", `/v1/triggers/${name}/subscriptions/f1`, { target: { type: "http", url: "https://u:p@example.com/" } }, {}, 400],
    ["subscription ftp URL", "PUT", `/v1/triggers/${name}/subscriptions/f1`, { target: { type: "http", url: "ftp://example.com/" } }, {}, 400],
    ["subscription unknown queue binding", "PUT", `/v1/triggers/${name}/subscriptions/f1`, { target: { type: "queue", queue: "NOPE" } }, {}, 400],
    ["subscription retry out of bounds", "PUT", `/v1/triggers/${name}/subscriptions/f1`, { target: { type: "pull" }, retry: { maxAttempts: 51 } }, {}, 400],
    ["subscription bad secret", "PUT", `/v1/triggers/${name}/subscriptions/f1`, { target: { type: "http", url: "https://example.com/", secret: "plain" } }, {}, 400],
    ["bad flow name", "PUT", `/v1/triggers/${name}/subscriptions/.flow`, { target: { type: "pull" } }, {}, 400],
    ["events batch not an array", "POST", `/v1/events`, { events: {} }, {}, 400],
    ["events batch empty", "POST", `/v1/events`, { events: [] }, {}, 400],
    ["delivery status bad value", "POST", `/v1/deliveries/dlv_x/status`, { status: "done" }, {}, 400],
  ];

  it.each(cases)("%s", async (_label, method, path, body, opts, expected) => {
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const before = await stream(name);
    const r = await call(method, path, body, opts as any);
    expect(r.status).toBe(expected);
    expect(r.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(await stream(name)).toEqual(before);
    const t = await call("GET", `/v1/triggers/${name}`);
    expect(t.body.version).toBe(1);
  });

  it("an impossible cron step is a 400 naming the field, and registers nothing", async () => {
    const fresh = uniq("cron");
    const r = await call("PUT", `/v1/triggers/${fresh}`, { type: "schedule", schedule: { cron: "*/61 * * * *" } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(`schedule: cron: the minute field's step in "*/61" is larger than its range 0-59, so it would only ever match minute 0; use a step from 1 to 59`);
    expect(r.body.error.details).toEqual([expect.objectContaining({ path: "schedule" })]);
    expect((await call("GET", `/v1/triggers/${fresh}`)).status).toBe(404);
    expect((await call("PUT", `/v1/triggers/${fresh}`, { type: "schedule", schedule: { cron: "*/59 * * * *" } })).status).toBe(201);
  });

  it("unknown routes are 404 in the envelope", async () => {
    const r = await call("GET", `/v1/nothing-here`);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
  });
});

describe("public routes", () => {
  it("healthz is public", async () => {
    const r = await call("GET", "/healthz", undefined, { key: null });
    expect(r).toMatchObject({ status: 200, body: { ok: true } });
  });

  it("serves an OpenAPI 3.1 document generated from the zod schemas, and docs", async () => {
    const r = await call("GET", "/openapi.json", undefined, { key: null });
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    for (const p of ["/v1/triggers/{name}", "/v1/triggers", "/v1/triggers/{name}/fire", "/v1/events", "/v1/triggers/{name}/subscriptions/{flow}", "/v1/flows/{flow}/subscriptions", "/v1/triggers/{name}/events", "/v1/triggers/{name}/fires/{eventId}", "/v1/triggers/{name}/stats"]) {
      expect(Object.keys(r.body.paths)).toContain(p);
    }
    expect(r.body.components.schemas.TriggerDefinition.properties.type.enum).toEqual(["event", "webhook", "schedule", "manual", "poll", "flow"]);
    const docs = await call("GET", "/docs", undefined, { key: null });
    expect(docs.status).toBe(200);
    expect(String(docs.body)).toContain("/openapi.json");
  });
});
