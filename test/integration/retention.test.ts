/**
 * Cost that grows with the work, not the data: retention keeps up at any
 * volume in bounded chunks, idle objects hold no alarm, counters survive a
 * restart without a recount.
 */
import { describe, it, expect, inject } from "vitest";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, uniq, triggerStub, inObject, until } from "../helpers";
import { CHUNK, runHousekeeping } from "../../durable-objects/trigger/housekeeping";

const port = inject("receiverPort");
const DAY = 86_400_000;

/**
 * Writes `n` fires dated `ageDays` ago straight into the stream (every tenth
 * with a settled delivery); the registration before them is dated back too,
 * so times grow with seqs as they do in a real stream.
 */
function seedOldFires(stub: any, n: number, ageDays: number, firstSeq: number): Promise<void> {
  return inObject(stub, (o: any) => {
    const ts = Date.now() - ageDays * DAY;
    o.ctx.storage.transactionSync(() => {
      o.ctx.storage.sql.exec(`UPDATE events SET ts = ? WHERE seq < ?`, ts - 1000, firstSeq);
      for (let i = 0; i < n; i++) {
        const seq = firstSeq + i;
        o.ctx.storage.sql.exec(`INSERT INTO events (seq, id, type, ts, data) VALUES (?, ?, 'trigger.fired', ?, '{"source":"api","payload":{}}')`, seq, `evt_${seq.toString(36)}_aaaaaaaaaa`, ts + i);
        if (i % 10 === 0) {
          o.ctx.storage.sql.exec(
            `INSERT INTO deliveries (event_seq, n, id, flow, status, attempts, fired_at, updated_at) VALUES (?, 0, ?, 'f', 'delivered', 1, ?, ?)`,
            seq, `dlv_x.${seq.toString(36)}.0.aaaaaa`, ts + i, ts + i,
          );
        }
      }
    });
    o.core.invalidate();
  });
}

const count = (stub: any, table: string) => inObject(stub, (o: any) => o.ctx.storage.sql.exec(`SELECT count(*) AS n FROM ${table}`).one().n as number);

describe("retention", () => {
  it("50,000 expired events are all removed by one housekeeping pass, a bounded chunk per alarm", { timeout: 120_000 }, async () => {
    const name = uniq("ret");
    await call("PUT", `/v1/triggers/${name}`, { type: "event", config: { retentionDays: 1 } });
    const stub = triggerStub("acme", name);
    await seedOldFires(stub, 50_000, 3, 100);
    const keep = await call("POST", `/v1/triggers/${name}/fire`, { data: { recent: true } });
    expect(await count(stub, "events")).toBe(50_002); // registration, 50,000 old fires, the recent one
    // the first pass runs from the alarm, finds a full chunk and re-arms at once
    await inObject(stub, (o: any) => o.ctx.storage.setAlarm(Date.now()));
    await runDurableObjectAlarm(stub);
    expect(await inObject(stub, (o: any) => o.ctx.storage.getAlarm())).toBeLessThan(Date.now() + 1_000);
    expect(await count(stub, "events")).toBeLessThan(50_002);
    // every pass does a bounded amount of work (the re-armed alarms may run some of them meanwhile)
    const passes: { more: boolean; removed: number; took: number }[] = [];
    for (let i = 0; i < 200; i++) {
      const p = await inObject(stub, (o: any) => {
        const t0 = Date.now();
        const r = runHousekeeping(o.core);
        return { ...r, took: Date.now() - t0 };
      });
      passes.push(p);
      if (!p.more) break;
    }
    expect(passes[passes.length - 1].more).toBe(false);
    expect(Math.max(...passes.map((p) => p.removed))).toBeLessThanOrEqual(CHUNK + CHUNK / 10);
    expect(Math.max(...passes.map((p) => p.took))).toBeLessThan(10_000); // far below a Durable Object's 30 s CPU limit
    expect(await count(stub, "events")).toBe(1); // the recent fire stays
    expect(await count(stub, "deliveries")).toBe(0);
    // the recent fire is readable, and seqs are never reused after the old ones are gone
    expect((await call("GET", `/v1/triggers/${name}/fires/${keep.body.eventId}`)).status).toBe(200);
    const next = await call("POST", `/v1/triggers/${name}/fire`, { data: {} });
    expect(next.body.seq).toBe(keep.body.seq + 1);
    // stats never go backwards when rows leave
    const stats = (await call("GET", `/v1/triggers/${name}/stats`)).body;
    expect(stats.totalFires).toBe(2);
  });

  it("never removes a fire that still has a queued delivery", async () => {
    const name = uniq("retq");
    await call("PUT", `/v1/triggers/${name}`, { type: "event", config: { retentionDays: 1 } });
    const stub = triggerStub("acme", name);
    await seedOldFires(stub, 30, 3, 100);
    await inObject(stub, (o: any) => {
      o.ctx.storage.sql.exec(`INSERT INTO deliveries (event_seq, n, id, flow, status, attempts, fired_at, lease_until, updated_at) VALUES (115, 1, 'dlv_x.37.1.aaaaaa', 'f', 'queued', 0, 0, ?, 0)`, Date.now() + 3_600_000);
      o.ctx.storage.setAlarm(Date.now());
    });
    await runDurableObjectAlarm(stub);
    const left = await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`SELECT min(seq) AS s FROM events`).one().s);
    expect(left).toBe(115);
  });
});

