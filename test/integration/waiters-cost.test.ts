/**
 * A fire costs O(the waiters it could match), not O(waiters): event awaits
 * are found by the scalar their match needs at one path (an index), so 2,000
 * runs waiting on other job ids cost a fire nothing; matches that need no
 * scalar (operators only) are still checked on every fire.
 */
import { describe, it, expect } from "vitest";
import { call, uniq, until, triggerStub, inObject } from "../helpers";
import { MIGRATIONS, backfillProbes } from "../../durable-objects/trigger/schema";

const rowsRead = async (name: string) => (await call("GET", `/v1/triggers/${name}/stats`)).body.rowsRead as number;
const awaitStatus = async (runId: string, step: string) => (await call("GET", `/v1/runs/${runId}/awaits/${step}`)).body.status as string;

describe("waiters: a fire reads its candidates only", () => {
  it("with 2,000 runs waiting on other job ids a fire reads a handful of rows, and the matching awaits still resolve", async () => {
    const name = uniq("wcost");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    // 2,000 waiters as run objects register them (the object's addWaiter), each on its own job id
    await inObject(triggerStub("acme", name), async (o: any) => {
      for (let i = 0; i < 2_000; i++) await o.addWaiter(`seed-${i}`, "job", { "data.jobId": `J${i}`, "data.kind": { $ne: "test" } }, Date.now() + 3_600_000, 0);
    });
    // and two real awaits: one found by its job id, one with operators only
    const runId = uniq("wrun");
    expect((await call("PUT", `/v1/runs/${runId}/awaits/byid`, { kind: "event", trigger: name, match: { "data.jobId": "X1" } })).status).toBe(201);
    expect((await call("PUT", `/v1/runs/${runId}/awaits/big`, { kind: "event", trigger: name, match: { "data.amount": { $gt: 100 } } })).status).toBe(201);

    const r0 = await rowsRead(name);
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: { jobId: "nobody", amount: 1 } })).status).toBe(202);
    const r1 = await rowsRead(name);
    expect(r1 - r0).toBeLessThan(40); // it read every waiter (2,000+) before
    expect(await awaitStatus(runId, "byid")).toBe("waiting");

    await call("POST", `/v1/triggers/${name}/fire`, { data: { jobId: "X1", amount: 5 } });
    expect((await until(() => call("GET", `/v1/runs/${runId}/awaits/byid`), (r) => r.body.status !== "waiting")).body).toMatchObject({ status: "resolved", result: { data: { jobId: "X1" } } });
    expect(await awaitStatus(runId, "big")).toBe("waiting");
    await call("POST", `/v1/triggers/${name}/fire`, { data: { jobId: "none", amount: 500 } });
    expect((await until(() => call("GET", `/v1/runs/${runId}/awaits/big`), (r) => r.body.status !== "waiting")).body.status).toBe("resolved");
    // the other waiters are all still there
    const left = await inObject(triggerStub("acme", name), (o: any) => o.ctx.storage.sql.exec(`SELECT count(*) AS n FROM waiters`).one().n);
    expect(left).toBe(2_000);
  });

  it("a probe compares like the match does: numbers, booleans and null by value, strings never equal numbers, a missing field never matches", async () => {
    const name = uniq("wprobe");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const runId = uniq("wrun");
    const steps: Record<string, unknown> = { num: { "data.n": 7 }, str: { "data.n": "7" }, yes: { "data.ok": true }, nul: { "data.v": null }, head: { "source": "api", "data.n": 7 } };
    for (const [step, match] of Object.entries(steps)) expect((await call("PUT", `/v1/runs/${runId}/awaits/${step}`, { kind: "event", trigger: name, match })).status).toBe(201);
    await call("POST", `/v1/triggers/${name}/fire`, { data: { n: 7.0, ok: true, v: null } });
    for (const step of ["num", "yes", "nul", "head"]) expect((await until(() => call("GET", `/v1/runs/${runId}/awaits/${step}`), (r) => r.body.status !== "waiting")).body.status, step).toBe("resolved");
    expect(await awaitStatus(runId, "str")).toBe("waiting");
    await call("POST", `/v1/triggers/${name}/fire`, { data: {} });
    await call("POST", `/v1/triggers/${name}/fire`, { data: { n: "7" } });
    expect((await until(() => call("GET", `/v1/runs/${runId}/awaits/str`), (r) => r.body.status !== "waiting")).body.status).toBe("resolved");
  });

  it("waiters stored before probes existed get theirs when the object upgrades", async () => {
    const name = uniq("wold");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const stub = triggerStub("acme", name);
    await inObject(stub, (o: any) => o.addWaiter("old-run", "s", { "data.jobId": "J9" }, Date.now() + 3_600_000, 0));
    // as an older version stored it (no probe); then the upgrade's backfill migration runs
    expect(MIGRATIONS).toContain(backfillProbes);
    await inObject(stub, (o: any) => {
      o.ctx.storage.sql.exec(`UPDATE waiters SET probe_path = NULL, probe_value = NULL`);
      backfillProbes(o.core.sql);
    });
    const row = await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`SELECT probe_path, probe_value FROM waiters`).one());
    expect(row).toEqual({ probe_path: "data.jobId", probe_value: '"J9"' });
  });
});
