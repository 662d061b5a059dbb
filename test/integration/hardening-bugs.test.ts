/**
 * Regression tests for engine bugs found by reading the code (issue
 * "Hardening"); each failed before its fix.
 */
import { describe, it, expect, inject } from "vitest";
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, uniq, triggerStub, inObject, until, breakD1, healD1 } from "../helpers";
import { TriggerIndex } from "../../src/store/trigger-index";
import { CLAIM_GRACE_MS } from "../../src/store/webhook-paths";

const port = inject("receiverPort");

async function hook(tenant: string, path: string, body: BodyInit, headers: Record<string, string> = {}) {
  const res = await (exports as any).default.fetch(new Request(`http://signalbox.test/webhooks/${tenant}/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body }));
  const text = await res.text();
  let parsed: any = text;
  try { parsed = JSON.parse(text); } catch { /* text */ }
  return { status: res.status, body: parsed };
}

const events = async (name: string, types?: string) => (await call("GET", `/v1/triggers/${name}/events?limit=500${types ? `&types=${types}` : ""}`)).body.events as any[];
const pathOf = (name: string) => name.replace(/[^a-z0-9.-]/g, "-").toLowerCase();

describe("webhook path ownership", () => {
  it("two racing registrations of one path: exactly one wins, the other is 409, and the winner's index keeps updating", async () => {
    const path = pathOf(uniq("race"));
    const a = uniq("ra");
    const b = uniq("rb");
    const def = { type: "webhook", webhook: { path, auth: { type: "none" } } };
    const [ra, rb] = await Promise.all([call("PUT", `/v1/triggers/${a}`, def), call("PUT", `/v1/triggers/${b}`, def)]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    const winner = ra.status === 201 ? a : b;
    const loser = winner === a ? b : a;
    expect((ra.status === 409 ? ra : rb).body.error.code).toBe("webhook_path_taken");
    expect((await call("GET", `/v1/triggers/${loser}`)).status).toBe(404);
    // the winner's later changes still reach the index (no projection batch stuck on a unique index)
    await call("PUT", `/v1/triggers/${winner}`, { ...def, displayName: "v2" });
    const row = await env.DB.prepare(`SELECT display_name FROM triggers WHERE tenant = 'acme' AND name = ?`).bind(winner).first<any>();
    expect(row.display_name).toBe("v2");
    expect((await hook("acme", path, "{}")).status).toBe(202);
  });

  it("a path moved to another path is freed; a stale claim of a trigger that no longer uses it is taken over", async () => {
    const p1 = pathOf(uniq("p1"));
    const p2 = pathOf(uniq("p2"));
    const a = uniq("mv");
    await call("PUT", `/v1/triggers/${a}`, { type: "webhook", webhook: { path: p1, auth: { type: "none" } } });
    await call("PUT", `/v1/triggers/${a}`, { type: "webhook", webhook: { path: p2, auth: { type: "none" } } });
    const b = uniq("mv");
    expect((await call("PUT", `/v1/triggers/${b}`, { type: "webhook", webhook: { path: p1, auth: { type: "none" } } })).status).toBe(201);
    // a claim left behind (its trigger never registered), older than the grace period
    const p3 = pathOf(uniq("p3"));
    await env.DB.prepare(`INSERT INTO webhook_paths (tenant, path, trigger_name, claimed_at) VALUES ('acme', ?, 'ghost', ?)`).bind(p3, Date.now() - CLAIM_GRACE_MS - 1000).run();
    const c = uniq("mv");
    expect((await call("PUT", `/v1/triggers/${c}`, { type: "webhook", webhook: { path: p3, auth: { type: "none" } } })).status).toBe(201);
    // a fresh claim is respected (its registration may still be running)
    const p4 = pathOf(uniq("p4"));
    await env.DB.prepare(`INSERT INTO webhook_paths (tenant, path, trigger_name, claimed_at) VALUES ('acme', ?, 'inflight', ?)`).bind(p4, Date.now()).run();
    expect((await call("PUT", `/v1/triggers/${uniq("mv")}`, { type: "webhook", webhook: { path: p4, auth: { type: "none" } } })).status).toBe(409);
  });

  it("an RPC failure after the object committed keeps the path's claim: the trigger keeps receiving, nobody else takes it", async () => {
    const path = pathOf(uniq("lost"));
    const name = uniq("lost");
    const stub = triggerStub("acme", name);
    // the registration commits, then the call fails on its way back (as a reset or a lost connection would)
    await inObject(stub, (o: any) => { o.project = async () => { throw new Error("injected: connection lost after commit"); }; });
    const r = await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" } } });
    expect(r.status).toBe(500);
    await inObject(stub, (o: any) => { delete o.project; });
    expect((await call("GET", `/v1/triggers/${name}`)).body.webhook.path).toBe(path);
    expect((await hook("acme", path, "{}")).status).toBe(202);
    const other = await call("PUT", `/v1/triggers/${uniq("lost")}`, { type: "webhook", webhook: { path, auth: { type: "none" } } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("webhook_path_taken");
  });

  it("a registration the object refuses releases the claim it made", async () => {
    const path = pathOf(uniq("refused"));
    const name = uniq("refused");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    // a type change is refused by the object (409) after the Worker claimed the path
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" } } })).status).toBe(409);
    expect((await call("PUT", `/v1/triggers/${uniq("refused")}`, { type: "webhook", webhook: { path, auth: { type: "none" } } })).status).toBe(201);
  });
});

describe("D1 index convergence", () => {
  it("subscription statements applied out of order end at the newest state (tombstones)", async () => {
    const idx = new TriggerIndex(env.DB, "acme");
    const t = uniq("conv");
    await idx.batch([idx.removeSubscription(t, "f", 5)]);
    await idx.batch([idx.upsertSubscription(t, { flow: "f", mode: "auto", targetType: "http", subscribedAt: 1, version: 4 })]);
    const r1 = await env.DB.prepare(`SELECT removed, version FROM subscriptions WHERE tenant = 'acme' AND trigger_name = ?`).bind(t).first<any>();
    expect(r1).toEqual({ removed: 1, version: 5 });
    await idx.batch([idx.upsertSubscription(t, { flow: "f", mode: "manual", targetType: "http", subscribedAt: 1, version: 6 })]);
    await idx.batch([idx.removeSubscription(t, "f", 5)]);
    const r2 = await env.DB.prepare(`SELECT removed, version, mode FROM subscriptions WHERE tenant = 'acme' AND trigger_name = ?`).bind(t).first<any>();
    expect(r2).toEqual({ removed: 0, version: 6, mode: "manual" });
  });

  it("a subscription PUT then DELETE leaves no subscription in the index whatever the drains did", async () => {
    const name = uniq("pd");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    const stub = triggerStub("acme", name);
    await breakD1(stub);
    await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: { type: "pull" } });
    await healD1(stub);
    await call("DELETE", `/v1/triggers/${name}/subscriptions/f`);
    await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`UPDATE outbox SET next_at = 0`));
    await runDurableObjectAlarm(stub);
    expect((await call("GET", `/v1/triggers?subscribedBy=f&q=${name}`)).body.triggers).toEqual([]);
  });
});

describe("webhook inbox", () => {
  it("a failing row behind good ones is counted too: it ends failed, the rows around it fire once", async () => {
    const name = uniq("inb");
    const path = pathOf(name);
    await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" } } });
    const stub = triggerStub("acme", name);
    await inObject(stub, (o: any) => {
      const now = Date.now();
      const add = (id: number, headers: string) => o.ctx.storage.sql.exec(
        `INSERT INTO inbox (id, event_id, received_at, method, headers, query, body, source_ip, status, updated_at) VALUES (?, ?, ?, 'POST', ?, '{}', x'7b7d', NULL, 'pending', ?)`,
        id, `whk_0000000000000000_${id}_aaaaaaaa`, now, headers, now);
      add(1, "{}");
      add(2, "{not json");
      add(3, "{}");
    });
    for (let i = 0; i < 6; i++) await runDurableObjectAlarm(stub);
    const rows = await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`SELECT id, status, attempts FROM inbox ORDER BY id`).toArray());
    expect(rows.map((r: any) => r.status)).toEqual(["completed", "failed", "completed"]);
    expect(rows[1].attempts).toBeLessThanOrEqual(6);
    const evs = await events(name);
    expect(evs.filter((e) => e.type === "trigger.fired").map((e) => e.id).sort()).toEqual(["whk_0000000000000000_1_aaaaaaaa", "whk_0000000000000000_3_aaaaaaaa"]);
    expect(evs.filter((e) => e.type === "trigger.skipped").map((e) => e.data.skipReason)).toEqual(["processing_failed"]);
  });

  it("a row that keeps failing ends failed with a processing_failed fire, and the inbox moves on", async () => {
    const name = uniq("inb");
    const path = pathOf(name);
    await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" } } });
    const stub = triggerStub("acme", name);
    // a stored request that cannot be processed (its headers are not JSON)
    await inObject(stub, (o: any) => o.ctx.storage.sql.exec(
      `INSERT INTO inbox (id, event_id, received_at, method, headers, query, body, source_ip, status, updated_at) VALUES (1, 'whk_0000000000000000_1_aaaaaaaa', ?, 'POST', '{not json', '{}', x'7b7d', NULL, 'pending', ?)`, Date.now(), Date.now()));
    for (let i = 0; i < 6; i++) await runDurableObjectAlarm(stub);
    const row = await inObject(stub, (o: any) => o.ctx.storage.sql.exec(`SELECT status, attempts, error FROM inbox WHERE id = 1`).one());
    expect(row.status).toBe("failed");
    expect(row.attempts).toBeLessThanOrEqual(6);
    expect(row.error).toBeTruthy();
    const skipped = (await events(name)).filter((e) => e.type === "trigger.skipped");
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ id: "whk_0000000000000000_1_aaaaaaaa", data: { skipReason: "processing_failed" } });
    // the next request is processed normally, and the alarm stops retrying
    const r = await hook("acme", path, JSON.stringify({ ok: 1 }));
    expect(r.status).toBe(202);
    const fired = await until(() => events(name, "trigger.fired"), (e) => e.length === 1);
    expect(fired[0].id).toBe(r.body.id);
  });

  it("a webhook body over what one row holds is 413, never 500, even under an older definition that allowed 10 MiB", async () => {
    const name = uniq("big");
    const path = pathOf(name);
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" }, maxBodyBytes: 10 * 1024 * 1024 } })).status).toBe(400);
    await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" } } });
    const stub = triggerStub("acme", name);
    await inObject(stub, (o: any) => {
      const row = o.ctx.storage.sql.exec(`SELECT def FROM trigger`).one();
      const def = JSON.parse(row.def);
      def.webhook.maxBodyBytes = 10 * 1024 * 1024;
      o.ctx.storage.sql.exec(`UPDATE trigger SET def = ?`, JSON.stringify(def));
      o.core.invalidate();
    });
    const big = JSON.stringify({ x: "a".repeat(3 * 1024 * 1024) });
    const r = await hook("acme", path, big);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("payload_too_large");
  });

  it("a text body whose JSON form would not fit a row is recorded skipped (payload_too_large), not lost", async () => {
    const name = uniq("esc");
    const path = pathOf(name);
    await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" } } });
    // 1 MiB of control characters: each becomes \u00XX (6 bytes) in JSON
    const r = await hook("acme", path, "\u0001".repeat(1024 * 1024 - 16), { "content-type": "text/plain" });
    expect(r.status).toBe(202);
    const s = await until(() => events(name, "trigger.skipped"), (e) => e.length === 1);
    expect(s[0].data).toMatchObject({ skipReason: "payload_too_large" });
    expect(s[0].data.payload).toBeUndefined();
  });
});

describe("payload_too_large", () => {
  it("a fire recorded as skipped (payload_too_large) has no delivery: nothing queued, nothing sent, nothing pending", async () => {
    const name = uniq("esc2");
    const path = pathOf(name);
    await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" } } });
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${name}` } })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/m`, { mode: "manual", target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${name}-m` } })).status).toBe(201);
    const r = await hook("acme", path, "\u0001".repeat(1024 * 1024 - 16), { "content-type": "text/plain" });
    expect(r.status).toBe(202);
    const [s] = await until(() => events(name, "trigger.skipped"), (e) => e.length === 1);
    expect(s.data).toMatchObject({ skipReason: "payload_too_large" });
    const fire = (await call("GET", `/v1/triggers/${name}/fires/${r.body.id}`)).body;
    expect(fire).toMatchObject({ status: "skipped", skipReason: "payload_too_large", deliveries: [] });
    // a normal fire after it is delivered; the skipped one never reached the flow
    expect((await call("POST", `/v1/triggers/${name}/fire`, { data: { ok: 1 } })).status).toBe(202);
    const stats = await until(() => call("GET", `/v1/triggers/${name}/stats`), (x) => x.body.delivered === 1);
    expect(stats.body).toMatchObject({ delivered: 1, pending: 0 });
    const log = await (await fetch(`http://127.0.0.1:${port}/log?contains=/hook/ok/${name}`)).json() as any[];
    expect(log.map((l) => JSON.parse(l.body).data)).toEqual([{ ok: 1 }]);
    expect(await inObject(triggerStub("acme", name), (o: any) => o.ctx.storage.sql.exec(`SELECT count(*) AS n FROM deliveries WHERE event_seq = ?`, s.seq).one().n)).toBe(0);
  });
});

