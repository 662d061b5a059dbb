/**
 * GET /v1/runs?status=…: runs with awaits in a status, from the projection
 * the run objects keep in D1 (run_awaits), newest change first, paged.
 */
import { describe, it, expect } from "vitest";
import { call, uniq, until, KEYS } from "../helpers";

type Run = { runId: string; awaits: Record<string, number>; updatedAt: number };
const list = async (q: string, key: string = KEYS.acme) => call("GET", `/v1/runs?${q}`, undefined, { key });

/** Every run of the tenant in `status` (following the cursor). */
async function all(status: string, limit = 500): Promise<Run[]> {
  const out: Run[] = [];
  let cursor: string | null = null;
  do {
    const r = await list(`status=${status}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(r.status).toBe(200);
    out.push(...r.body.runs);
    cursor = r.body.nextCursor;
  } while (cursor);
  return out;
}

describe("GET /v1/runs", () => {
  it("lists the runs that have awaits in a status, with their counts, newest change first", async () => {
    const a = uniq("run"), b = uniq("run"), c = uniq("run");
    expect((await call("PUT", `/v1/runs/${a}/awaits/approve`, { kind: "webhook", timeoutMs: 3_600_000 })).status).toBe(201);
    expect((await call("PUT", `/v1/runs/${b}/awaits/nap`, { kind: "sleep", durationMs: 3_600_000 })).status).toBe(201);
    expect((await call("PUT", `/v1/runs/${b}/awaits/nap2`, { kind: "sleep", durationMs: 3_600_000 })).status).toBe(201);
    expect((await call("PUT", `/v1/runs/${c}/awaits/nap`, { kind: "sleep", durationMs: 3_600_000 })).status).toBe(201);
    expect((await call("DELETE", `/v1/runs/${c}/awaits/nap`)).status).toBe(200);

    const waiting = await until(() => all("waiting"), (rs) => [a, b].every((id) => rs.some((r) => r.runId === id)), 5000);
    const mine = waiting.filter((r) => [a, b, c].includes(r.runId));
    expect(mine.map((r) => r.runId).sort()).toEqual([a, b].sort());
    expect(mine.find((r) => r.runId === b)).toEqual({ runId: b, awaits: { waiting: 2, resolved: 0, timed_out: 0, cancelled: 0 }, updatedAt: expect.any(Number) });
    expect(waiting.map((r) => r.updatedAt)).toEqual([...waiting.map((r) => r.updatedAt)].sort((x, y) => y - x));

    const cancelled = await until(() => all("cancelled"), (rs) => rs.some((r) => r.runId === c), 5000);
    expect(cancelled.find((r) => r.runId === c)?.awaits).toEqual({ waiting: 0, resolved: 0, timed_out: 0, cancelled: 1 });
    const everything = await until(async () => (await list("limit=500")).body.runs as Run[], (rs) => [a, b, c].every((id) => rs.some((r) => r.runId === id)), 5000);
    expect(everything.length).toBeGreaterThanOrEqual(3);
  });

  it("a resolved await moves its run out of the waiting list", async () => {
    const r = uniq("run");
    const put = await call("PUT", `/v1/runs/${r}/awaits/ok`, { kind: "webhook", timeoutMs: 3_600_000 });
    expect(put.status).toBe(201);
    await until(() => all("waiting"), (rs) => rs.some((x) => x.runId === r), 5000);
    const token = new URL(put.body.resumeUrl).pathname;
    expect((await call("POST", token, { approved: true }, { key: null })).status).toBe(200);
    const waiting = await until(() => all("waiting"), (rs) => !rs.some((x) => x.runId === r), 5000);
    expect(waiting.some((x) => x.runId === r)).toBe(false);
    const resolved = await all("resolved");
    expect(resolved.find((x) => x.runId === r)?.awaits).toMatchObject({ waiting: 0, resolved: 1 });
  });

  it("pages with a cursor, each run once", async () => {
    const ids = [uniq("run"), uniq("run"), uniq("run")];
    for (const id of ids) expect((await call("PUT", `/v1/runs/${id}/awaits/n`, { kind: "sleep", durationMs: 3_600_000 })).status).toBe(201);
    const full = await until(() => all("waiting"), (rs) => ids.every((id) => rs.some((r) => r.runId === id)), 5000);
    const paged = await all("waiting", 1);
    expect(paged.map((r) => r.runId)).toEqual(full.map((r) => r.runId));
    expect(new Set(paged.map((r) => r.runId)).size).toBe(paged.length);
  });

  it("400 for an unknown status or cursor, 403 without read, nothing of another tenant", async () => {
    expect((await list("status=sleeping")).status).toBe(400);
    expect((await list("status=waiting")).body.runs.length).toBeGreaterThan(0);
    const bad = await list("cursor=zzz");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_cursor");
    expect((await list("status=waiting", "acme-fire")).status).toBe(403);
    expect((await list("status=waiting", KEYS.globex)).body).toEqual({ runs: [], nextCursor: null });
  });
});
