/**
 * Benchmark: flow control (issue 21, docs/flow-control.md). Each figure
 * beside its target and, where one exists, the same run's baseline:
 *
 * 1. rateLimit 50/s on a flow fed by 4 triggers at ~400 fires/s: the most
 *    requests the flow saw start in any 1-s window (target ≤ 51), every fire
 *    delivered, the rate achieved.
 * 2. concurrency 4 against a flow taking 200 ms: the most requests open at
 *    once (≤ 4) and the throughput (≥ 0.9 × 4/0.2 s = 18/s).
 * 3. fire→delivery p50 of a flow with a policy it stays under, vs the same
 *    flow without one (≤ 1.3×).
 * 4. ordering: 5,000 fires over 50 keys, 10% of first attempts failing:
 *    per-key order violations seen by the flow (0).
 * 5. batch 100 / 1 s over 10,000 fires: deliveries (100 ± 2), fires lost or
 *    delivered twice (0, 0).
 * 6. recover 10,000 dead deliveries through a 200/s policy: time until all
 *    delivered (≤ 60 s), each once.
 * 7. SQLite rows written per delivered fire with a policy: the trigger's and
 *    the gate's (≤ 4; 3 without a policy).
 *
 * The flow is a local scriptable receiver; everything is loopback.
 */
import { createHash } from "node:crypto";
import { must, peakOpen, percentile, row, runLoad, waitFor } from "./lib/measure.mjs";
import { startScriptedReceiver } from "../test/chaos/lib/receiver.mjs";

export const name = "flows";
export const description = "flow control: rate across 4 triggers, concurrency, policy overhead, ordering under failures, batch, recover, rows per delivered fire";
export const timeoutMs = 1_200_000;

const RATE = 50;
const RATE_FIRES = Number(process.env.FLOWS_RATE_FIRES ?? 1_500);
const ORDER_FIRES = Number(process.env.FLOWS_ORDER_FIRES ?? 5_000);
const BATCH_FIRES = Number(process.env.FLOWS_BATCH_FIRES ?? 10_000);
const RECOVER = Number(process.env.FLOWS_RECOVER ?? 10_000);

