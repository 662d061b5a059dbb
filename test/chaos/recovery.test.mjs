/**
 * Recovery of the delivery path (the ledger's probes), against a private
 * `wrangler dev` whose local queue lives in memory and dies with it:
 *
 * 1. Under load: 3,000 fires at concurrency 24 to one http subscriber, the
 *    runtime SIGKILLed twice. Every acknowledged fire is delivered; those
 *    acknowledged before a kill and not yet delivered arrive within 30 s of
 *    the restart; fires delivered twice (same webhook-id) are at most 1%.
 * 2. A backlog: 15,000 deliveries queued behind a receiver that hangs, the
 *    runtime SIGKILLed, the receiver back: all delivered within 300 s of the
 *    restart (measured 52 s), at most 1% twice, at most 8 SQLite rows written
 *    per delivered fire over the whole run, and no `max active timeouts` in the
 *    runtime's log.
 *
 * Everything is loopback, bounded in count and time, and stops by itself.
 * Knobs (env): RECOVERY_FIRES (3000), RECOVERY_BACKLOG (15000).
 *
 * The under-load figures depend on where the kills land: fires delivered
 * twice are the deliveries posted but not yet recorded when the runtime dies
 * (measured 0 to 49 per run of 3,000, i.e. 0-1.6%), and the slowest
 * redelivery after a restart was 12-30 s. A run that misses a limit is run
 * once more on a fresh runtime and both runs are printed; two misses in a
 * row fail the test.
 *
 * The backlog was 5,000 until issue 19: a burst of more than ~6,000
 * deliveries sent every attempt at once, and wrangler dev's local runtime
 * ran out of file descriptors. Since each subscription has at most 64
 * attempts in flight (32 before issue 23; docs/delivery.md), 15,000 drain without it.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newWebhookSecret, pool, startWrangler } from "../e2e/lib/wrangler.mjs";
import { startScriptedReceiver } from "./lib/receiver.mjs";

const FIRES = Number(process.env.RECOVERY_FIRES ?? 3_000);
const BACKLOG = Number(process.env.RECOVERY_BACKLOG ?? 15_000);
const RETRY = { maxAttempts: 20, initialBackoffSeconds: 1, maxBackoffSeconds: 5 };

const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
}, { timeout: 30_000 });

/** The runtime's whole log goes to a file (the harness keeps only a tail in memory). */
const logDir = mkdtempSync(join(tmpdir(), "signalbox-recovery-"));
if (!process.env.RECOVERY_KEEP_LOGS) cleanups.unshift(async () => rmSync(logDir, { recursive: true, force: true }));
else console.log(`runtime logs kept in ${logDir}`);

async function setup(receiver, trigger, timeoutMs = 10_000) {
  const logFile = join(logDir, `${trigger}.log`);
  const sb = await startWrangler({ logLevel: "warn", logFile, inspector: false });
  sb.logFile = logFile;
  cleanups.push(() => sb.stop());
  assert.equal((await sb.api("PUT", `/v1/triggers/${trigger}`, { body: { type: "manual" } })).status, 201);
  const secret = newWebhookSecret();
  const sub = await sb.api("PUT", `/v1/triggers/${trigger}/subscriptions/flow`, { body: { target: { type: "http", url: `${receiver.url}/d/flow`, secret, timeoutMs }, retry: RETRY } });
  assert.equal(sub.status, 201, sub.text);
  return sb;
}

/** eventId → first arrival time, and how many fires arrived more than once (by webhook-id). */
function arrivals(receiver) {
  const first = new Map();
  const perId = new Map();
  for (const q of receiver.requests) {
    if (q.answer !== 200) continue;
    const id = q.json?.eventId;
    if (id && !first.has(id)) first.set(id, q.startedAt);
    if (q.webhookId) perId.set(q.webhookId, (perId.get(q.webhookId) ?? 0) + 1);
  }
  return { first, twice: [...perId.values()].filter((n) => n > 1).length };
}

async function waitDelivered(receiver, ids, deadlineMs) {
  while (Date.now() < deadlineMs) {
    const { first } = arrivals(receiver);
    if (ids.every((id) => first.has(id))) return true;
    await sleep(250);
  }
  return false;
}

