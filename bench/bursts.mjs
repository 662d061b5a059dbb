/**
 * Benchmark: changes that settle together (docs/decisions.md "One drain of a
 * kind at a time"). Each figure beside the same run's baseline:
 *
 * 1. BENCH_BURST (200) flow reports at once on deliveries of one trigger,
 *    one flow trigger listening: the time from the first report until the
 *    listener recorded every chained fire, beside the same number of API
 *    fires sent at once to a manual trigger (until every one is answered).
 * 2. BENCH_BURST event awaits created at once in one run: the time until
 *    every one is answered 201 (each registers its waiter on the trigger
 *    before its answer), beside the same number of sleep awaits in another
 *    run (no waiter to register).
 *
 * Before the single flight, every change drained every due row of its
 * kind, so a burst of n sent up to n² notices or registrations.
 * BENCH_BURST_ROOT=<a checkout> measures that checkout instead (e.g. a
 * `git worktree` of the code before the single flight).
 */
import { row, pool } from "./lib/measure.mjs";
import { fmt, must } from "./lib/stream.mjs";

const N = Number(process.env.BENCH_BURST ?? 200);

export const name = "bursts";
export const description = `${N} flow reports at once into one listener; ${N} event awaits at once in one run; each beside a burst that drains nothing`;
export const timeoutMs = 300_000;

async function burst(count, fn) {
  const t0 = performance.now();
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => fn(i)));
  return { ms: performance.now() - t0, answers };
}

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  const receiver = await h.startReceiver();
  const root = process.env.BENCH_BURST_ROOT;
  const sb = await h.startWrangler({ logLevel: "warn", ...(root ? { sourceRoot: root } : {}) });
  try {
    // 1. chained fires: a source with one http subscriber (the flow), a flow trigger listening to that flow
    await must(sb.api("PUT", "/v1/triggers/burst.src", { body: { type: "event" } }), [201], "source");
    await must(sb.api("PUT", "/v1/triggers/burst.src/subscriptions/billing", { body: { target: { type: "http", url: `${receiver.url}/hook` } } }), [201], "subscribe");
    await must(sb.api("PUT", "/v1/triggers/burst.listen", { body: { type: "flow", flow: { name: "billing" } } }), [201], "listener");
    await must(sb.api("PUT", "/v1/triggers/burst.direct", { body: { type: "manual" } }), [201], "direct");
    const fired = await pool(N, 16, async (i) => (await must(sb.api("POST", "/v1/triggers/burst.src/fire", { body: { data: { i } } }), [202], "fire")).json);
    const deliveries = fired.map((f) => f.deliveries[0].deliveryId);
    // warm both objects, then let the source's deliveries settle
    await must(sb.api("POST", "/v1/triggers/burst.direct/fire", { body: { data: {} } }), [202], "warm");
    await new Promise((r) => setTimeout(r, 3_000));

    const direct = await burst(N, (i) => sb.api("POST", "/v1/triggers/burst.direct/fire", { body: { data: { i } } }));
    const directOk = direct.answers.filter((a) => a.status === 202).length;
    h.log(`${N} API fires at once: ${directOk} answered 202 in ${fmt(direct.ms)} ms`);

    const t0 = performance.now();
    const reports = await Promise.all(deliveries.map((d) => sb.api("POST", `/v1/deliveries/${d}/status`, { body: { status: "completed" } })));
    const reportsMs = performance.now() - t0;
    let chained = 0;
    let chainedMs = null;
    while (performance.now() - t0 < 60_000) {
      chained = (await must(sb.api("GET", "/v1/triggers/burst.listen/stats"), [200], "stats")).json.totalFires;
      if (chained >= N) {
        chainedMs = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    h.log(`${N} reports at once: ${reports.filter((r) => r.status === 200).length} answered 200 in ${fmt(reportsMs)} ms; the listener had ${chained} fires ${chainedMs == null ? "after 60 s" : `after ${fmt(chainedMs)} ms`}`);

    // 2. event awaits in one run, beside sleep awaits in another
    await must(sb.api("PUT", "/v1/triggers/burst.jobs", { body: { type: "event" } }), [201], "jobs");
    const sleeps = await burst(N, (i) => sb.api("PUT", `/v1/runs/burst-sleep/awaits/s${i}`, { body: { kind: "sleep", durationMs: 3_600_000 } }));
    const events = await burst(N, (i) => sb.api("PUT", `/v1/runs/burst-event/awaits/e${i}`, { body: { kind: "event", trigger: "burst.jobs", match: { "data.job": i }, timeoutMs: 3_600_000 } }));
    const ok = (b) => b.answers.filter((a) => a.status === 201).length;
    h.log(`${N} sleep awaits at once: ${ok(sleeps)} × 201 in ${fmt(sleeps.ms)} ms; ${N} event awaits: ${ok(events)} × 201 in ${fmt(events.ms)} ms`);

    return [
      row({ metric: `${N} flow reports at once → every chained fire recorded`, value: chainedMs, unit: "ms", baseline: direct.ms, baselineLabel: `${N} API fires at once, all answered`, note: `${chained} of ${N} chained fires; the reports answered in ${fmt(reportsMs)} ms` }),
      row({ metric: `${N} event awaits at once in one run, all answered 201`, value: events.ms, unit: "ms", baseline: sleeps.ms, baselineLabel: `${N} sleep awaits at once`, note: `${ok(events)} and ${ok(sleeps)} of ${N} answered 201` }),
      row({ metric: "chained fires missing", value: N - Math.min(chained, N), unit: "", target: { op: "<=", value: 0 } }),
      row({ metric: "answers that were not a success", value: 2 * N - ok(events) - ok(sleeps) + (N - directOk), unit: "", target: { op: "<=", value: 0 }, note: "event and sleep awaits (201), and the baseline's API fires (202)" }),
    ];
  } finally {
    await sb.stop();
    await receiver.close();
  }
}
