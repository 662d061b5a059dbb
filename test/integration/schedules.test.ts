import { describe, it, expect, inject } from "vitest";
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { call, uniq, triggerStub, inObject, until } from "../helpers";

const port = inject("receiverPort");
const T0 = Date.parse("2030-01-01T00:00:30Z"); // far ahead: real alarms never fire during the test
const MIN = 60_000;

/** A schedule trigger whose object runs on a fake clock we move by hand. */
async function scheduled(schedule: Record<string, unknown>, opts: { receiver?: string } = {}) {
  const name = uniq("sch");
  const stub = triggerStub("acme", name);
  await inObject(stub, (o: any) => { o.__now = T0; o.core.clock = () => o.__now; });
  const r = await call("PUT", `/v1/triggers/${name}`, { type: "schedule", schedule });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  if (opts.receiver) {
    await call("PUT", `/v1/triggers/${name}/subscriptions/flow`, { target: { type: "http", url: `http://127.0.0.1:${port}/hook/${opts.receiver}/${name}` }, retry: { maxAttempts: 5, initialBackoffSeconds: 3600, maxBackoffSeconds: 3600 } });
  }
  const at = async (ms: number) => {
    await inObject(stub, (o: any) => { o.__now = ms; });
    await runDurableObjectAlarm(stub);
  };
  return { name, stub, at };
}

const events = async (name: string, types?: string) => ((await call("GET", `/v1/triggers/${name}/events?limit=500${types ? `&types=${types}` : ""}`)).body.events as any[]);
const fired = async (name: string) => (await events(name, "trigger.fired"));
const lastFire = async (name: string) => (await fired(name)).at(-1);
const deliveryOf = async (name: string, eventId: string) => (await call("GET", `/v1/triggers/${name}/fires/${eventId}`)).body.deliveries[0];
const settledDelivery = (name: string, eventId: string) => until(() => deliveryOf(name, eventId), (d) => d && !["queued", "delivering"].includes(d.status));
const report = (id: string, status: string) => call("POST", `/v1/deliveries/${id}/status`, { status });

