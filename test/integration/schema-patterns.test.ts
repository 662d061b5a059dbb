/**
 * ReDoS through the HTTP surface: a trigger whose schema has
 * `{"pattern": "^(a+)+$"}` answers a hostile fire at once (it held the
 * object for 115 s on backtracking), webhooks with such input are judged
 * as fast, valid patterns still work, and patterns RE2 cannot run are a
 * 400 naming the field at registration.
 */
import { describe, it, expect } from "vitest";
import { call, fetchWorker, uniq, until } from "../helpers";

const EVIL = "^(a+)+$";
const HOSTILE = `${"a".repeat(41)}!`;

async function timedCall(...args: Parameters<typeof call>) {
  const t0 = Date.now();
  const r = await call(...args);
  return { ...r, ms: Date.now() - t0 };
}

describe("schema patterns match in linear time", () => {
  it("a fire with 41 a's and a ! against ^(a+)+$ is a 422 within a second; a matching one is accepted", async () => {
    const name = uniq("redos");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event", schema: { type: "object", properties: { s: { type: "string", pattern: EVIL } } } })).status).toBe(201);
    const bad = await timedCall("POST", `/v1/triggers/${name}/fire`, { data: { s: HOSTILE } });
    expect(bad.status).toBe(422);
    expect(bad.ms).toBeLessThan(1000);
    const worse = await timedCall("POST", `/v1/triggers/${name}/fire`, { data: { s: `${"a".repeat(100_000)}!` } });
    expect(worse.status).toBe(422);
    expect(worse.ms).toBeLessThan(1000);
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: { s: "aaaa" } })).status).toBe(202);
  });

  it("patternProperties with a backtracking pattern answers fast too", async () => {
    const name = uniq("redos");
    await call("PUT", `/v1/triggers/${name}`, { type: "event", schema: { type: "object", patternProperties: { [EVIL]: { type: "number" } }, additionalProperties: false } });
    const bad = await timedCall("POST", `/v1/triggers/${name}/fire`, { data: { [HOSTILE]: 1 } });
    expect(bad.status).toBe(422);
    expect(bad.ms).toBeLessThan(1000);
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: { aaa: 1 } })).status).toBe(202);
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: { aaa: "x" } })).status).toBe(422);
  });

  it("a webhook sender with hostile input gets its 202, and the fire is skipped as schema_invalid at once", async () => {
    const name = uniq("redoswh");
    const path = name.replace(/[^a-z0-9.-]/g, "-").toLowerCase();
    await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" } }, schema: { properties: { s: { pattern: EVIL } } } });
    const t0 = Date.now();
    const res = await fetchWorker(new Request(`http://signalbox.test/webhooks/acme/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ s: HOSTILE }) }));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const fire = await until(() => call("GET", `/v1/triggers/${name}/fires/${id}`), (r) => r.status === 200, 2000);
    expect(fire.body).toMatchObject({ status: "skipped", skipReason: "schema_invalid" });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("valid patterns keep working: email-ish, anchors, unicode classes", async () => {
    const name = uniq("pat");
    await call("PUT", `/v1/triggers/${name}`, { type: "event", schema: { properties: { email: { pattern: "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$" }, word: { pattern: "^\\p{L}+$" } } } });
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: { email: "ops@example.com", word: "Grüße" } })).status).toBe(202);
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: { email: "not an email" } })).status).toBe(422);
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: { word: "abc1" } })).status).toBe(422);
  });

  it("a pattern RE2 cannot run (lookahead, backreference) is a 400 naming the schema field, for triggers and webhook awaits", async () => {
    const r = await call("PUT", `/v1/triggers/${uniq("pat")}`, { type: "event", schema: { properties: { pw: { pattern: "^(?=.*\\d).{8,}$" } } } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/schema.*\/properties\/pw\/pattern.*linear time/);
    const pp = await call("PUT", `/v1/triggers/${uniq("pat")}`, { type: "event", schema: { patternProperties: { "(a)\\1": {} } } });
    expect(pp.status).toBe(400);
    expect(pp.body.error.message).toMatch(/patternProperties.*linear time/);
    const aw = await call("PUT", `/v1/runs/${uniq("run")}/awaits/ok`, { kind: "webhook", schema: { properties: { a: { pattern: "(?<!x)y" } } } });
    expect(aw.status).toBe(400);
    expect(aw.body.error.message).toMatch(/schema.*linear time/);
  });
});
