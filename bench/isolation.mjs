/**
 * Benchmark: a failing or slow flow must not slow anything else (issue 19,
 * docs/delivery.md). Each figure beside its baseline from the same run:
 *
 * 1. Fire latency with 200,000 deliveries waiting vs none: one trigger with
 *    10 subscriptions whose endpoint answers 503 (their breakers open), 500
 *    fires at concurrency 16 measured before and after 19,500 more fires
 *    fill the backlog to ~200,000 waiting deliveries. Target p50 ≤ 1.2×.
 * 2. A healthy flow of another tenant beside a slow one: fire→delivery of
 *    30 fires (one every 100 ms) alone, then again while a flow whose endpoint
 *    takes 2 s per request has 2,000 deliveries queued. Target p99 ≤ 3× +
 *    100 ms; requests open at once against the slow endpoint ≤ 32.
 *
 * The receiver is a local scriptable server; everything is loopback.
 */
import { must, peakOpen, percentile, row, runLoad, waitFor } from "./lib/measure.mjs";
import { startScriptedReceiver } from "../test/chaos/lib/receiver.mjs";

const DEAD_SUBS = 10;
const BACKLOG_FIRES = Number(process.env.ISOLATION_BACKLOG_FIRES ?? 20_000);
const MEASURE = 500;
const SLOW_QUEUED = 2_000;
const HEALTHY_FIRES = 30;