describe("schedule fires from the alarm", () => {
  it("fires an occurrence through the queue with scheduledFor, lateness and a derived id; a repeated alarm fires nothing more", async () => {
    const { name, at, stub } = await scheduled({ cron: "* * * * *", payload: { report: "daily" } }, { receiver: "ok" });
    const t = (await call("GET", `/v1/triggers/${name}`)).body;
    expect(t.nextFireAt).toBe(Date.parse("2030-01-01T00:01:00Z"));
    await at(Date.parse("2030-01-01T00:01:00.250Z"));
    const f = await fired(name);
    expect(f).toHaveLength(1);
    expect(f[0].id).toMatch(/^sch_/);
    expect(f[0].data).toMatchObject({ source: "schedule", scheduledFor: Date.parse("2030-01-01T00:01:00Z"), latenessMs: 250, payload: { report: "daily" } });
    const d = await settledDelivery(name, f[0].id);
    expect(d.status).toBe("delivered");
    await runDurableObjectAlarm(stub);
    await at(Date.parse("2030-01-01T00:01:00.900Z"));
    // even with the cursor rolled back, the occurrence id is deduplicated
    await inObject(stub, (o: any) => o.ctx.storage.sql.exec("UPDATE schedule_state SET cursor = ?", T0));
    await at(Date.parse("2030-01-01T00:01:01Z"));
    expect(await fired(name)).toHaveLength(1);
    const stats = (await call("GET", `/v1/triggers/${name}/stats`)).body;
    expect(stats).toMatchObject({ totalFires: 1, p50LatenessMs: 250 });
  });

  it("occurrences worked out ahead are of the current spec: after an update the next alarm follows the new cron", async () => {
    const { name, at } = await scheduled({ cron: "*/10 * * * * *" });
    await at(Date.parse("2030-01-01T00:00:40.050Z"));
    expect((await fired(name)).map((e) => e.data.scheduledFor)).toEqual([Date.parse("2030-01-01T00:00:40Z")]);
    // the alarm kept the next occurrences of */10 (00:00:50, 00:01:00, …)
    const r = await call("PUT", `/v1/triggers/${name}`, { type: "schedule", schedule: { cron: "0 * * * *" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await call("GET", `/v1/triggers/${name}`)).body.nextFireAt).toBe(Date.parse("2030-01-01T01:00:00Z"));
    await at(Date.parse("2030-01-01T00:00:50.050Z"));
    await at(Date.parse("2030-01-01T00:01:00.050Z"));
    expect(await fired(name)).toHaveLength(1);
    await at(Date.parse("2030-01-01T01:00:00.050Z"));
    expect((await fired(name)).map((e) => e.data.scheduledFor)).toEqual([Date.parse("2030-01-01T00:00:40Z"), Date.parse("2030-01-01T01:00:00Z")]);
  });

  it("a stats flush due with a scheduled fire waits 250 ms: the occurrence's alarm writes nothing to D1", async () => {
    const { name, at, stub } = await scheduled({ cron: "*/10 * * * * *" });
    const statsAt = async () => (await env.DB.prepare("SELECT stats_at FROM triggers WHERE tenant = 'acme' AND name = ?").bind(name).first<{ stats_at: number }>())!.stats_at;
    await at(Date.parse("2030-01-01T00:00:40.050Z"));
    const before = await statsAt();
    await inObject(stub, (o: any) => { o.core.statsDueAt = 0; });
    await at(Date.parse("2030-01-01T00:00:50.050Z"));
    expect(await fired(name)).toHaveLength(2);
    expect(await statsAt()).toBe(before);
    const later = Date.parse("2030-01-01T00:00:50.300Z");
    expect(await inObject(stub, async (o: any) => [o.core.statsDueAt, await o.ctx.storage.getAlarm()])).toEqual([later, later]);
    await at(later);
    expect(await statsAt()).toBe(later);
  });

  it("previews the next fire times, with stable jitter inside the window", async () => {
    const { name } = await scheduled({ cron: "0 * * * *", jitterSeconds: 30 });
    const a = (await call("GET", `/v1/triggers/${name}/schedule?count=3`)).body;
    const b = (await call("GET", `/v1/triggers/${name}/schedule?count=3`)).body;
    expect(a).toEqual(b);
    expect(a.next.map((n: any) => n.scheduledFor)).toEqual(["01:00", "02:00", "03:00"].map((h) => Date.parse(`2030-01-01T${h}:00Z`)));
    for (const n of a.next) {
      expect(n.at - n.scheduledFor).toBeGreaterThanOrEqual(0);
      expect(n.at - n.scheduledFor).toBeLessThan(30_000);
      expect(n.iso).toBe(new Date(n.at).toISOString());
    }
    expect((await call("GET", `/v1/triggers/${name}/schedule?count=1001`)).status).toBe(400);
  });
});

describe("catch-up after a 3-hour outage", () => {
  const outage = Date.parse("2030-01-01T03:00:02Z"); // 18 occurrences of */10 were due; the last is 2 s late

  it("none: only the on-time occurrence fires; the rest are recorded as schedule.missed", async () => {
    const { name, at } = await scheduled({ cron: "*/10 * * * *", catchup: "none" });
    await at(outage);
    const f = await fired(name);
    expect(f.map((e) => e.data.scheduledFor)).toEqual([Date.parse("2030-01-01T03:00:00Z")]);
    const [missed] = await events(name, "schedule.missed");
    expect(missed.data).toMatchObject({ count: 17, from: Date.parse("2030-01-01T00:10:00Z"), to: Date.parse("2030-01-01T02:50:00Z") });
  });

  it("latest: only the most recent fires, even late", async () => {
    const { name, at } = await scheduled({ cron: "*/10 * * * *", catchup: "latest" });
    await at(outage + 5 * MIN);
    const f = await fired(name);
    expect(f.map((e) => e.data.scheduledFor)).toEqual([Date.parse("2030-01-01T03:00:00Z")]);
    expect(f[0].data.catchup).toBe(true);
    expect((await events(name, "schedule.missed"))[0].data.count).toBe(17);
  });

  it("all: fires each within catchupWindowSeconds, oldest first", async () => {
    const { name, at } = await scheduled({ cron: "*/10 * * * *", catchup: "all", catchupWindowSeconds: 3600 });
    await at(outage);
    const f = await fired(name);
    expect(f.map((e) => new Date(e.data.scheduledFor).toISOString().slice(11, 16))).toEqual(["02:10", "02:20", "02:30", "02:40", "02:50", "03:00"]);
    expect((await events(name, "schedule.missed"))[0].data.count).toBe(12);
  });
});

describe("overlap policies with a flow that reports processing then completed", () => {
  const occ = (m: number) => Date.parse(`2030-01-01T00:0${m}:00.100Z`);

  async function running(policy: string, receiver = "ok") {
    const s = await scheduled({ cron: "* * * * *", overlap: policy }, { receiver });
    await s.at(occ(1));
    const first = await lastFire(s.name);
    return { ...s, first };
  }

  it("skip (default): an occurrence while the previous runs is trigger.skipped/overlap", async () => {
    const { name, at, first } = await running("skip");
    const d = await settledDelivery(name, first.id);
    await report(d.deliveryId, "processing");
    await at(occ(2));
    const skipped = await events(name, "trigger.skipped");
    expect(skipped.map((e) => e.data.skipReason)).toEqual(["overlap"]);
    await report(d.deliveryId, "completed");
    await at(occ(3));
    expect((await fired(name)).map((e) => e.data.scheduledFor)).toEqual([occ(1) - 100, occ(3) - 100]);
  });

  it("allow_all: fires regardless", async () => {
    const { name, at, first } = await running("allow_all");
    await report((await settledDelivery(name, first.id)).deliveryId, "processing");
    await at(occ(2));
    expect(await fired(name)).toHaveLength(2);
  });

  it("buffer_one: buffers one, skips the rest, fires the buffered one when the running fire completes", async () => {
    const { name, at, first } = await running("buffer_one");
    const d = await settledDelivery(name, first.id);
    await report(d.deliveryId, "processing");
    await at(occ(2));
    await at(occ(3));
    expect((await events(name, "schedule.buffered")).map((e) => e.data.scheduledFor)).toEqual([occ(2) - 100]);
    expect((await events(name, "trigger.skipped")).map((e) => e.data.scheduledFor)).toEqual([occ(3) - 100]);
    expect(await fired(name)).toHaveLength(1);
    await report(d.deliveryId, "completed");
    const f = await fired(name);
    expect(f.map((e) => e.data.scheduledFor)).toEqual([occ(1) - 100, occ(2) - 100]);
    expect(f[1].data.buffered).toBe(true);
  });

  it("buffer_all: buffers every occurrence and releases them one by one", async () => {
    const { name, at, first } = await running("buffer_all");
    const d1 = await settledDelivery(name, first.id);
    await report(d1.deliveryId, "processing");
    await at(occ(2));
    await at(occ(3));
    expect(await fired(name)).toHaveLength(1);
    await report(d1.deliveryId, "completed");
    expect(await fired(name)).toHaveLength(2);
    const second = await lastFire(name);
    const d2 = await settledDelivery(name, second.id);
    await report(d2.deliveryId, "completed");
    expect((await fired(name)).map((e) => e.data.scheduledFor)).toEqual([occ(1), occ(2), occ(3)].map((x) => x - 100));
  });

  it("cancel_other: the running fire's undelivered deliveries are skipped and the new fire goes out", async () => {
    const sw = uniq("cancel");
    const { name, at, first } = await running("cancel_other", `switch/${sw}`);
    // the receiver answers 500: the first delivery waits an hour for its retry (still queued, i.e. running)
    await until(() => deliveryOf(name, first.id), (d) => d.attempts === 1);
    await at(occ(2));
    const d1 = await deliveryOf(name, first.id);
    expect(d1).toMatchObject({ status: "skipped", reason: "cancelled_by_overlap" });
    expect(await fired(name)).toHaveLength(2);
  });
});

describe("lifecycle", () => {
  it("pause (enabled: false, pauseNote) stops fires; resuming starts from now", async () => {
    const { name, at } = await scheduled({ cron: "* * * * *" });
    await call("PUT", `/v1/triggers/${name}`, { type: "schedule", schedule: { cron: "* * * * *", enabled: false, pauseNote: "maintenance" } });
    expect((await call("GET", `/v1/triggers/${name}`)).body).toMatchObject({ nextFireAt: null, schedule: { pauseNote: "maintenance" } });
    await at(T0 + 10 * MIN);
    expect(await fired(name)).toHaveLength(0);
    await call("PUT", `/v1/triggers/${name}`, { type: "schedule", schedule: { cron: "* * * * *" } });
    await at(Date.parse("2030-01-01T00:11:02Z"));
    // only the occurrence after resuming (00:11:00, 2 s late: on time), none of the paused ones
    const f = await fired(name);
    expect(f.map((e) => e.data.scheduledFor)).toEqual([Date.parse("2030-01-01T00:11:00Z")]);
    expect(await events(name, "schedule.missed")).toHaveLength(0);
  });

  it("retire stops it; reactivate resumes from now", async () => {
    const { name, at, stub } = await scheduled({ cron: "* * * * *" });
    await call("POST", `/v1/triggers/${name}/retire`, {});
    await at(T0 + 5 * MIN);
    expect(await fired(name)).toHaveLength(0);
    const alarm = await inObject(stub, (o: any) => o.ctx.storage.getAlarm());
    expect(alarm === null || alarm > T0 + 30 * MIN).toBe(true); // only housekeeping remains
    await call("POST", `/v1/triggers/${name}/reactivate`, {});
    expect((await call("GET", `/v1/triggers/${name}`)).body.nextFireAt).toBe(T0 + 6 * MIN - 30_000);
    await at(T0 + 6 * MIN - 29_000);
    expect(await fired(name)).toHaveLength(1);
  });

  it("backfill fires a past range once, bounded to 1000 occurrences", async () => {
    const { name, at } = await scheduled({ cron: "0 * * * *" });
    await at(Date.parse("2030-01-02T00:00:00.500Z"));
    const before = (await fired(name)).length;
    const b = await call("POST", `/v1/triggers/${name}/schedule/backfill`, { from: "2029-12-31T10:00:00Z", to: "2029-12-31T12:00:00Z" });
    expect(b.status).toBe(202);
    expect(b.body).toMatchObject({ fired: 3, alreadyFired: 0 });
    const again = await call("POST", `/v1/triggers/${name}/schedule/backfill`, { from: "2029-12-31T10:00:00Z", to: "2029-12-31T12:00:00Z" });
    expect(again.body).toMatchObject({ fired: 0, alreadyFired: 3 });
    expect((await fired(name)).length).toBe(before + 3);
    expect((await call("POST", `/v1/triggers/${name}/schedule/backfill`, { from: "2029-01-01T00:00:00Z", to: "2029-12-31T00:00:00Z" })).status).toBe(400);
    expect((await call("POST", `/v1/triggers/${name}/schedule/backfill`, { from: "2030-01-01T00:00:00Z", to: "2031-01-01T00:00:00Z" })).status).toBe(400);
    expect((await call("POST", `/v1/triggers/${name}/schedule/backfill`, { from: "yesterday", to: "today" })).status).toBe(400);
  });

  it("rejects an unknown zone, a bad expression or a bad policy at registration", async () => {
    for (const schedule of [{ cron: "0 2 * * *", timezone: "Mars/Olympus" }, { cron: "0 2 * * * * *" }, { interval: "5x" }, { cron: "* * * * *", overlap: "sometimes" }, { cron: "* * * * *", at: "02:00" }]) {
      const r = await call("PUT", `/v1/triggers/${uniq("bad")}`, { type: "schedule", schedule });
      expect(r.status, JSON.stringify(schedule)).toBe(400);
      expect(r.body.error.message.length).toBeGreaterThan(10);
    }
  });
});
