/**
 * A callback's cost in its run object: 20 sleep awaits of one run fall due
 * together; from the alarm that settles them to their recorded outcomes, the
 * run object executes a bounded number of SQLite statements per callback
 * (each is a call into the runtime, whatever it reads), so a burst of
 * callbacks costs what its count says, not more.
 */
import { describe, it, expect, inject } from "vitest";
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, uniq, inObject, until } from "../helpers";

const port = inject("receiverPort");
const received = async (tag: string): Promise<any[]> => (await fetch(`http://127.0.0.1:${port}/log?contains=${encodeURIComponent(tag)}`)).json();

describe("callbacks: statements per callback", () => {
  it("20 callbacks due together: settling, handing over and recording them costs at most 7 statements each (9.75 before they were cut)", async () => {
    const runId = uniq("cbcost");
    const stub: any = env.RUNS.get(env.RUNS.idFromName(`acme:${runId}`));
    const T0 = Date.parse("2031-05-01T00:00:00Z");
    await inObject(stub, (o: any) => { o.__now = T0; o.core.clock = () => o.__now; });
    const cb = { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${runId}` };
    for (let i = 0; i < 20; i++) expect((await call("PUT", `/v1/runs/${runId}/awaits/s${i}`, { kind: "sleep", durationMs: 60_000, callback: cb })).status).toBe(201);
    const before = await inObject(stub, (o: any) => o.core.sql.statements);
    await inObject(stub, (o: any) => { o.__now = T0 + 60_001; });
    await runDurableObjectAlarm(stub);
    await until(() => received(runId), (r) => r.length >= 20);
    // every outcome recorded (the callbacks' rows say delivered)
    await until(() => inObject(stub, (o: any) => o.ctx.storage.sql.exec(`SELECT count(*) AS n FROM callbacks WHERE status = 'delivered'`).one().n), (n) => n === 20);
    const per = ((await inObject(stub, (o: any) => o.core.sql.statements)) - before) / 20;
    expect(per).toBeLessThanOrEqual(7);
  });
});
