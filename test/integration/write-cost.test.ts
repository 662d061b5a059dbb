import { describe, it, expect, inject } from "vitest";
import { call, uniq, until } from "../helpers";

const port = inject("receiverPort");

describe("write cost", () => {
  it("a delivered fire with one subscriber writes 3 SQLite rows (the fire's event, the delivery's creation, its outcome)", async () => {
    const name = uniq("cost");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${name}` } });
    const before = (await call("GET", `/v1/triggers/${name}/stats`)).body.rowsWritten;
    const N = 20;
    for (let i = 0; i < N; i++) expect((await call("POST", `/v1/triggers/${name}/fire`, { data: { i } })).status).toBe(202);
    const stats = await until(() => call("GET", `/v1/triggers/${name}/stats`), (r) => r.body.delivered === N);
    expect(stats.body).toMatchObject({ delivered: N, pending: 0 });
    expect(stats.body.rowsWritten - before).toBe(3 * N);
  });

  it("a fire without subscribers writes 1 row", async () => {
    const name = uniq("cost0");
    await call("PUT", `/v1/triggers/${name}`, { type: "manual" });
    const before = (await call("GET", `/v1/triggers/${name}/stats`)).body.rowsWritten;
    for (let i = 0; i < 10; i++) await call("POST", `/v1/triggers/${name}/fire`, { data: { i } });
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body.rowsWritten - before).toBe(10);
  });
});
