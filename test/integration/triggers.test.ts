import { describe, it, expect } from "vitest";
import { call, uniq, KEYS } from "../helpers";

describe("trigger registry", () => {
  it("registers (201), reads, updates (200) and keeps an identical PUT a no-op", async () => {
    const name = uniq("reg");
    const put = await call("PUT", `/v1/triggers/${name}`, { type: "event", displayName: "First" });
    expect(put.status).toBe(201);
    expect(put.headers.get("etag")).toBe('"1"');
    expect(put.body).toMatchObject({ name, type: "event", status: "active", version: 1, scope: "flow", displayName: "First" });

    const same = await call("PUT", `/v1/triggers/${name}`, { type: "event", displayName: "First" });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);

    const upd = await call("PUT", `/v1/triggers/${name}`, { type: "event", displayName: "Second" });
    expect(upd.status).toBe(200);
    expect(upd.body.version).toBe(2);

    const get = await call("GET", `/v1/triggers/${name}`);
    expect(get.status).toBe(200);
    expect(get.body.displayName).toBe("Second");

    const ev = await call("GET", `/v1/triggers/${name}/events`);
    expect(ev.body.events.map((e: any) => e.type)).toEqual(["trigger.registered", "trigger.updated"]);
  });

  it("optimistic locking: stale If-Match is 409, current one passes", async () => {
    const name = uniq("lock");
    await call("PUT", `/v1/triggers/${name}`, { type: "manual" });
    const stale = await call("PUT", `/v1/triggers/${name}`, { type: "manual", displayName: "x" }, { headers: { "if-match": '"7"' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("conflict");
    const ok = await call("PUT", `/v1/triggers/${name}`, { type: "manual", displayName: "x" }, { headers: { "if-match": '"1"' } });
    expect(ok.status).toBe(200);
    const bare = await call("PUT", `/v1/triggers/${name}`, { type: "manual", displayName: "y" }, { headers: { "if-match": "2" } });
    expect(bare.status).toBe(200);
    expect(bare.body.version).toBe(3);
  });

  it("retire → fires 410 → reactivate", async () => {
    const name = uniq("ret");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const r = await call("POST", `/v1/triggers/${name}/retire`, { reason: "old" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "retired", retiredReason: "old" });
    const f = await call("POST", `/v1/triggers/${name}/fire`, { data: {} });
    expect(f.status).toBe(410);
    const back = await call("POST", `/v1/triggers/${name}/reactivate`);
    expect(back.status).toBe(200);
    expect(back.body.status).toBe("active");
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: {} })).status).toBe(202);
  });

  it("unknown trigger is 404 in the envelope", async () => {
    const r = await call("GET", `/v1/triggers/nope-${Date.now()}`);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
  });
});

describe("listing from D1", () => {
  it("lists newest first, filters, and paginates without gaps or repeats", async () => {
    const prefix = uniq("list");
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      const name = `${prefix}.${i}`;
      names.push(name);
      await call("PUT", `/v1/triggers/${name}`, { type: i % 2 ? "manual" : "event" });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await call("GET", `/v1/triggers?q=${prefix}&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.triggers.map((t: any) => t.name));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...names].reverse());
    const manual = await call("GET", `/v1/triggers?q=${prefix}&type=manual`);
    expect(manual.body.triggers.map((t: any) => t.name).sort()).toEqual(names.filter((_, i) => i % 2).sort());
  });

  it("filters by subscribedBy and status", async () => {
    const a = uniq("subby"), b = uniq("subby");
    await call("PUT", `/v1/triggers/${a}`, { type: "event" });
    await call("PUT", `/v1/triggers/${b}`, { type: "event" });
    const flow = uniq("flow");
    await call("PUT", `/v1/triggers/${a}/subscriptions/${flow}`, { target: { type: "pull" } });
    const r = await call("GET", `/v1/triggers?subscribedBy=${flow}`);
    expect(r.body.triggers.map((t: any) => t.name)).toEqual([a]);
    await call("POST", `/v1/triggers/${b}/retire`, {});
    const retired = await call("GET", `/v1/triggers?status=retired&q=${b}`);
    expect(retired.body.triggers.map((t: any) => t.name)).toEqual([b]);
  });

  it("rejects a cursor it did not issue", async () => {
    const r = await call("GET", `/v1/triggers?cursor=garbage`);
    expect(r.status).toBe(400);
  });
});

describe("auth and tenancy", () => {
  it("401 without or with a bad key, 403 without the scope", async () => {
    expect((await call("GET", "/v1/triggers", undefined, { key: null })).status).toBe(401);
    expect((await call("GET", "/v1/triggers", undefined, { key: "wrong" })).status).toBe(401);
    const name = uniq("scope");
    const w = await call("PUT", `/v1/triggers/${name}`, { type: "event" }, { key: KEYS.acmeRead });
    expect(w.status).toBe(403);
    expect(w.body.error.code).toBe("forbidden");
    expect((await call("GET", `/v1/triggers/${name}`)).status).toBe(404); // nothing written
    const f = await call("PUT", `/v1/triggers/${name}`, { type: "event" }, { key: KEYS.acmeFire });
    expect(f.status).toBe(403);
  });

  it("a key of tenant A can neither read, list, fire nor subscribe in tenant B", async () => {
    const name = uniq("tenant");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" }, { key: KEYS.globex });
    expect((await call("GET", `/v1/triggers/${name}`, undefined, { key: KEYS.globex })).status).toBe(200);
    expect((await call("GET", `/v1/triggers/${name}`)).status).toBe(404);
    const list = await call("GET", `/v1/triggers?q=${name}`);
    expect(list.body.triggers).toEqual([]);
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: {} })).status).toBe(404);
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/f1`, { target: { type: "pull" } })).status).toBe(404);
    const stream = await call("GET", `/v1/triggers/${name}/events`, undefined, { key: KEYS.globex });
    expect(stream.body.events.map((e: any) => e.type)).toEqual(["trigger.registered"]);
  });

  it("accepts sha256-configured keys", async () => {
    expect((await call("GET", "/v1/triggers", undefined, { key: "globex-key" })).status).toBe(200);
  });
});