async function recoveryUnderLoad(run) {
  const receiver = await startScriptedReceiver({ decide: () => ({ status: 200 }) });
  cleanups.push(() => receiver.close());
  const sb = await setup(receiver, `rec.load.${run}`);
  const accepted = new Map(); // eventId → acknowledged at
  const kills = [];
  let done = 0;
  const monkey = (async () => {
    for (const at of [Math.round(FIRES / 3), Math.round((2 * FIRES) / 3)]) {
      while (done < at) await sleep(10);
      const killedAt = Date.now();
      const pending = [...accepted.keys()];
      await sb.kill();
      await sb.restart({ startTimeoutMs: 90_000 });
      kills.push({ killedAt, upAt: Date.now(), pending });
    }
  })();
  await pool(FIRES, 24, async (i) => {
    for (;;) {
      try {
        const r = await sb.api("POST", `/v1/triggers/rec.load.${run}/fire`, { body: { data: { i } }, timeoutMs: 20_000 });
        if (r.status === 202) {
          accepted.set(r.json.eventId, Date.now());
          done++;
          return;
        }
      } catch {
        // refused or cut off while the runtime is down: try again (a new fire; an in-doubt one may be stored too)
      }
      await sleep(200);
    }
  });
  await monkey;
  const ids = [...accepted.keys()];
  const allIn = await waitDelivered(receiver, ids, Date.now() + 120_000);
  await sleep(3_000); // late duplicates arrive now
  const { first, twice } = arrivals(receiver);
  const lines = [`recovery under load: ${accepted.size} acknowledged, ${first.size} delivered, ${twice} delivered twice (${((twice / Math.max(1, first.size)) * 100).toFixed(2)}%)`];
  let worst = 0;
  for (const [i, k] of kills.entries()) {
    const late = k.pending.filter((id) => !(first.get(id) < k.killedAt));
    const after = late.map((id) => (first.get(id) ?? Infinity) - k.upAt);
    const max = Math.max(0, ...after);
    worst = Math.max(worst, max);
    lines.push(`  kill ${i + 1}: down ${((k.upAt - k.killedAt) / 1000).toFixed(1)} s; ${late.length} acknowledged fires not yet delivered; all of them ${Number.isFinite(max) ? `delivered ${(max / 1000).toFixed(1)} s after the restart at the latest` : "NOT delivered"}`);
  }
  console.log(lines.join("\n"));
  await sb.stop();
  const problems = [];
  if (!allIn) problems.push("not every acknowledged fire was delivered");
  if (worst > 30_000) problems.push(`acknowledged fires were delivered ${worst} ms after a restart (limit 30 s)`);
  if (twice > 0.01 * first.size) problems.push(`${twice} fires delivered twice (limit 1%)`);
  return problems;
}

test(`recovery under load: ${FIRES} fires at concurrency 24, SIGKILL twice`, { timeout: 800_000 }, async () => {
  let problems = await recoveryUnderLoad(1);
  if (problems.length) {
    console.log(`first run missed (${problems.join("; ")}): once more on a fresh runtime`);
    problems = await recoveryUnderLoad(2);
  }
  assert.deepEqual(problems, [], problems.join("; "));
});

test(`recovery of a backlog: ${BACKLOG} queued deliveries, SIGKILL, the receiver comes back`, { timeout: 700_000 }, async () => {
  let down = true;
  const receiver = await startScriptedReceiver({ decide: () => (down ? "hang" : { status: 200 }), hangMaxMs: 30_000 });
  cleanups.push(() => receiver.close());
  const sb = await setup(receiver, "rec.backlog", 5_000);
  const ids = [];
  await pool(Math.ceil(BACKLOG / 100), 4, async (b) => {
    const events = Array.from({ length: Math.min(100, BACKLOG - b * 100) }, (_, i) => ({ name: "rec.backlog", data: { b, i } }));
    const r = await sb.api("POST", "/v1/events", { body: { events }, timeoutMs: 60_000 });
    assert.equal(r.status, 200, r.text);
    for (const x of r.json.results) {
      assert.equal(x.status, "accepted");
      ids.push(x.eventId);
    }
  });
  const before = (await sb.api("GET", "/v1/triggers/rec.backlog/stats")).json;
  assert.equal(before.pending, BACKLOG);
  await sb.kill();
  await sb.restart({ startTimeoutMs: 90_000 });
  const upAt = Date.now();
  down = false;
  // the objects wake by their alarms; nothing else touches them
  const allIn = await waitDelivered(receiver, ids, upAt + 300_000);
  const tookMs = Date.now() - upAt;
  let stats = null;
  for (let i = 0; i < 30; i++) {
    stats = (await sb.api("GET", "/v1/triggers/rec.backlog/stats")).json;
    if (stats.pending === 0) break;
    await sleep(1_000);
  }
  await sleep(3_000);
  const { first, twice } = arrivals(receiver);
  const rows = before.rowsWritten + stats.rowsWritten; // the running total restarts with the object
  const log = existsSync(sb.logFile) ? readFileSync(sb.logFile, "utf8") : ""; // nothing logged at warn: no file
  const timeouts = (log.match(/max active timeouts/g) ?? []).length;
  console.log(`recovery of a backlog: ${ids.length} queued, ${first.size} delivered ${(tookMs / 1000).toFixed(1)} s after the restart, ${twice} twice (${((twice / Math.max(1, first.size)) * 100).toFixed(2)}%), rows written ${rows} (${(rows / Math.max(1, first.size)).toFixed(2)} per delivered fire), "max active timeouts" in the log ${timeouts}×, stats delivered ${stats.delivered} pending ${stats.pending}`);
  assert.ok(allIn, "every queued delivery is delivered after the restart");
  assert.ok(tookMs <= 300_000, `took ${tookMs} ms (limit 300 s)`);
  assert.ok(twice <= 0.01 * first.size, `${twice} delivered twice (limit 1%)`);
  assert.ok(rows / first.size <= 8, `${(rows / first.size).toFixed(2)} rows per delivered fire (limit 8)`);
  assert.equal(timeouts, 0, "no max active timeouts in the runtime log");
  assert.equal(stats.delivered, BACKLOG);
  await sb.stop();
});