export const name = "isolation";
export const description = `fire latency with ${(BACKLOG_FIRES * DEAD_SUBS).toLocaleString("en")} deliveries waiting vs none; a healthy flow of another tenant beside a slow one (2 s per request, ${SLOW_QUEUED} queued) vs alone`;
export const timeoutMs = 900_000;

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  const receiver = await startScriptedReceiver({
    decide: (r) => (r.path.startsWith("/dead") ? { status: 503 } : r.path.startsWith("/slow") ? { status: 200, delayMs: 2_000 } : { status: 200 }),
    hangMaxMs: 30_000,
  });
  const other = { tenant: "neighbour", key: `neighbour-${Date.now()}` };
  const sb = await h.startWrangler({ logLevel: "warn", extraKeys: [other] });
  try {
    // ---- 1. a backlog of 200,000 waiting deliveries
    await must(sb.api("PUT", "/v1/triggers/iso.backlog", { body: { type: "manual" } }), "register");
    for (let i = 0; i < DEAD_SUBS; i++) {
      await must(sb.api("PUT", `/v1/triggers/iso.backlog/subscriptions/dead-${i}`, { body: { target: { type: "http", url: `${receiver.url}/dead/${i}` }, retry: { maxAttempts: 50, initialBackoffSeconds: 60, maxBackoffSeconds: 3600 } } }), "subscribe");
    }
    await batchFires(sb, "iso.backlog", 60, 2);
    await waitFor(async () => {
      const t = (await must(sb.api("GET", "/v1/triggers/iso.backlog"), "get")).json;
      return Object.values(t.subscriptions).every((s) => s.breaker === "open");
    }, 60_000, "breakers open");
    const fire = (trigger) => async (i) => (await sb.api("POST", `/v1/triggers/${trigger}/fire`, { body: { data: { i } } })).status === 202;
    await runLoad({ count: 100, concurrency: 16, request: fire("iso.backlog") }); // warm-up
    const none = await runLoad({ count: MEASURE, concurrency: 16, request: fire("iso.backlog") });
    const waitingBefore = await waiting(sb);
    h.log(`none waiting (${waitingBefore}): fire p50 ${none.p50.toFixed(1)} ms, p99 ${none.p99.toFixed(1)} ms`);
    const t0 = Date.now();
    await batchFires(sb, "iso.backlog", BACKLOG_FIRES - 60 - 100 - MEASURE, 4);
    const waitingAfter = await waiting(sb);
    h.log(`filled to ${waitingAfter} waiting in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const big = await runLoad({ count: MEASURE, concurrency: 16, request: fire("iso.backlog") });
    h.log(`${waitingAfter} waiting: fire p50 ${big.p50.toFixed(1)} ms, p99 ${big.p99.toFixed(1)} ms`);
    const deadAttempts = receiver.requests.filter((r) => r.path.startsWith("/dead")).length;

    // ---- 2. a healthy flow of another tenant beside a slow one
    await must(sb.api("PUT", "/v1/triggers/iso.fine", { body: { type: "manual" }, key: other.key }), "register fine");
    await must(sb.api("PUT", "/v1/triggers/iso.fine/subscriptions/fine", { body: { target: { type: "http", url: `${receiver.url}/ok/fine` } }, key: other.key }), "subscribe fine");
    await must(sb.api("PUT", "/v1/triggers/iso.slow", { body: { type: "manual" } }), "register slow");
    await must(sb.api("PUT", "/v1/triggers/iso.slow/subscriptions/slow", { body: { target: { type: "http", url: `${receiver.url}/slow` }, retry: { maxAttempts: 10, initialBackoffSeconds: 5, maxBackoffSeconds: 60 } } }), "subscribe slow");
    const healthy = async () => {
      const lat = [];
      for (let i = 0; i < HEALTHY_FIRES; i++) {
        const t = Date.now();
        const r = await must(sb.api("POST", "/v1/triggers/iso.fine/fire", { body: { data: { i } }, key: other.key }), "fire fine");
        const id = r.json.eventId;
        await waitFor(async () => receiver.requests.some((q) => q.json?.eventId === id), 30_000, "healthy delivery");
        lat.push(receiver.requests.find((q) => q.json?.eventId === id).startedAt - t);
        await new Promise((res) => setTimeout(res, 100));
      }
      return lat.sort((a, b) => a - b);
    };
    await healthy(); // warm-up
    const alone = await healthy();
    h.log(`healthy alone: p50 ${percentile(alone, 50)} ms, p99 ${percentile(alone, 99)} ms`);
    await batchFires(sb, "iso.slow", SLOW_QUEUED, 4);
    await new Promise((res) => setTimeout(res, 3_000));
    const beside = await healthy();
    h.log(`healthy beside the slow flow: p50 ${percentile(beside, 50)} ms, p99 ${percentile(beside, 99)} ms`);
    const slow = receiver.requests.filter((r) => r.path.startsWith("/slow"));
    const peak = peakOpen(slow);
    const slowSub = (await must(sb.api("GET", "/v1/triggers/iso.slow"), "get slow")).json.subscriptions.slow;

    const a99 = percentile(alone, 99);
    return [
      row({ metric: "fire p50 with 200,000 deliveries waiting", value: big.p50, unit: "ms", baseline: none.p50, baselineLabel: `${waitingBefore} waiting`, target: { op: "<=", value: +(none.p50 * 1.2).toFixed(1) }, note: `${waitingAfter} waiting after the fill` }),
      row({ metric: "fire p99 with 200,000 deliveries waiting", value: big.p99, unit: "ms", baseline: none.p99, baselineLabel: `${waitingBefore} waiting` }),
      row({ metric: "attempts against the 10 dead endpoints", value: deadAttempts, unit: "", note: `${BACKLOG_FIRES} fires × ${DEAD_SUBS} subscriptions` }),
      row({ metric: "healthy flow fire→delivery p99 beside a slow flow", value: percentile(beside, 99), unit: "ms", baseline: a99, baselineLabel: "alone", target: { op: "<=", value: 3 * a99 + 100 }, note: `p50 ${percentile(beside, 50)} vs ${percentile(alone, 50)} ms alone` }),
      row({ metric: "requests open at once against the slow endpoint", value: peak, unit: "", target: { op: "<=", value: 32 }, note: `${slow.length} requests so far, ${slowSub.waiting} waiting, ${slowSub.inFlight} in flight` }),
    ];
  } finally {
    await sb.stop();
    await receiver.close();
  }
}

/** `n` fires of `trigger` through POST /v1/events, 100 a call, `concurrency` calls at a time. */
async function batchFires(sb, trigger, n, concurrency) {
  const calls = Math.ceil(n / 100);
  await runLoad({
    count: calls, concurrency, maxMs: 800_000,
    request: async (c) => {
      const events = Array.from({ length: Math.min(100, n - c * 100) }, (_, i) => ({ name: trigger, data: { c, i } }));
      const r = await sb.api("POST", "/v1/events", { body: { events }, timeoutMs: 120_000 });
      if (r.status !== 200) throw new Error(`events: HTTP ${r.status}`);
      return true;
    },
  });
}

async function waiting(sb) {
  const t = (await must(sb.api("GET", "/v1/triggers/iso.backlog"), "get")).json;
  return Object.values(t.subscriptions).reduce((n, s) => n + s.waiting, 0);
}