describe("schedules", () => {
  it("a stored schedule the validator rejects is recorded once and the rest of the alarm keeps working", async () => {
    const name = uniq("badsch");
    await call("PUT", `/v1/triggers/${name}`, { type: "schedule", schedule: { interval: "1h" } });
    const stub = triggerStub("acme", name);
    await inObject(stub, (o: any) => {
      const row = o.ctx.storage.sql.exec(`SELECT def FROM trigger`).one();
      const def = JSON.parse(row.def);
      def.schedule = { cron: "not a cron" };
      o.ctx.storage.sql.exec(`UPDATE trigger SET def = ?`, JSON.stringify(def));
      o.core.invalidate();
    });
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    expect((await events(name, "schedule.invalid")).length).toBe(1);
    // other work still happens: a fire, its stats, the index
    const f = await call("POST", `/v1/triggers/${name}/fire`, { data: {} });
    expect(f.status).toBe(202);
    await inObject(stub, (o: any) => { o.core.statsDueAt = 0; });
    await runDurableObjectAlarm(stub);
    const listed = await call("GET", `/v1/triggers?q=${name}`);
    expect(listed.body.triggers[0].stats.totalFires).toBe(1);
    expect((await call("GET", `/v1/triggers/${name}`)).status).toBe(200);
    // a corrected definition clears the mark and schedules again
    const fixed = await call("PUT", `/v1/triggers/${name}`, { type: "schedule", schedule: { interval: "2h" } });
    expect(fixed.body.nextFireAt).toBeGreaterThan(Date.now());
  });
});

