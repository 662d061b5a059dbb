/**
 * Chaos: a flow that answers 503 for a whole burst, then a crash, then
 * recovery (issue 19, "a failing flow must not fail Signalbox"). One private
 * `wrangler dev`, two manual triggers, each with one http subscriber
 * (retry: 20 attempts, backoff 1-5 s):
 *
 * 1. baseline: FIRES fires at concurrency 16 to a flow that answers 200;
 * 2. outage: FIRES fires at concurrency 16 to a flow that answers 503 the
 *    whole time; the fire rate and p99 are compared with the baseline, fire
 *    requests refused are counted, attempts against the dead flow are counted;
 * 3. the runtime is SIGKILLed, the flow comes back (200), the runtime is
 *    restarted: every acknowledged fire must reach the flow within the
 *    recovery limit, at most 1% twice (by webhook-id), none dead.
 *
 * The runtime's log must show no "Too many open files" and no "max active
 * timeouts". The table of figures is printed.
 *
 * Everything is loopback, bounded in count and time, and stops by itself.
 * Knobs (env): OUTAGE_FIRES (3000), OUTAGE_RECOVERY_SECONDS (120),
 * OUTAGE_KEEP_LOGS=1 keeps the runtime's log.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newWebhookSecret, pool, startWrangler } from "../e2e/lib/wrangler.mjs";
import { startScriptedReceiver } from "./lib/receiver.mjs";

const FIRES = Number(process.env.OUTAGE_FIRES ?? 3_000);
const CONCURRENCY = 16;
const RECOVERY_MS = Number(process.env.OUTAGE_RECOVERY_SECONDS ?? (FIRES > 5_000 ? 300 : 120)) * 1000;
const RETRY = { maxAttempts: 20, initialBackoffSeconds: 1, maxBackoffSeconds: 5 };

const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
}, { timeout: 30_000 });

const logDir = mkdtempSync(join(tmpdir(), "signalbox-outage-"));
if (!process.env.OUTAGE_KEEP_LOGS) cleanups.unshift(async () => rmSync(logDir, { recursive: true, force: true }));
else console.log(`runtime log kept in ${logDir}`);

const pct = (v, p) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null;
};

/** FIRES fires at concurrency 16; each slot is tried until acknowledged. */
async function burst(sb, trigger) {
  const latencies = [];
  const accepted = [];
  let refused = 0;
  const t0 = Date.now();
  await pool(FIRES, CONCURRENCY, async (i) => {
    for (;;) {
      const s = Date.now();
      try {
        const r = await sb.api("POST", `/v1/triggers/${trigger}/fire`, { body: { data: { i } }, timeoutMs: 30_000 });
        if (r.status === 202) {
          latencies.push(Date.now() - s);
          accepted.push(r.json.eventId);
          return;
        }
        refused++;
      } catch {
        refused++;
      }
      await sleep(200);
    }
  });
  const seconds = (Date.now() - t0) / 1000;
  return { rate: FIRES / seconds, seconds, p50: pct(latencies, 50), p99: pct(latencies, 99), refused, accepted };
}

