/**
 * GET /v1/metrics' awaits gauge reads the tenant's totals row (kept with each
 * run's push, in the same batch), not a sum over every run's row.
 */
import { describe, it, expect } from "vitest";
import { env } from "cloudflare:workers";
import { TenantMetrics, type AwaitCounts } from "../../src/store/tenant-metrics";
import { uniq } from "../helpers";

const counts = (waiting: number, resolved = 0, timed_out = 0, cancelled = 0): AwaitCounts => ({ waiting, resolved, timed_out, cancelled });
const summed = (tenant: string) =>
  env.DB.prepare(`SELECT coalesce(sum(waiting), 0) AS waiting, coalesce(sum(resolved), 0) AS resolved, coalesce(sum(timed_out), 0) AS timed_out, coalesce(sum(cancelled), 0) AS cancelled FROM run_awaits WHERE tenant = ?`).bind(tenant).first<AwaitCounts>();

describe("awaits totals", () => {
  it("300 runs: a scrape reads one row, and the totals equal the sum of the runs' rows", async () => {
    const tenant = uniq("tot").replace(/[^a-z0-9-]/g, "-");
    const w = new TenantMetrics(env.DB, tenant);
    for (let i = 0; i < 300; i++) await w.putRunAwaits(`run-${i}`, counts(1, i % 2, i % 3 === 0 ? 1 : 0), 1000 + i);
    const r = new TenantMetrics(env.DB, tenant);
    const got = await r.awaits();
    expect(got).toEqual(await summed(tenant));
    expect(got).toEqual(counts(300, 150, 100, 0));
    expect(r.rowsRead).toBeLessThanOrEqual(1);
  });

  it("a run's later pushes move the totals by the difference; an older push applied late, or a stale removal, changes nothing", async () => {
    const tenant = uniq("tot2").replace(/[^a-z0-9-]/g, "-");
    const m = new TenantMetrics(env.DB, tenant);
    await m.putRunAwaits("a", counts(2), 10);
    await m.putRunAwaits("b", counts(1), 10);
    await m.putRunAwaits("a", counts(0, 1, 0, 1), 20); // both of a's awaits settled
    await m.putRunAwaits("a", counts(2), 15); // an older push arriving late
    expect(await m.awaits()).toEqual(counts(1, 1, 0, 1));
    await m.putRunAwaits("b", counts(0), 5); // a stale "no awaits left" for b
    expect(await m.awaits()).toEqual(counts(1, 1, 0, 1));
    await m.putRunAwaits("a", counts(0), 30); // a's awaits purged: its row goes
    expect(await m.awaits()).toEqual(counts(1, 0, 0, 0));
    expect(await m.awaits()).toEqual(await summed(tenant));
  });

  it("a tenant with no runs reads zeros", async () => {
    expect(await new TenantMetrics(env.DB, "nobody-here").awaits()).toEqual(counts(0));
  });
});