describe("awaits", () => {
  it("an event await whose waiter registration hit a transport error is registered later, and resolves", async () => {
    const trigger = uniq("awt");
    await call("PUT", `/v1/triggers/${trigger}`, { type: "event" });
    const runId = uniq("run");
    const runStub: any = env.RUNS.get(env.RUNS.idFromName(`acme:${runId}`));
    // the run's view of TRIGGERS fails once, as a dropped connection would
    await inObject(runStub, (o: any) => {
      const real = o.core.env.TRIGGERS;
      let failures = 1;
      o.core.env = { ...o.core.env, TRIGGERS: { idFromName: (n: string) => real.idFromName(n), get: (id: any) => {
        const stub = real.get(id);
        return new Proxy(stub, { get: (t: any, k) => (k === "addWaiter" && failures-- > 0 ? async () => { throw new Error("Network connection lost."); } : t[k]) });
      } } };
    });
    const body = { kind: "event", trigger, match: { "data.k": 1 }, timeoutMs: 3_600_000 };
    const put = await call("PUT", `/v1/runs/${runId}/awaits/s1`, body);
    expect(put.status).toBe(201);
    expect(put.body.status).toBe("waiting");
    // the retried PUT answers the same await and registers the waiter
    expect((await call("PUT", `/v1/runs/${runId}/awaits/s1`, body)).status).toBe(200);
    await call("POST", `/v1/triggers/${trigger}/fire`, { data: { k: 1 } });
    const a = await until(() => call("GET", `/v1/runs/${runId}/awaits/s1`), (r) => r.body.status === "resolved");
    expect(a.body.status).toBe("resolved");
  });
});