describe("no idle wakes", () => {
  it("an idle trigger holds no alarm sooner than the first thing that can expire", async () => {
    const name = uniq("idle");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const stub = triggerStub("acme", name);
    await inObject(stub, (o: any) => { o.core.statsDueAt = 0; });
    await runDurableObjectAlarm(stub); // the registration's stats flush
    const alarm = await inObject(stub, (o: any) => o.ctx.storage.getAlarm());
    // the registration event expires with the 30-day retention: that is the next wake
    expect(alarm).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  it("after a fire, the alarm comes for the stats flush, then sleeps until an expiry", async () => {
    const name = uniq("idle2");
    await call("PUT", `/v1/triggers/${name}`, { type: "event", config: { retentionDays: 2 } });
    const stub = triggerStub("acme", name);
    await call("POST", `/v1/triggers/${name}/fire`, { data: {} });
    const soon = await inObject(stub, (o: any) => o.ctx.storage.getAlarm());
    expect(soon).toBeLessThan(Date.now() + 10_000);
    await inObject(stub, (o: any) => { o.core.statsDueAt = 0; });
    await runDurableObjectAlarm(stub);
    const later = await inObject(stub, (o: any) => o.ctx.storage.getAlarm());
    expect(later).toBeGreaterThan(Date.now() + 1.9 * DAY);
  });
});

describe("counters", () => {
  it("stats are exact after a restart: the checkpoint plus the events written after it", async () => {
    const name = uniq("ctr");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${name}` } });
    await call("PUT", `/v1/triggers/${name}/subscriptions/m`, { mode: "manual", target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${name}` } });
    const stub = triggerStub("acme", name);
    for (let i = 0; i < 5; i++) await call("POST", `/v1/triggers/${name}/fire`, { data: { i } });
    await until(() => call("GET", `/v1/triggers/${name}/stats`), (r) => r.body.delivered === 5);
    await inObject(stub, (o: any) => { o.core.statsDueAt = 0; });
    await runDurableObjectAlarm(stub); // checkpoint
    for (let i = 0; i < 3; i++) await call("POST", `/v1/triggers/${name}/fire`, { data: { i } });
    const before = await until(() => call("GET", `/v1/triggers/${name}/stats`), (r) => r.body.delivered === 8);
    // a new instance: nothing in memory, only storage
    await inObject(stub, (o: any) => { o.core.book = undefined; o.core.open = undefined; o.core.invalidate(); });
    const after = await call("GET", `/v1/triggers/${name}/stats`);
    for (const k of ["totalFires", "delivered", "skipped", "pending", "failed", "dead", "firesLastHour"]) expect(after.body[k], k).toBe(before.body[k]);
    expect(after.body).toMatchObject({ totalFires: 8, delivered: 8, skipped: 8, pending: 0 });
  });

  it("an object written before counters were kept is counted once on its first load", async () => {
    const name = uniq("old");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const stub = triggerStub("acme", name);
    await seedOldFires(stub, 40, 0, 100);
    await inObject(stub, (o: any) => {
      o.ctx.storage.sql.exec(`DELETE FROM meta WHERE key = 'stats'`);
      o.ctx.storage.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('counters', ?)`, JSON.stringify({ firedBefore: 7, deduplicated: 2 }));
      o.core.book = undefined;
    });
    const s = (await call("GET", `/v1/triggers/${name}/stats`)).body;
    expect(s).toMatchObject({ totalFires: 47, delivered: 4, deduplicated: 2 });
  });
});
