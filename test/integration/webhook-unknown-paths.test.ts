/**
 * The public ingress and unknown paths: a path D1 does not know is
 * remembered for a short while (bounded), so repeated unauthenticated
 * requests to it do not each read D1; a path registered right after is found
 * at once in this isolate.
 */
import { describe, it, expect } from "vitest";
import { env as workerEnv } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { call, uniq } from "../helpers";
import { MAX_ENTRIES, UNKNOWN_TTL_MS } from "../../src/routes/webhook-route-cache";

/** The real D1 binding, counting the statements the Worker prepares on it. */
function countingEnv() {
  const db = (workerEnv as any).DB as D1Database;
  let reads = 0;
  const counted = new Proxy(db, {
    get(target, key) {
      if (key === "prepare") return (sql: string) => (reads++, target.prepare(sql));
      const v = (target as any)[key];
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { env: { ...(workerEnv as any), DB: counted }, reads: () => reads };
}

async function hook(env: unknown, path: string) {
  const res = await worker.fetch(new Request(`http://signalbox.test/webhooks/acme/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }) as any, env as any, createExecutionContext());
  await res.arrayBuffer();
  return res.status;
}

const pathOf = (s: string) => s.replace(/[^a-z0-9.-]/g, "-").toLowerCase();

describe("unknown webhook paths", () => {
  it("a burst to one unknown path reads D1 once; after the short TTL it asks again", async () => {
    const c = countingEnv();
    const path = pathOf(uniq("nobody"));
    for (let i = 0; i < 20; i++) expect(await hook(c.env, path)).toBe(404);
    expect(c.reads()).toBe(1);
    await new Promise((r) => setTimeout(r, UNKNOWN_TTL_MS + 100));
    expect(await hook(c.env, path)).toBe(404);
    expect(c.reads()).toBe(2);
  });

  it("a path registered right after it was found unknown is found at once", async () => {
    const path = pathOf(uniq("soon"));
    const name = uniq("soon");
    expect(await hook(workerEnv, path)).toBe(404);
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" } } })).status).toBe(201);
    expect(await hook(workerEnv, path)).toBe(202);
  });

  it("the cache is bounded: past MAX_ENTRIES unknown paths the oldest is forgotten (and read again)", async () => {
    const c = countingEnv();
    const base = pathOf(uniq("many"));
    for (let i = 0; i <= MAX_ENTRIES; i++) await hook(c.env, `${base}/${i}`);
    expect(c.reads()).toBe(MAX_ENTRIES + 1);
    await hook(c.env, `${base}/${MAX_ENTRIES}`); // the newest is still remembered
    expect(c.reads()).toBe(MAX_ENTRIES + 1);
    await hook(c.env, `${base}/0`); // the oldest was evicted
    expect(c.reads()).toBe(MAX_ENTRIES + 2);
  }, 60_000);
});
