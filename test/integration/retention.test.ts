/**
 * Cost that grows with the work, not the data: retention keeps up at any
 * volume in bounded chunks, idle objects hold no alarm, counters survive a
 * restart without a recount.
 */
import { describe, it, expect, inject } from "vitest";
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { call, uniq, triggerStub, inObject, until } from "../helpers";
import { CHUNK, MIN_PASS_GAP_MS, runHousekeeping } from "../../durable-objects/trigger/housekeeping";

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
    // (set far ahead, then run: the runtime does not start it on its own while the test looks)
    await inObject(stub, (o: any) => o.ctx.storage.setAlarm(Date.now() + 30 * DAY));
    await runDurableObjectAlarm(stub);
    expect(await count(stub, "events")).toBeLessThan(50_002);
    // re-armed at once: the alarm is set within a second, or the runtime has already started it (it reads null while
    // it runs), and then the passes it runs take the count down a further chunk by themselves
    const rearmed = await until(async () => ({ alarm: await inObject(stub, (o: any) => o.ctx.storage.getAlarm()), events: await count(stub, "events") }),
      (x) => (x.alarm !== null && x.alarm < Date.now() + 1_000) || x.events <= 50_002 - 2 * CHUNK, 5_000);
    expect((rearmed.alarm !== null && rearmed.alarm < Date.now() + 1_000) || rearmed.events <= 50_002 - 2 * CHUNK, JSON.stringify(rearmed)).toBe(true);
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
      o.ctx.storage.sql.exec(`INSERT INTO deliveries (event_seq, n, id, flow, status, attempts, fired_at, next_attempt_at, updated_at) VALUES (115, 1, 'dlv_x.37.1.aaaaaa', 'f', 'queued', 1, 0, ?, 0)`, Date.now() + 3_600_000);
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

/** Writes `n` dedup keys with the given expiry (as a year of schedule occurrences or idempotency keys would). */
function seedKeys(stub: any, prefix: string, n: number, expiresAt: number): Promise<void> {
  return inObject(stub, (o: any) => {
    o.ctx.storage.transactionSync(() => {
      for (let i = 0; i < n; i++) o.ctx.storage.sql.exec(`INSERT INTO dedup (key, event_id, seq, expires_at) VALUES (?, 'evt_x', 1, ?)`, `${prefix}${String(i).padStart(6, "0")}`, expiresAt);
    });
  });
}

/** Runs the alarm now (set far ahead first, so the runtime never runs it on its own meanwhile); answers the alarm it left. */
async function alarmOnce(stub: any): Promise<number | null> {
  await inObject(stub, (o: any) => o.ctx.storage.setAlarm(Date.now() + 30 * DAY));
  await runDurableObjectAlarm(stub);
  return inObject(stub, (o: any) => o.ctx.storage.getAlarm());
}

describe("housekeeping storms", () => {
  it("5,000 live dedup keys (a year of occurrences): a pass that deletes one expired key does not come back for the live ones", async () => {
    const name = uniq("keys");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const stub = triggerStub("acme", name);
    await seedKeys(stub, "occ:", 5_000, Date.now() + 400 * DAY);
    await seedKeys(stub, "idem:", 1, Date.now() - 1_000); // due now
    const alarm = await alarmOnce(stub);
    expect(await count(stub, "dedup")).toBe(5_000);
    // the next wake is the registration event's expiry (30 days), not a sweep of the live keys 10 ms later
    expect(alarm).toBeGreaterThan(Date.now() + 29 * DAY);
    // and when housekeeping is due again with nothing expired, it still does not loop
    await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('housekeeping', '{"inboxGcId":0,"more":true}')`));
    expect(await alarmOnce(stub)).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  it("a pass that is due runs even when the clock moves during the alarm's drains (it does not come back 10 ms later instead)", async () => {
    const name = uniq("keys-clock");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const stub = triggerStub("acme", name);
    await seedKeys(stub, "occ:", 10, Date.now() + 400 * DAY);
    await seedKeys(stub, "idem:", 1, Date.now() - 1_000);
    await inObject(stub, (o: any) => {
      o.ctx.storage.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('housekeeping', '{"inboxGcId":0,"more":true}')`);
      // every reading of the clock is a millisecond later, as real I/O in the drains makes it
      let t = Date.now();
      o.core.clock = () => (t += 1);
    });
    expect(await alarmOnce(stub)).toBeGreaterThan(Date.now() + 29 * DAY);
    expect(await count(stub, "dedup")).toBe(10);
  });

  it("expired keys go a full chunk per pass, earliest first; only a full chunk brings the next pass at once", async () => {
    const name = uniq("keys2");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const stub = triggerStub("acme", name);
    await seedKeys(stub, "a:", 3_000, Date.now() + 2 * DAY);
    await seedKeys(stub, "b:", CHUNK * 2 + 500, Date.now() - DAY);
    const passes = [];
    for (let i = 0; i < 3; i++) passes.push(await inObject(stub, (o: any) => runHousekeeping(o.core)));
    expect(passes).toEqual([{ more: true, removed: CHUNK }, { more: true, removed: CHUNK }, { more: false, removed: 500 }]);
    expect(await count(stub, "dedup")).toBe(3_000);
    // next due: when the first live key expires (the registration's stats push is not pending)
    const due = await inObject(stub, (o: any) => { o.core.statsDueAt = null; return o.ctx.storage.sql.exec(`SELECT min(expires_at) AS t FROM dedup`).one().t; });
    expect(await alarmOnce(stub)).toBe(due);
  });

  it("a pass that removed nothing writes nothing to D1", async () => {
    const name = uniq("keys3");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const stub = triggerStub("acme", name);
    await inObject(stub, (o: any) => { o.core.statsDueAt = 0; });
    await alarmOnce(stub); // the registration's stats push
    const statsAt = () => env.DB.prepare(`SELECT stats_at FROM triggers WHERE tenant = 'acme' AND name = ?`).bind(name).first<any>().then((r) => r.stats_at);
    const before = await statsAt();
    await new Promise((r) => setTimeout(r, 5));
    await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('housekeeping', '{"inboxGcId":0,"more":true}')`));
    await alarmOnce(stub);
    expect(await statsAt()).toBe(before);
  });

  it("an expired fire held by a queued delivery is looked at again a minute later, not in a loop", async () => {
    const name = uniq("held");
    await call("PUT", `/v1/triggers/${name}`, { type: "event", config: { retentionDays: 1 } });
    const stub = triggerStub("acme", name);
    await seedOldFires(stub, 30, 3, 100);
    await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`INSERT INTO deliveries (event_seq, n, id, flow, status, attempts, fired_at, next_attempt_at, updated_at) VALUES (100, 1, 'dlv_x.2s.1.aaaaaa', 'f', 'queued', 0, 0, ?, 0)`, Date.now() + DAY));
    await inObject(stub, (o: any) => { o.core.invalidate(); });
    const alarm = await alarmOnce(stub);
    expect(await count(stub, "events")).toBe(30); // nothing could go: the first fire still has a queued delivery
    expect(MIN_PASS_GAP_MS).toBe(60_000);
    expect(alarm).toBeGreaterThanOrEqual(Date.now() + 55_000);
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
