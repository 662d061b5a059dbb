/**
 * Reads that cost the work, not the data (invariant 8): GET /v1/triggers with
 * a name prefix (`q`) or a flow (`subscribedBy`) reads about a page of D1
 * rows however many triggers the tenant has. D1's own count is in the
 * answer's `x-signalbox-d1-rows-read`.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { env } from "cloudflare:workers";
import { call, uniq } from "../helpers";

const N = 2_000;
const T0 = Date.now() - 86_400_000;
const prefix = uniq("bulk");
const flow = uniq("mine");

const rowsRead = (r: { headers: Headers }) => Number(r.headers.get("x-signalbox-d1-rows-read"));
const names = (r: { body: any }) => r.body.triggers.map((t: any) => t.name) as string[];

beforeAll(async () => {
  // 2,000 triggers in the tenant's index, each subscribed by another flow; three subscribed by `flow`, three named needle.*
  const stmts: D1PreparedStatement[] = [];
  for (let i = 0; i < N; i++) {
    const name = `${prefix}.${String(i).padStart(4, "0")}`;
    stmts.push(env.DB.prepare(`INSERT INTO triggers (tenant, name, type, status, registered_at, last_activity_at, version, source) VALUES ('acme', ?, 'event', 'active', ?, ?, 1, 'api')`).bind(name, T0 + i, T0 + i));
    stmts.push(env.DB.prepare(`INSERT INTO subscriptions (tenant, trigger_name, flow, mode, target_type, subscribed_at, version, removed, trigger_registered_at) VALUES ('acme', ?, 'other', 'auto', 'pull', 0, 1, 0, ?)`).bind(name, T0 + i));
  }
  for (const i of [5, 500, 1500]) {
    stmts.push(env.DB.prepare(`INSERT INTO subscriptions (tenant, trigger_name, flow, mode, target_type, subscribed_at, version, removed, trigger_registered_at) VALUES ('acme', ?, ?, 'auto', 'pull', 0, 1, 0, ?)`).bind(`${prefix}.${String(i).padStart(4, "0")}`, flow, T0 + i));
  }
  for (let i = 0; i < 3; i++) stmts.push(env.DB.prepare(`INSERT INTO triggers (tenant, name, type, status, registered_at, last_activity_at, version, source) VALUES ('acme', ?, 'manual', 'active', ?, ?, 1, 'api')`).bind(`needle.${prefix}.${i}`, T0 + i, T0 + i));
  for (let i = 0; i < stmts.length; i += 500) await env.DB.batch(stmts.slice(i, i + 500));
}, 60_000);

describe("GET /v1/triggers reads a page, not the tenant", () => {
  it("q (a name prefix) reads the matching names only", async () => {
    const r = await call("GET", `/v1/triggers?q=needle.${prefix}`);
    expect(r.status).toBe(200);
    expect(names(r)).toEqual([2, 1, 0].map((i) => `needle.${prefix}.${i}`));
    expect(rowsRead(r)).toBeLessThan(20);
    // a prefix of many: a page of 10 in order, and the cursor continues it
    const p1 = await call("GET", `/v1/triggers?q=${prefix}.19&limit=10`);
    expect(names(p1)).toEqual(Array.from({ length: 10 }, (_, k) => `${prefix}.${1999 - k}`));
    const p2 = await call("GET", `/v1/triggers?q=${prefix}.19&limit=10&cursor=${p1.body.nextCursor}`);
    expect(names(p2)).toEqual(Array.from({ length: 10 }, (_, k) => `${prefix}.${1989 - k}`));
    expect(rowsRead(p2)).toBeLessThan(250); // the prefix's 100 names at most, never the tenant's 2,000
  });

  it("subscribedBy reads the flow's subscriptions only, newest trigger first, paged", async () => {
    const r = await call("GET", `/v1/triggers?subscribedBy=${flow}&limit=2`);
    expect(names(r)).toEqual([`${prefix}.1500`, `${prefix}.0500`]);
    expect(rowsRead(r)).toBeLessThan(20);
    const next = await call("GET", `/v1/triggers?subscribedBy=${flow}&limit=2&cursor=${r.body.nextCursor}`);
    expect(names(next)).toEqual([`${prefix}.0005`]);
    expect(next.body.nextCursor).toBeNull();
    expect(rowsRead(next)).toBeLessThan(20);
    // with the other filters
    expect(names(await call("GET", `/v1/triggers?subscribedBy=${flow}&q=${prefix}.05`))).toEqual([`${prefix}.0500`]);
    expect(names(await call("GET", `/v1/triggers?subscribedBy=${flow}&type=manual`))).toEqual([]);
  });

  it("a subscription made through the API is listed by subscribedBy (the projection carries the order), and leaves when removed", async () => {
    const name = uniq("subby");
    const f = uniq("subflow");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    await call("PUT", `/v1/triggers/${name}/subscriptions/${f}`, { target: { type: "pull" } });
    const r = await call("GET", `/v1/triggers?subscribedBy=${f}`);
    expect(r.body.triggers).toEqual([expect.objectContaining({ name, registeredAt: (await call("GET", `/v1/triggers/${name}`)).body.registeredAt })]);
    await call("DELETE", `/v1/triggers/${name}/subscriptions/${f}`);
    expect(names(await call("GET", `/v1/triggers?subscribedBy=${f}`))).toEqual([]);
  });
});