test(`a flow that answers 503 for a burst of ${FIRES} fires, a crash, recovery`, { timeout: 900_000 }, async () => {
  let down = true;
  const receiver = await startScriptedReceiver({ decide: (r) => (r.path.startsWith("/dead") && down ? { status: 503 } : { status: 200 }) });
  cleanups.push(() => receiver.close());
  const logFile = join(logDir, "runtime.log");
  const sb = await startWrangler({ logLevel: "warn", logFile, inspector: false });
  cleanups.push(() => sb.stop());
  for (const [trigger, path] of [["healthy.burst", "/ok"], ["outage.burst", "/dead"]]) {
    assert.equal((await sb.api("PUT", `/v1/triggers/${trigger}`, { body: { type: "manual" } })).status, 201);
    const sub = await sb.api("PUT", `/v1/triggers/${trigger}/subscriptions/flow`, { body: { target: { type: "http", url: `${receiver.url}${path}`, secret: newWebhookSecret() }, retry: RETRY } });
    assert.equal(sub.status, 201, sub.text);
  }

  const healthy = await burst(sb, "healthy.burst");
  const deadBefore = receiver.requests.filter((r) => r.path.startsWith("/dead")).length;
  const outage = await burst(sb, "outage.burst");
  const attemptsDuringBurst = receiver.requests.filter((r) => r.path.startsWith("/dead")).length - deadBefore;
  const sub = (await sb.api("GET", "/v1/triggers/outage.burst")).json.subscriptions.flow;

  // crash, the flow comes back, restart
  await sb.kill();
  down = false;
  await sb.restart({ startTimeoutMs: 90_000 });
  const upAt = Date.now();
  const want = new Set(outage.accepted);
  const firstOk = new Map();
  const okAt = () => {
    for (const r of receiver.requests) {
      if (r.answer !== 200 || !r.path.startsWith("/dead")) continue;
      const id = r.json?.eventId;
      if (id && want.has(id) && !firstOk.has(id)) firstOk.set(id, r.startedAt);
    }
  };
  while (Date.now() - upAt < RECOVERY_MS) {
    okAt();
    if (firstOk.size === want.size) break;
    await sleep(500);
  }
  const recoveredIn = Date.now() - upAt;
  await sleep(3_000); // late duplicates arrive now
  okAt();
  const perId = new Map();
  for (const r of receiver.requests) if (r.answer === 200 && r.path.startsWith("/dead") && r.webhookId) perId.set(r.webhookId, (perId.get(r.webhookId) ?? 0) + 1);
  const twice = [...perId.values()].filter((n) => n > 1).length;
  const stats = (await sb.api("GET", "/v1/triggers/outage.burst/stats")).json;
  await sb.stop();
  const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
  const emfile = (log.match(/Too many open files/g) ?? []).length;
  const timeouts = (log.match(/max active timeouts/g) ?? []).length;

  const rows = [
    ["fire rate while the only flow answers 503, vs healthy", `${outage.rate.toFixed(0)}/s vs ${healthy.rate.toFixed(0)}/s = ${(outage.rate / healthy.rate).toFixed(2)}×, ${outage.refused} refused`, "≥ 0.8×, 0 refused"],
    ["fire p99 during the outage vs healthy", `${outage.p99} ms vs ${healthy.p99} ms = ${(outage.p99 / healthy.p99).toFixed(2)}×`, "≤ 2×"],
    ["attempts against the dead endpoint while the fires arrive", String(attemptsDuringBurst), "≤ 500"],
    ["breaker at the end of the burst", `${sub.breaker}, ${sub.waiting} waiting`, "open"],
    [`acknowledged fires delivered ≤ ${RECOVERY_MS / 1000} s after the restart`, `${firstOk.size} of ${want.size} in ${(recoveredIn / 1000).toFixed(1)} s, ${twice} twice (${((twice / Math.max(1, firstOk.size)) * 100).toFixed(2)}%), ${stats.dead} dead`, "all, ≤ 1% twice, none dead"],
    ['"Too many open files" / "max active timeouts" in the runtime log', `${emfile} / ${timeouts}`, "0 / 0"],
  ];
  console.log(`\noutage of one flow, ${FIRES} fires at concurrency ${CONCURRENCY}:\n${rows.map(([a, b, c]) => `  ${a}: ${b}   (target ${c})`).join("\n")}`);

  assert.equal(outage.refused, 0, "no fire refused during the outage");
  assert.ok(outage.rate >= 0.8 * healthy.rate, `fire rate ${outage.rate.toFixed(0)}/s vs healthy ${healthy.rate.toFixed(0)}/s`);
  assert.ok(outage.p99 <= 2 * healthy.p99 + 20, `fire p99 ${outage.p99} ms vs healthy ${healthy.p99} ms`);
  assert.ok(attemptsDuringBurst <= 500, `${attemptsDuringBurst} attempts against the dead endpoint`);
  assert.equal(firstOk.size, want.size, "every acknowledged fire delivered after the restart");
  assert.ok(twice <= 0.01 * firstOk.size, `${twice} delivered twice`);
  assert.equal(stats.dead, 0, "none dead");
  assert.equal(emfile, 0, "no EMFILE in the runtime log");
  assert.equal(timeouts, 0, "no max active timeouts in the runtime log");
});
