/**
 * API fires and webhook requests that arrive together are recorded in one
 * transaction (a commit group); webhooks are then processed from the rows
 * this instance keeps in memory.
 * Each request keeps its own checks, in arrival order: a refusal inside a
 * group refuses that request only, a duplicate inside a group is answered
 * with the first one's id, and rows that do not fit the memory budget are
 * read back from SQLite. Nothing is stored half, lost or fired twice.
 */
import { describe, it, expect } from "vitest";
import { runDurableObjectAlarm } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { call, uniq, triggerStub, inObject, until } from "../helpers";
import { signFor } from "../webhook-signers";

async function hook(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await (exports as any).default.fetch(new Request(`http://signalbox.test/webhooks/acme/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body }));
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), headers: res.headers };
}

async function webhookTrigger(def: Record<string, unknown> = {}, auth: Record<string, unknown> = { type: "none" }) {
  const name = uniq("cg");
  const path = name.replace(/[^a-z0-9.-]/g, "-").toLowerCase();
  expect((await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth }, ...def })).status).toBe(201);
  return { name, path, stub: triggerStub("acme", name) };
}

const fires = async (name: string) =>
  ((await call("GET", `/v1/triggers/${name}/events?limit=500`)).body.events as any[]).filter((e) => e.type === "trigger.fired" || e.type === "trigger.skipped");
const inbox = (stub: any) => inObject(stub, (o: any) => o.ctx.storage.sql.exec(`SELECT status, count(*) AS n FROM inbox GROUP BY status ORDER BY status`).toArray());

describe("commit groups", () => {
  it("a burst under a rate limit of 5: exactly 5 stored and 202, the rest 429 with nothing stored", async () => {
    const { name, path, stub } = await webhookTrigger({ config: { rateLimit: { max: 5, windowSeconds: 600 } } });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => hook(path, JSON.stringify({ i }))));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(5);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(15);
    for (const r of refused) expect(r.body.error.code).toBe("rate_limited");
    const f = await until(() => fires(name), (x) => x.length === 5);
    expect(new Set(f.map((e) => e.id))).toEqual(new Set(answers.filter((a) => a.status === 202).map((a) => a.body.id)));
    expect(await inbox(stub)).toEqual([{ status: "completed", n: 5 }]);
  });

  it("the same delivery id twice in one burst: one accepted, the other deduplicated with the same id, one fire", async () => {
    const { name, path } = await webhookTrigger({}, { type: "hmac", provider: "github", secret: "s" });
    const body = JSON.stringify({ action: "opened" });
    const h = await signFor("github", "s", body, Date.now(), { id: "same-delivery" });
    const answers = await Promise.all([hook(path, body, h), hook(path, body, h), hook(path, body, h)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(answers.map((a) => a.body.status).sort()).toEqual(["accepted", "deduplicated", "deduplicated"]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    await until(() => fires(name), (x) => x.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await fires(name)).toHaveLength(1);
  });

  it("rows held back from processing are kept in memory up to the budget; past it they are read back, and each fires once", async () => {
    const { name, path, stub } = await webhookTrigger();
    expect((await hook(path, "{}")).status).toBe(202);
    await until(() => fires(name), (x) => x.length === 1);
    // the first pass read SQLite and closed every open row: from here the instance knows the open rows
    expect(await inObject(stub, (o: any) => o.core.openRows.oldest(100))).toEqual([]);
    await inObject(stub, (o: any) => { o.scheduleDrain = () => {}; });
    const small = await Promise.all(Array.from({ length: 10 }, (_, i) => hook(path, JSON.stringify({ i }))));
    expect(await inObject(stub, (o: any) => o.core.openRows.oldest(100)?.map((r: any) => r.event_id).sort())).toEqual(small.map((a) => a.body.id).sort());
    // 50 bodies of 100 KB: past the 4 MiB budget, the instance forgets the open rows
    const pad = "x".repeat(100 * 1024);
    const big = await Promise.all(Array.from({ length: 50 }, (_, i) => hook(path, JSON.stringify({ i, pad }))));
    expect(big.every((a) => a.status === 202)).toBe(true);
    expect(await inObject(stub, (o: any) => o.core.openRows.oldest(100))).toBeNull();
    await inObject(stub, (o: any) => { delete o.scheduleDrain; });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const f = await until(() => fires(name), (x) => x.length === 61, 15_000);
    expect(f).toHaveLength(61);
    expect(new Set(f.map((e) => e.id)).size).toBe(61);
    expect(await inbox(stub)).toEqual([{ status: "completed", n: 61 }]);
    expect(await inObject(stub, (o: any) => o.core.openRows.oldest(100))).toEqual([]);
  });

  it("20 API fires at once are recorded in a few transactions, not one each", async () => {
    const name = uniq("cgf");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "manual" })).status).toBe(201);
    const stub = triggerStub("acme", name);
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: {} })).status).toBe(202); // loads the object and its caches
    const before = await inObject(stub, (o: any) => o.core.transactions);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call("POST", `/v1/triggers/${name}/fire`, { data: { i } })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(20);
    expect((await inObject(stub, (o: any) => o.core.transactions)) - before).toBeLessThanOrEqual(10);
  });

  it("API fires at once: a rate limit of 5 and a schema refuse only their own fires; the rest are recorded", async () => {
    const name = uniq("cgf");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "manual", schema: { type: "object", required: ["n"] }, config: { rateLimit: { max: 5, windowSeconds: 600 } } })).status).toBe(201);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call("POST", `/v1/triggers/${name}/fire`, { data: i % 4 === 0 ? { bad: true } : { n: i } })));
    const invalid = answers.filter((a) => a.status === 422);
    expect(invalid).toHaveLength(5);
    for (const a of invalid) expect(a.body.error.code).toBe("schema_invalid");
    const ok = answers.filter((a) => a.status === 202);
    expect(ok).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(10);
    const streamed = ((await call("GET", `/v1/triggers/${name}/events?types=trigger.fired&limit=100`)).body.events as any[]).map((e) => e.id);
    expect(streamed.sort()).toEqual(ok.map((a) => a.body.eventId).sort());
  });
});