const failsFirst = (webhookId) => createHash("sha256").update(String(webhookId)).digest()[0] < 26; // ~10%

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  let recoverHealthy = false;
  const receiver = await startScriptedReceiver({
    decide: (r) => {
      if (r.path.startsWith("/slow")) return { status: 200, delayMs: 200 };
      if (r.path.startsWith("/order")) return r.nth === 1 && failsFirst(r.webhookId) ? { status: 500 } : { status: 200 };
      // ~93% of first attempts fail, never 20 in a row (the default breaker stays closed): dead deliveries to recover
      if (r.path.startsWith("/recover")) return recoverHealthy || r.seq % 15 === 0 ? { status: 200 } : { status: 500 };
      return { status: 200 };
    },
  });
  const sb = await h.startWrangler({ logLevel: "warn" });
  const rows = [];
  try {
    const put = (path, body) => must(sb.api("PUT", path, { body }), path);
    const sub = (trigger, flow, path, extra = {}) => put(`/v1/triggers/${trigger}/subscriptions/${flow}`, { target: { type: "http", url: `${receiver.url}${path}` }, ...extra });
    const of = (prefix) => receiver.requests.filter((r) => r.path.startsWith(prefix));

    // ---- 1. rate across 4 triggers
    await put("/v1/flows/paced", { rateLimit: { limit: RATE, periodSeconds: 1 } });
    for (let t = 0; t < 4; t++) {
      await put(`/v1/triggers/rate.${t}`, { type: "manual" });
      await sub(`rate.${t}`, "paced", `/rate/${t}`);
    }
    const tFire = Date.now();
    await runLoad({ count: RATE_FIRES / 100, concurrency: 4, request: (c) => events(sb, `rate.${c % 4}`, 100, c) });
    const fireSecs = (Date.now() - tFire) / 1000;
    await waitFor(() => of("/rate").length >= RATE_FIRES, 120_000, "rate deliveries");
    const rate = of("/rate");
    const span = (Math.max(...rate.map((r) => r.startedAt)) - Math.min(...rate.map((r) => r.startedAt))) / 1000;
    const densest = densestWindow(rate.map((r) => r.startedAt), 1000);
    h.log(`rate: ${RATE_FIRES} fires in ${fireSecs.toFixed(1)} s; ${rate.length} delivered over ${span.toFixed(1)} s; densest 1-s window ${densest}`);
    rows.push(row({ metric: `starts in any 1-s window, rateLimit ${RATE}/s, 4 triggers`, value: densest, unit: "", target: { op: "<=", value: RATE + 1 }, note: `${RATE_FIRES} fires at ${(RATE_FIRES / fireSecs).toFixed(0)}/s; ${rate.length} delivered, ${new Set(rate.map((r) => r.json?.eventId)).size} distinct` }));
    rows.push(row({ metric: "rate achieved under rateLimit 50/s", value: +(rate.length / span).toFixed(1), unit: "/s", note: "grants count over 1 s + 100 ms; starts are checked at the gate over 1 s + 50 ms" }));

    // ---- 2. concurrency 4 against a 200 ms flow
    await put("/v1/flows/narrow", { concurrency: 4 });
    await put("/v1/triggers/conc.a", { type: "manual" });
    await sub("conc.a", "narrow", "/slow/narrow");
    const tConc = Date.now();
    await events(sb, "conc.a", 100, 0);
    await events(sb, "conc.a", 100, 1);
    await waitFor(() => of("/slow/narrow").length >= 200 && of("/slow/narrow").every((r) => r.endedAt), 120_000, "concurrency deliveries");
    const narrow = of("/slow/narrow");
    const concSecs = (Math.max(...narrow.map((r) => r.endedAt)) - tConc) / 1000;
    rows.push(row({ metric: "requests open at once, concurrency 4", value: peakOpen(narrow), unit: "", target: { op: "<=", value: 4 } }));
    rows.push(row({ metric: "throughput, concurrency 4, 200 ms flow", value: +(200 / concSecs).toFixed(1), unit: "/s", target: { op: ">=", value: 18 }, note: `200 fires in ${concSecs.toFixed(1)} s` }));

    // ---- 3. fire→delivery p50 with a policy under its limits vs without
    await put("/v1/flows/gated", { concurrency: 1000, breaker: { failureThreshold: 20, cooldownSeconds: 30 } });
    await put("/v1/flows/rated", { rateLimit: { limit: 10_000, periodSeconds: 1 }, concurrency: 1000 });
    for (const f of ["gated", "rated", "plain"]) {
      await put(`/v1/triggers/lat.${f}`, { type: "manual" });
      await sub(`lat.${f}`, f, `/lat/${f}`);
    }
    const written = async (f) => {
      const t = (await must(sb.api("GET", `/v1/triggers/lat.${f}/stats`), "stats")).json;
      const g = f === "plain" ? null : (await must(sb.api("GET", `/v1/flows/${f}`), "flow")).json.gate;
      return { trigger: t.rowsWritten, gate: g?.rowsWritten ?? 0, delivered: t.delivered };
    };
    const cost = {};
    const latency = async (f) => {
      const lat = [];
      for (let i = 0; i < 120; i++) {
        if (i === 20) cost[f] = await written(f); // after the warm-up: registration and policy writes are not counted
        const t = Date.now();
        const id = (await must(sb.api("POST", `/v1/triggers/lat.${f}/fire`, { body: { data: { i } } }), "fire")).json.eventId;
        await waitFor(() => receiver.requests.some((q) => q.json?.eventId === id), 10_000, "latency delivery");
        if (i >= 20) lat.push(receiver.requests.find((q) => q.json?.eventId === id).startedAt - t);
      }
      return lat.sort((a, b) => a - b);
    };
    const plain = await latency("plain");
    const gated = await latency("gated");
    const rated = await latency("rated");
    rows.push(row({ metric: "fire→delivery p50, policy (concurrency + breaker) under its limits", value: percentile(gated, 50), unit: "ms", baseline: percentile(plain, 50), baselineLabel: "no policy", target: { op: "<=", value: +(1.3 * percentile(plain, 50)).toFixed(1) }, note: `p99 ${percentile(gated, 99)} vs ${percentile(plain, 99)} ms; one ask to the gate per hand-over` }));
    rows.push(row({ metric: "fire→delivery p50, policy with a rate limit under it", value: percentile(rated, 50), unit: "ms", baseline: percentile(plain, 50), baselineLabel: "no policy", target: { op: "<=", value: +(1.3 * percentile(plain, 50)).toFixed(1) }, note: `p99 ${percentile(rated, 99)} ms; + the consumer's start check at the gate per attempt` }));

    // ---- 7. rows per delivered fire with a policy: the trigger's and its gate's, over the 100 measured fires (one at a time)
    const per = async (f) => {
      const now = await written(f);
      const n = now.delivered - cost[f].delivered;
      return { rows: (now.trigger - cost[f].trigger + now.gate - cost[f].gate) / n, trigger: now.trigger - cost[f].trigger, gate: now.gate - cost[f].gate, n };
    };
    const [pg, pr, pp] = [await per("gated"), await per("rated"), await per("plain")];
    rows.push(row({ metric: "SQLite rows written / delivered fire with a policy", value: +pg.rows.toFixed(2), unit: "rows", baseline: +pp.rows.toFixed(2), baselineLabel: "no policy", target: { op: "<=", value: 4 }, note: `trigger ${pg.trigger} + gate ${pg.gate} rows for ${pg.n} fires; with a rate limit ${pr.rows.toFixed(2)} (gate ${pr.gate})` }));

    // ---- 4. ordering under first-attempt failures
    await put("/v1/triggers/ord.t", { type: "manual" });
    await sub("ord.t", "ordered", "/order", { ordering: { key: "data.k" }, retry: { maxAttempts: 10, initialBackoffSeconds: 1, maxBackoffSeconds: 2 } });
    const tOrd = Date.now();
    // one call at a time: fire order (the order ordering keeps) is then n's order
    await runLoad({ count: ORDER_FIRES / 100, concurrency: 1, maxMs: 300_000, request: (c) => events(sb, "ord.t", 100, c, (i) => ({ k: `k${(c * 100 + i) % 50}`, n: c * 100 + i })) });
    await waitFor(async () => (await must(sb.api("GET", "/v1/triggers/ord.t/stats"), "stats")).json.pending === 0, 600_000, "ordered deliveries");
    const ord = of("/order").sort((a, b) => a.startedAt - b.startedAt);
    let violations = 0;
    const last = new Map();
    for (const r of ord) {
      const { k, n } = r.json.data;
      if ((last.get(k) ?? -1) > n) violations++;
      last.set(k, Math.max(last.get(k) ?? -1, n));
    }
    const firstFails = ord.filter((r) => r.nth === 1 && r.answer === 500).length;
    rows.push(row({ metric: `per-key order violations, ${ORDER_FIRES} fires, 50 keys`, value: violations, unit: "", target: { op: "<=", value: 0 }, note: `${firstFails} first attempts failed; ${ord.length} requests; ${((Date.now() - tOrd) / 1000).toFixed(0)} s` }));

    // ---- 5. batch 100 / 1 s
    await put("/v1/triggers/batch.t", { type: "manual" });
    await sub("batch.t", "batched", "/batch", { batch: { maxSize: 100, maxWaitSeconds: 1 } });
    await runLoad({ count: BATCH_FIRES / 100, concurrency: 2, maxMs: 300_000, request: (c) => events(sb, "batch.t", 100, c, (i) => ({ n: c * 100 + i })) });
    await waitFor(async () => (await must(sb.api("GET", "/v1/triggers/batch.t/stats"), "stats")).json.pending === 0, 120_000, "batches");
    const batches = of("/batch");
    const seen = new Map();
    for (const b of batches) for (const e of b.json.events) seen.set(e.data.n, (seen.get(e.data.n) ?? 0) + 1);
    const lost = BATCH_FIRES - seen.size;
    const twice = [...seen.values()].filter((c) => c > 1).length;
    rows.push(row({ metric: `batch 100/1 s over ${BATCH_FIRES} fires: deliveries`, value: batches.length, unit: "", target: { op: "<=", value: BATCH_FIRES / 100 + 2 }, note: `fires lost ${lost}, twice ${twice}` }));
    rows.push(row({ metric: "batch: fires lost + fires delivered twice", value: lost + twice, unit: "", target: { op: "<=", value: 0 } }));

    // ---- 6. recover 10,000 dead deliveries at 200/s
    await put("/v1/triggers/rec.t", { type: "manual" });
    await sub("rec.t", "recovering", "/recover", { retry: { maxAttempts: 1 } });
    const since = Date.now() - 1000;
    let dead = 0;
    for (let c = 0; dead < RECOVER && c < 200; c += 10) {
      await runLoad({ count: 10, concurrency: 2, maxMs: 300_000, request: (i) => events(sb, "rec.t", 100, c + i) });
      await waitFor(async () => (await must(sb.api("GET", "/v1/triggers/rec.t/stats"), "stats")).json.pending === 0, 300_000, "dead deliveries");
      dead = (await must(sb.api("GET", "/v1/triggers/rec.t/stats"), "stats")).json.dead;
    }
    await put("/v1/flows/recovering", { rateLimit: { limit: 200, periodSeconds: 1 } });
    recoverHealthy = true;
    const before = of("/recover").length;
    const tRec = Date.now();
    let replayed = 0;
    let cursor;
    for (let i = 0; i < 10; i++) {
      const r = (await must(sb.api("POST", "/v1/flows/recovering/recover", { body: { since, status: "dead", ...(cursor ? { cursor } : {}) } }), "recover")).json;
      replayed += r.replayed;
      if (!r.more) break;
      cursor = r.cursor;
    }
    await waitFor(async () => (await must(sb.api("GET", "/v1/triggers/rec.t/stats"), "stats")).json.pending === 0, 300_000, "recovered deliveries");
    const recSecs = (Date.now() - tRec) / 1000;
    const after = of("/recover").slice(before);
    const ids = new Map();
    for (const r of after) if (r.answer === 200) ids.set(r.json.eventId, (ids.get(r.json.eventId) ?? 0) + 1);
    rows.push(row({ metric: `recover ${replayed} dead deliveries at 200/s: time to all delivered`, value: +recSecs.toFixed(1), unit: "s", target: { op: "<=", value: +(60 * replayed / 10_000).toFixed(1) }, note: `${ids.size} fires delivered, ${[...ids.values()].filter((c) => c > 1).length} twice; ${dead} were dead` }));
    return rows;
  } finally {
    await sb.stop();
    await receiver.close();
  }
}

/** 100 fires of `trigger` in one POST /v1/events. */
async function events(sb, trigger, n, c, data = (i) => ({ c, i })) {
  const list = Array.from({ length: n }, (_, i) => ({ name: trigger, data: data(i) }));
  const r = await sb.api("POST", "/v1/events", { body: { events: list }, timeoutMs: 120_000 });
  if (r.status !== 200) throw new Error(`events: HTTP ${r.status}`);
  return true;
}

function densestWindow(times, ms) {
  const at = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i] - at[j] >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
