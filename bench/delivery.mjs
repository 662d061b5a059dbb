/**
 * Benchmark: fire-to-delivery latency and write cost. One event trigger with
 * one http subscriber (a local receiver); 2,000 fires at concurrency 16.
 * Latency runs from just before the fire request is sent to when the receiver
 * gets the signed POST for that eventId. Baseline: the fire request's own
 * round trip (the 202) in the same run.
 *
 * Rows written per delivered fire come from stats.rowsWritten (a running
 * total kept by the trigger's object), read before and after, once every
 * delivery is recorded. Baseline: rows per fire of a trigger with no
 * subscribers, measured the same way in the same run.
 */
import { percentile, row, runLoad } from "./lib/measure.mjs";

const COUNT = 2_000;
const CONCURRENCY = 16;
const WARMUP = 100;
const BASELINE_FIRES = 200;
/** A light-load probe (one fire at a time) before the main run, to separate base latency from queueing. */
const PROBE = 50;
const TRIGGER = "bench.delivery";
const BARE = "bench.bare";
const FLOW = "bench-receiver";

export const name = "delivery";
export const description = `${COUNT} fires to one http subscriber, concurrency ${CONCURRENCY}: fire→receiver latency, rows written per fire`;

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  const arrived = new Map(); // eventId -> performance.now() when the receiver got the request
  let badSignatures = 0;
  let duplicates = 0;
  const secret = h.newWebhookSecret();
  const receiver = await h.startReceiver({
    onRequest(r) {
      const id = r.json?.eventId;
      if (!h.verifyWebhook(secret, r.headers, r.body)) badSignatures++;
      if (arrived.has(id)) duplicates++;
      else arrived.set(id, r.hrAt);
    },
  });
  const sb = await h.startWrangler({ logLevel: "warn" });
  try {
    await must(sb.api("PUT", `/v1/triggers/${TRIGGER}`, { body: { type: "event" } }), [201, 200], "register");
    await must(sb.api("PUT", `/v1/triggers/${TRIGGER}/subscriptions/${FLOW}`, { body: { target: { type: "http", url: `${receiver.url}/hook`, secret } } }), [201, 200], "subscribe");
    await must(sb.api("PUT", `/v1/triggers/${BARE}`, { body: { type: "event" } }), [201, 200], "register bare");

    const fireUrl = (t) => `${sb.baseUrl}/v1/triggers/${t}/fire`;
    const headers = { authorization: `Bearer ${sb.apiKey}`, "content-type": "application/json" };
    const sentAt = new Array(COUNT);
    const eventIds = new Array(COUNT);
    const fire = (trigger, record) => async (i) => {
      const t0 = performance.now();
      const res = await fetch(fireUrl(trigger), { method: "POST", headers, body: JSON.stringify({ data: { i } }), signal: AbortSignal.timeout(10_000) });
      const body = await res.text();
      if (res.status !== 202) throw new Error(`fire ${res.status}: ${body.slice(0, 200)}`);
      if (record) {
        sentAt[i] = t0;
        eventIds[i] = JSON.parse(body).eventId;
      }
      return true;
    };

    // Baseline write cost: a trigger with no subscribers (its own object).
    const bareBefore = await rowsWritten(sb, BARE);
    await runLoad({ count: BASELINE_FIRES, concurrency: CONCURRENCY, request: fire(BARE, false) });
    const bareAfter = await rowsWritten(sb, BARE);
    const bareRowsPerFire = (bareAfter - bareBefore) / BASELINE_FIRES;

    h.log(`warm-up: ${WARMUP} fires`);
    await runLoad({ count: WARMUP, concurrency: CONCURRENCY, request: fire(TRIGGER, false) });
    await settled(sb, WARMUP, 30_000);
    await receiver.waitFor(WARMUP, 10_000);

    h.log(`light-load probe: ${PROBE} fires one at a time`);
    const probeSent = [];
    await runLoad({
      count: PROBE, concurrency: 1,
      request: async (i) => {
        const t0 = performance.now();
        const res = await fetch(fireUrl(TRIGGER), { method: "POST", headers, body: JSON.stringify({ data: { probe: i } }), signal: AbortSignal.timeout(10_000) });
        const body = await res.text();
        if (res.status !== 202) throw new Error(`fire ${res.status}: ${body.slice(0, 200)}`);
        probeSent.push([JSON.parse(body).eventId, t0]);
        return true;
      },
    });
    await settled(sb, WARMUP + probeSent.length, 30_000);
    const probeLat = latenciesOf(probeSent, arrived);
    h.log(`  light-load fire→delivery p50 ${probeLat.p50?.toFixed(1)} ms, p99 ${probeLat.p99?.toFixed(1)} ms`);

    arrived.clear();
    duplicates = 0;
    const before = await rowsWritten(sb, TRIGGER);

    h.log(`measure: ${COUNT} fires at concurrency ${CONCURRENCY}`);
    const load = await runLoad({ count: COUNT, concurrency: CONCURRENCY, request: fire(TRIGGER, true), maxMs: 60_000 });
    h.log(`  fire answers: ${load.perSecond.toFixed(0)}/s, p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms, errors ${load.errors}${load.firstError ? ` (${load.firstError})` : ""}`);
    const fired = load.ok;
    const stats = await settled(sb, WARMUP + probeSent.length + fired, 45_000);
    const after = stats.rowsWritten;

    const sent = [];
    for (let i = 0; i < COUNT; i++) if (eventIds[i] !== undefined) sent.push([eventIds[i], sentAt[i]]);
    const { p50, p99, missing } = latenciesOf(sent, arrived);
    const restarted = after < before; // the running total restarts with the object
    const rowsPerFire = restarted || fired === 0 ? null : (after - before) / fired;
    h.log(`  delivery latency p50 ${p50?.toFixed(1)} ms, p99 ${p99?.toFixed(1)} ms; rows/fire ${rowsPerFire?.toFixed(2)} (bare ${bareRowsPerFire.toFixed(2)})`);
    h.log(`  service-side stats: p50DeliveryMs ${stats.p50DeliveryMs}, p99DeliveryMs ${stats.p99DeliveryMs}`);

    const notes = [
      load.errors ? `${load.errors} fire errors: ${load.firstError}` : "",
      missing ? `${missing} deliveries never arrived` : "",
      duplicates ? `${duplicates} duplicate deliveries` : "",
      badSignatures ? `${badSignatures} bad signatures` : "",
    ].filter(Boolean).join("; ");
    return [
      row({ metric: "fire→delivery p50", value: p50, unit: "ms", baseline: load.p50, baselineLabel: "fire 202 p50", target: { op: "<=", value: 20 }, note: notes }),
      row({ metric: "fire→delivery p99", value: p99, unit: "ms", baseline: load.p99, baselineLabel: "fire 202 p99", target: { op: "<=", value: 100 } }),
      row({ metric: `fire→delivery p50, light load (${PROBE} fires, one at a time)`, value: probeLat.p50, unit: "ms", target: { op: "<=", value: 20 } }),
      row({ metric: `fire→delivery p99, light load (${PROBE} fires, one at a time)`, value: probeLat.p99, unit: "ms", target: { op: "<=", value: 100 } }),
      row({ metric: "service p50DeliveryMs (stats)", value: stats.p50DeliveryMs, unit: "ms" }),
      row({ metric: "service p99DeliveryMs (stats)", value: stats.p99DeliveryMs, unit: "ms" }),
      row({
        metric: "SQLite rows written / delivered fire", value: rowsPerFire, unit: "rows",
        baseline: bareRowsPerFire, baselineLabel: "fire, no subscribers", target: { op: "<=", value: 4 },
        note: restarted ? "the object restarted during the run (rowsWritten went down); no figure" : `${after - before} rows for ${fired} fires`,
      }),
      row({ metric: "fires/s while delivering", value: load.perSecond, unit: "/s" }),
      row({ metric: "deliveries missing, duplicated or badly signed", value: missing + duplicates + badSignatures, unit: "", target: { op: "<=", value: 0 } }),
    ];
  } finally {
    await sb.stop();
    await receiver.close();
  }
}

/** Fire→arrival latencies for [eventId, sentAt] pairs: p50, p99 and how many never arrived. */
function latenciesOf(sent, arrived) {
  const lat = [];
  let missing = 0;
  for (const [id, t0] of sent) {
    const at = arrived.get(id);
    if (at === undefined) missing++;
    else lat.push(at - t0);
  }
  lat.sort((a, b) => a - b);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), missing };
}

async function must(p, statuses, what) {
  const r = await p;
  if (!statuses.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${r.text}`);
  return r;
}

async function rowsWritten(sb, trigger) {
  const r = await must(sb.api("GET", `/v1/triggers/${trigger}/stats`), [200], "stats");
  if (typeof r.json.rowsWritten !== "number") throw new Error(`stats has no rowsWritten: ${r.text}`);
  return r.json.rowsWritten;
}

/** Waits (bounded) until stats show `delivered` deliveries and nothing pending; returns those stats. */
async function settled(sb, delivered, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < deadline) {
    const r = await must(sb.api("GET", `/v1/triggers/${TRIGGER}/stats`), [200], "stats");
    last = r.json;
    if (last.delivered >= delivered && last.pending === 0) return last;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`deliveries did not settle within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