describe("stats flush", () => {
  it("a failed push long after it was due is retried a period later, not at once", async () => {
    const name = uniq("flush");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    await call("POST", `/v1/triggers/${name}/fire`, { data: {} });
    const stub = triggerStub("acme", name);
    await breakD1(stub);
    await inObject(stub, (o: any) => { o.core.statsDueAt = 1; });
    await runDurableObjectAlarm(stub);
    const due = await inObject(stub, (o: any) => o.core.statsDueAt);
    expect(due).toBeGreaterThanOrEqual(Date.now() + 3_000);
    await healD1(stub);
  });
});

describe("the API around the objects", () => {
  it("one event whose object fails does not fail the batch", async () => {
    const good = uniq("okb");
    const broken = uniq("brk");
    await call("PUT", `/v1/triggers/${good}`, { type: "event" });
    await call("PUT", `/v1/triggers/${broken}`, { type: "event" });
    // a corrupt stored definition makes the object throw (not an AppError)
    await inObject(triggerStub("acme", broken), (o: any) => { o.ctx.storage.sql.exec(`UPDATE trigger SET def = '{corrupt'`); o.core.invalidate(); });
    const r = await call("POST", "/v1/events", { events: [{ name: good, data: {} }, { name: broken, data: {} }, { name: good, data: { n: 2 } }] });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: any) => x.status)).toEqual(["accepted", "error", "accepted"]);
    expect(r.body.results[1].error.code).toBe("unavailable");
  });

  it("/resume/{token} counts bytes, not characters, against its limit", async () => {
    const runId = uniq("res");
    const put = await call("PUT", `/v1/runs/${runId}/awaits/ok`, { kind: "webhook", timeoutMs: 60_000 });
    // 600k two-byte characters: 1.2 MB, though fewer than 1,048,576 characters
    const res = await (exports as any).default.fetch(new Request(put.body.resumeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ s: "é".repeat(600_000) }) }));
    expect(res.status).toBe(413);
    expect((await call("GET", `/v1/runs/${runId}/awaits/ok`)).body.status).toBe("waiting");
  });

  it("a queue target naming the service's own queues is 400", async () => {
    const name = uniq("ownq");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    for (const queue of ["DELIVERIES", "DELIVERIES_DLQ"]) {
      const r = await call("PUT", `/v1/triggers/${name}/subscriptions/q`, { target: { type: "queue", queue } });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("reserved_queue");
    }
  });
});

describe("pull subscriptions", () => {
  it("a pull reader behind 220 fires sent to another flow gets the next fire meant for it", async () => {
    const name = uniq("pullb");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    await call("PUT", `/v1/triggers/${name}/subscriptions/reader`, { target: { type: "pull" } });
    await call("PUT", `/v1/triggers/${name}/subscriptions/other`, { target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${name}` } });
    for (let i = 0; i < 220; i += 20) {
      await call("POST", "/v1/events", { events: Array.from({ length: 20 }, (_, j) => ({ name, data: { i: i + j }, flows: ["other"] })) });
    }
    const mine = await call("POST", `/v1/triggers/${name}/fire`, { data: { mine: true } });
    const page = await call("GET", `/v1/triggers/${name}/subscriptions/reader/events?limit=10`);
    expect(page.body.events.map((e: any) => e.id)).toEqual([mine.body.eventId]);
    expect(page.body.checkpoint).toBeGreaterThan(200); // moved past the fires that were not for it
  });
});
