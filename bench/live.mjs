/**
 * Benchmark: the live stream and chaining.
 * - light load: 100 fires one at a time, fire request sent → event received by one SSE listener (p50 ≤ 20 ms, p99 ≤ 100 ms);
 * - fan-out: 100 SSE listeners on one trigger while 1,000 fires are sent at 100/s: every listener gets every event, in order;
 * - chaining: 50 flow reports one at a time, report sent → chained fire received by a listener of the flow trigger (p50 ≤ 50 ms).
 * Baseline rows: the fire request's own round trip in the same run.
 */
import { percentile, row } from "./lib/measure.mjs";
import { openLive } from "../test/lib/sse-client.mjs";

const LIGHT = 100;
const LISTENERS = 100;
const FANOUT_FIRES = 1_000;
const RATE = 100;
const REPORTS = 50;

export const name = "live";
export const description = `live stream: fire → listener at light load, ${LISTENERS} listeners at ${RATE} fires/s, flow report → chained fire`;
export const timeoutMs = 240_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  const receiver = await h.startReceiver();
  const sb = await h.startWrangler({ logLevel: "warn" });
  const must = async (p, what) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
    return r;
  };
  const listeners = [];
  try {
    // ---- light load
    await must(sb.api("PUT", "/v1/triggers/live.bench", { body: { type: "event" } }), "register");
    const seenAt = new Map();
    const one = openLive(sb.baseUrl, sb.apiKey, "live.bench", { types: "trigger.fired", onEvent: (e) => seenAt.set(JSON.parse(e.data).id, performance.now()) });
    listeners.push(one);
    await sleep(500);
    const lat = [];
    const rtt = [];
    for (let i = 0; i < LIGHT; i++) {
      const t0 = performance.now();
      const r = await must(sb.api("POST", "/v1/triggers/live.bench/fire", { body: { data: { i } } }), "fire");
      rtt.push(performance.now() - t0);
      const id = r.json.eventId;
      const until = Date.now() + 5_000;
      while (!seenAt.has(id) && Date.now() < until) await sleep(1);
      if (seenAt.has(id)) lat.push(seenAt.get(id) - t0);
    }
    lat.sort((a, b) => a - b);
    rtt.sort((a, b) => a - b);
    h.log(`light load: fire → listener p50 ${percentile(lat, 50)?.toFixed(1)} ms, p99 ${percentile(lat, 99)?.toFixed(1)} ms (fire round trip p50 ${percentile(rtt, 50)?.toFixed(1)} ms)`);

    // ---- fan-out to many listeners
    await must(sb.api("PUT", "/v1/triggers/live.fanout", { body: { type: "event" } }), "register fanout");
    const got = [];
    for (let l = 0; l < LISTENERS; l++) {
      const seqs = [];
      got.push(seqs);
      listeners.push(openLive(sb.baseUrl, sb.apiKey, "live.fanout", { types: "trigger.fired", onEvent: (e) => seqs.push(Number(e.id)) }));
    }
    await sleep(2_000);
    const firedIds = [];
    const fireErrors = [];
    const start = performance.now();
    for (let i = 0; i < FANOUT_FIRES; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      sb.api("POST", "/v1/triggers/live.fanout/fire", { body: { data: { i } } }).then(
        (r) => (r.status === 202 ? firedIds.push(r.json.seq) : fireErrors.push(r.status)),
        (e) => fireErrors.push(e.message),
      );
    }
    // every fire answers (202 or an error) before the listeners are judged on the accepted ones
    const answeredBy = Date.now() + 30_000;
    while (firedIds.length + fireErrors.length < FANOUT_FIRES && Date.now() < answeredBy) await sleep(50);
    const accepted = new Set(firedIds);
    const until = Date.now() + 60_000;
    const hasAll = (s) => {
      if (s.length < accepted.size) return false;
      const seen = new Set(s);
      for (const q of accepted) if (!seen.has(q)) return false;
      return true;
    };
    while (got.some((s) => !hasAll(s)) && Date.now() < until) await sleep(100);
    const complete = got.filter((s) => hasAll(s) && s.every((v, i) => i === 0 || v > s[i - 1])).length;
    const counts = got.map((s) => s.length).sort((a, b) => a - b);
    const inOrder = got.filter((s) => s.every((v, i) => i === 0 || v > s[i - 1])).length;
    const fanoutNote = `events per listener min ${counts[0]}, median ${counts[Math.floor(counts.length / 2)]}, max ${counts[counts.length - 1]} of ${FANOUT_FIRES} sent; ${inOrder}/${LISTENERS} in order with no repeat; ${firedIds.length} fires accepted (202), ${fireErrors.length} refused or failed (${[...new Set(fireErrors)].join(", ") || "none"})`;
    h.log(`fan-out: ${complete}/${LISTENERS} listeners got all ${FANOUT_FIRES} events in order (${((performance.now() - start) / 1000).toFixed(1)} s); ${fanoutNote}`);

    // ---- chaining
    await must(sb.api("PUT", "/v1/triggers/chain.src", { body: { type: "event" } }), "register source");
    await must(sb.api("PUT", "/v1/triggers/chain.src/subscriptions/billing", { body: { target: { type: "http", url: `${receiver.url}/billing` } } }), "subscribe");
    await must(sb.api("PUT", "/v1/triggers/chain.dst", { body: { type: "flow", flow: { name: "billing" } } }), "register flow trigger");
    const chainedAt = new Map();
    listeners.push(openLive(sb.baseUrl, sb.apiKey, "chain.dst", { types: "trigger.fired", onEvent: (e) => chainedAt.set(JSON.parse(e.data).data.payload.deliveryId, performance.now()) }));
    await sleep(500);
    const chainLat = [];
    for (let i = 0; i < REPORTS; i++) {
      const f = await must(sb.api("POST", "/v1/triggers/chain.src/fire", { body: { data: { i } } }), "fire source");
      const d = f.json.deliveries[0].deliveryId;
      const t0 = performance.now();
      await must(sb.api("POST", `/v1/deliveries/${d}/status`, { body: { status: "completed" } }), "report");
      const stop = Date.now() + 5_000;
      while (!chainedAt.has(d) && Date.now() < stop) await sleep(1);
      if (chainedAt.has(d)) chainLat.push(chainedAt.get(d) - t0);
    }
    chainLat.sort((a, b) => a - b);
    h.log(`chaining: report → chained fire seen p50 ${percentile(chainLat, 50)?.toFixed(1)} ms, p99 ${percentile(chainLat, 99)?.toFixed(1)} ms`);

    return [
      row({ metric: "fire → live listener p50 (light load)", value: percentile(lat, 50), unit: "ms", baseline: percentile(rtt, 50), baselineLabel: "fire round trip", target: { op: "<=", value: 20 }, note: `${lat.length}/${LIGHT} seen` }),
      row({ metric: "fire → live listener p99 (light load)", value: percentile(lat, 99), unit: "ms", baseline: percentile(rtt, 99), baselineLabel: "fire round trip", target: { op: "<=", value: 100 } }),
      row({ metric: `listeners that got every accepted fire in order (${LISTENERS} listeners, ${FANOUT_FIRES} fires at ${RATE}/s)`, value: complete, unit: "", target: { op: ">=", value: LISTENERS }, note: fanoutNote }),
      row({ metric: "flow report → chained fire seen p50 (light load)", value: percentile(chainLat, 50), unit: "ms", target: { op: "<=", value: 50 }, note: `${chainLat.length}/${REPORTS} seen` }),
      row({ metric: "flow report → chained fire seen p99", value: percentile(chainLat, 99), unit: "ms" }),
    ];
  } finally {
    for (const l of listeners) l.close();
    await sb.stop();
    await receiver.close();
  }
}
