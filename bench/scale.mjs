/**
 * Benchmark: cost that grows with the work, not the data. One trigger (with
 * a pull subscriber) at 1,000 and then at 50,000 stored stream events; at
 * each size the p50 of GET trigger, GET stats, a fire, a stream tail read and
 * a pull read. The same-run baseline of each row is its p50 at 1,000 events;
 * the target is a ratio of at most 1.2×.
 */
import { percentile, row, runLoad } from "./lib/measure.mjs";

const SMALL = 1_000;
const LARGE = 50_000;
const SAMPLES = 300;
const TRIGGER = "bench.scale";

export const name = "scale";
export const description = `one trigger at ${SMALL.toLocaleString("en")} and at ${LARGE.toLocaleString("en")} stored events: p50 of reads and a fire at each size`;
export const timeoutMs = 600_000;

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  const sb = await h.startWrangler({ logLevel: "warn" });
  try {
    const ok = (r, ...want) => {
      if (!want.includes(r.status)) throw new Error(`${r.status} ${r.text?.slice(0, 200)}`);
      return r;
    };
    ok(await sb.api("PUT", `/v1/triggers/${TRIGGER}`, { body: { type: "event" } }), 201);
    ok(await sb.api("PUT", `/v1/triggers/${TRIGGER}/subscriptions/reader`, { body: { target: { type: "pull" } } }), 201);

    const headers = { authorization: `Bearer ${sb.apiKey}`, "content-type": "application/json" };
    const get = (path) => async () => {
      const res = await fetch(`${sb.baseUrl}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      return res.status === 200;
    };
    const fireOnce = async (i) => {
      const res = await fetch(`${sb.baseUrl}/v1/triggers/${TRIGGER}/fire`, { method: "POST", headers, body: JSON.stringify({ data: { probe: i } }), signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      return res.status === 202;
    };
    let stored = 2; // registration and subscription events
    const fillTo = async (target) => {
      const batches = Math.ceil((target - stored) / 100);
      const started = performance.now();
      const r = await runLoad({
        count: batches, concurrency: 4, maxMs: 400_000,
        request: async (b) => {
          const events = Array.from({ length: 100 }, (_, i) => ({ name: TRIGGER, data: { b, i, note: "fill" } }));
          const res = await fetch(`${sb.baseUrl}/v1/events`, { method: "POST", headers, body: JSON.stringify({ events }), signal: AbortSignal.timeout(60_000) });
          const body = await res.json();
          return res.status === 200 && body.results.every((x) => x.status === "accepted");
        },
      });
      if (r.errors) throw new Error(`fill: ${r.errors} failed batches (${r.firstError})`);
      stored += batches * 100;
      h.log(`  filled to ~${stored} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    };
    const measure = async (label) => {
      const head = (await sb.api("GET", `/v1/triggers/${TRIGGER}/stats`)).json.totalFires + 2;
      const reads = {
        "GET trigger": get(`/v1/triggers/${TRIGGER}`),
        "GET stats": get(`/v1/triggers/${TRIGGER}/stats`),
        "fire": fireOnce,
        "stream tail read": get(`/v1/triggers/${TRIGGER}/events?after=${Math.max(0, head - 20)}&limit=20`),
        "pull read": get(`/v1/triggers/${TRIGGER}/subscriptions/reader/events?limit=20`),
      };
      const out = {};
      for (const [k, request] of Object.entries(reads)) {
        await runLoad({ count: 30, concurrency: 1, request }); // warm-up
        const r = await runLoad({ count: SAMPLES, concurrency: 1, request, maxMs: 60_000 });
        if (r.errors) throw new Error(`${k} at ${label}: ${r.errors} errors (${r.firstError})`);
        out[k] = percentile(r.latencies, 50);
        h.log(`  ${label} ${k}: p50 ${out[k].toFixed(2)} ms`);
      }
      return out;
    };

    h.log(`filling to ${SMALL} events`);
    await fillTo(SMALL);
    const small = await measure(`${SMALL}`);
    h.log(`filling to ${LARGE} events`);
    await fillTo(LARGE);
    const large = await measure(`${LARGE}`);

    const stats = (await sb.api("GET", `/v1/triggers/${TRIGGER}/stats`)).json;
    return [
      ...Object.keys(small).map((k) =>
        row({ metric: `${k} p50 at ${LARGE.toLocaleString("en")} events`, value: large[k], unit: "ms", baseline: small[k], baselineLabel: `at ${SMALL.toLocaleString("en")}`, target: { op: "<=", value: +(small[k] * 1.2).toFixed(3) } }),
      ),
      row({ metric: "fires recorded (stats.totalFires)", value: stats.totalFires, unit: "", target: { op: ">=", value: LARGE - 10 } }),
    ];
  } finally {
    await sb.stop();
  }
}
