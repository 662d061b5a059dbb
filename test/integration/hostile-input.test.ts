/** Regressions found by the fuzz suite: hostile input must be a 4xx, never a 500, and must not create state. */
import { describe, it, expect } from "vitest";
import { env, exports } from "cloudflare:workers";
import { call, uniq, until, triggerStub, inObject } from "../helpers";

const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

describe("hostile input", () => {
  it("deeply nested JSON in /v1 bodies is 400, not 500", async () => {
    const name = uniq("deep");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    for (const [m, p, raw] of [
      ["POST", `/v1/triggers/${name}/fire`, `{"data":${deep(5000)}}`],
      ["POST", `/v1/events`, `{"events":[{"name":"${name}","data":${deep(5000)}}]}`],
      ["PUT", `/v1/triggers/${uniq("deep")}`, `{"type":"event","ui":{"x":${deep(5000)}}}`],
      ["POST", `/v1/deliveries/dlv_eA.1.0.abcdef/status`, `{"status":"completed","output":${deep(5000)}}`],
    ]) {
      const r = await call(m, p, undefined, { raw });
      expect(r.status, `${m} ${p}`).toBe(400);
      expect(r.body.error.code).toBe("json_too_deep");
    }
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body.totalFires).toBe(0);
  });

  it("a deeply nested webhook body is skipped as invalid_body and does not poison the stream", async () => {
    const name = uniq("deephook");
    const path = name.replace(/[^a-z0-9]/g, "-");
    await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" } } });
    await call("PUT", `/v1/triggers/${name}/subscriptions/p`, { target: { type: "pull" } });
    const res = await (exports as any).default.fetch(new Request(`http://signalbox.test/webhooks/acme/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: deep(20000) }));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as any;
    const fire = await until(() => call("GET", `/v1/triggers/${name}/fires/${id}`), (r) => r.status === 200);
    expect(fire.body).toMatchObject({ status: "skipped", skipReason: "invalid_body" });
    for (const p of ["events", "fires", `fires/${id}`, "subscriptions/p/events"]) {
      expect((await call("GET", `/v1/triggers/${name}/${p}`)).status, p).toBe(200);
    }
  });

  it("a schedule period beyond ~10 years is refused at registration", async () => {
    for (const schedule of [{ interval: "100000000d" }, { every: { days: 50000000 } }, { every: { weeks: 14000000 } }]) {
      const r = await call("PUT", `/v1/triggers/${uniq("far")}`, { type: "schedule", schedule });
      expect(r.status, JSON.stringify(schedule)).toBe(400);
    }
  });

  it("reads of unknown triggers and runs write nothing (no schema, no rows)", async () => {
    const tables = (stub: any) => inObject(stub, (o: any) => o.ctx.storage.sql.exec("SELECT name FROM sqlite_master").toArray());
    for (let i = 0; i < 3; i++) {
      const t = uniq("ghost"), r = uniq("ghost");
      expect((await call("GET", `/v1/triggers/${t}`)).status).toBe(404);
      expect((await call("GET", `/v1/triggers/${t}/events`)).status).toBe(404);
      expect((await call("GET", `/v1/runs/${r}/awaits/x`)).status).toBe(404);
      expect((await call("GET", `/v1/runs/${r}/awaits`)).body).toEqual({ awaits: [] });
      expect(await tables(triggerStub("acme", t))).toEqual([]);
      expect(await tables(env.RUNS.get(env.RUNS.idFromName(`acme:${r}`)))).toEqual([]);
    }
  });
});
