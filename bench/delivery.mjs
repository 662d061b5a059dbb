/**
 * Benchmark: fire-to-delivery latency and write cost, beside the runner's
 * ceiling. 1,000 fires at concurrency 16 to one http subscriber (a local
 * receiver that checks signatures); latency runs from just before the fire
 * request to when the receiver gets the signed POST. The ceiling rows are a
 * bare Worker on the same wrangler dev, in the same run: route → one SQLite
 * insert in a Durable Object → one queue message → the consumer POSTs (and
 * route → one queue message → POST). Targets: p50 ≤ 1.3×, p99 ≤ 1.5× the
 * ceiling; rows written per delivered fire from stats.rowsWritten. Both
 * runtimes stay up and the loads alternate DELIVERY_RUNS (5) times: the
 * table shows the median of the runs and the range of the ratios. Each run
 * measures the bare Worker a second time after Signalbox: its ratio to the
 * first is what the runner alone does to a per-run ratio.
 *
 * Where PostgreSQL and Redis are installed, each run also measures the peer
 * (bench/peer: a Node + PostgreSQL + BullMQ trigger service, the same fires
 * to the same receiver, signed the same way); BENCH_PEER=0 leaves it out.
 */
import { must, row, runLoad } from "./lib/measure.mjs";
import { fireToArrival, startCeiling } from "./lib/ceiling.mjs";
import { cpuPerItem } from "./lib/cpu.mjs";
import { peerMissing, startPeer } from "./lib/peer.mjs";

const COUNT = 1_000;
const CONCURRENCY = 16;
const WARMUP = 100;
const PROBE = 50;
const TRIGGER = "bench.delivery";
const BARE = "bench.bare";
const FLOW = "bench-receiver";
/** Alternating runs (ceiling, then Signalbox); the table reports their median and the range of the ratios. */
const RUNS = Number(process.env.DELIVERY_RUNS ?? 5);

export const name = "delivery";
export const description = `${COUNT} fires to one http subscriber at concurrency ${CONCURRENCY}, beside a bare Worker doing the same hops`;
export const timeoutMs = 900_000;

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  const arrived = new Map();
  let duplicates = 0;
  let badSignatures = 0;
  let checkSignatures = null;
  const receiver = await h.startReceiver({
    onRequest(r) {
      const id = r.json?.eventId ?? r.headers["webhook-id"];
      if (checkSignatures && r.headers["webhook-signature"] && !h.verifyWebhook(checkSignatures, r.headers, r.body)) badSignatures++;
      if (arrived.has(id)) duplicates++;
      else arrived.set(id, r.hrAt);
    },
  });
  // both runtimes stay up; the loads alternate (ceiling, Signalbox) RUNS times, so drift of the machine
  // hits both sides of each ratio, and the table reports the median of the runs with their range
  const ceiling = await startCeiling(h);
  const secret = h.newWebhookSecret();
  checkSignatures = secret;
  const sb = await h.startWrangler({ logLevel: "warn" });
  let noPeer = process.env.BENCH_PEER === "0" ? "BENCH_PEER=0" : peerMissing();
  let peer = null;
  try {
    // a peer that does not start leaves its rows empty with the reason; the benchmark goes on
    if (!noPeer) peer = await startPeer([{ trigger: TRIGGER, url: `${receiver.url}/hook`, secret }]).catch((e) => ((noPeer = `the peer did not start: ${e.message.split("\n").filter(Boolean).slice(0, 2).join(" ")}`), null));
    const post = (path, extra = "") => async (i) => {
      const res = await fetch(`${ceiling.baseUrl}${path}?to=${encodeURIComponent(`${receiver.url}/hook`)}${extra}`, { method: "POST", body: JSON.stringify({ data: { i } }), signal: AbortSignal.timeout(10_000) });
      const body = await res.json();
      if (res.status !== 202) throw new Error(`ceiling ${res.status}`);
      return body.id;
    };
    await must(sb.api("PUT", `/v1/triggers/${TRIGGER}`, { body: { type: "event" } }), "register");
    await must(sb.api("PUT", `/v1/triggers/${TRIGGER}/subscriptions/${FLOW}`, { body: { target: { type: "http", url: `${receiver.url}/hook`, secret } } }), "subscribe");
    await must(sb.api("PUT", `/v1/triggers/${BARE}`, { body: { type: "event" } }), "register bare");
    const headers = { authorization: `Bearer ${sb.apiKey}`, "content-type": "application/json" };
    const fire = (trigger) => async (i) => {
      const res = await fetch(`${sb.baseUrl}/v1/triggers/${trigger}/fire`, { method: "POST", headers, body: JSON.stringify({ data: { i } }), signal: AbortSignal.timeout(10_000) });
      const body = await res.json();
      if (res.status !== 202) throw new Error(`fire ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
      return body.eventId;
    };
    const bareBefore = await rowsWritten(sb, BARE);
    await runLoad({ count: 200, concurrency: CONCURRENCY, request: async (i) => !!(await fire(BARE)(i)) });
    const bareRows = ((await rowsWritten(sb, BARE)) - bareBefore) / 200;

    await fireToArrival({ count: WARMUP, concurrency: CONCURRENCY, send: post("/fire"), arrived });
    await fireToArrival({ count: WARMUP, concurrency: CONCURRENCY, send: fire(TRIGGER), arrived });
    const peerFire = peer && (async (i) => {
      const res = await fetch(`${peer.baseUrl}/v1/triggers/${TRIGGER}/fire`, { method: "POST", headers: { authorization: `Bearer ${peer.key}`, "content-type": "application/json" }, body: JSON.stringify({ data: { i } }), signal: AbortSignal.timeout(10_000) });
      const body = await res.json();
      if (res.status !== 202) throw new Error(`peer fire ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
      return body.eventId;
    });
    // the peer's first runs were often slow (p50 230-400 ms, cause not found), so it warms up on a full run
    if (peer) await fireToArrival({ count: COUNT, concurrency: CONCURRENCY, send: peerFire, arrived });
    h.log(`light load: ${PROBE} fires one at a time`);
    const probe = await fireToArrival({ count: PROBE, concurrency: 1, send: fire(TRIGGER), arrived });
    h.log(`  p50 ${probe.p50?.toFixed(1)} ms, p99 ${probe.p99?.toFixed(1)} ms`);
    await settled(sb, 30_000);
    duplicates = 0;
    const runs = [];
    let direct = null;
    let rows = 0;
    let messages = 0;
    let reports = 0;
    let delivered = 0;
    let missing = 0;
    // BENCH_CPU=1: the CPU each side's processes spent per fire (Linux /proc)
    const cpuPorts = process.env.BENCH_CPU ? { [sb.port]: "signalbox", [ceiling.port]: "ceiling", ...(peer ? { [peer.port]: "peer" } : {}) } : null;
    for (let r = 0; r < RUNS; r++) {
      const viaObject = await fireToArrival({ count: COUNT, concurrency: CONCURRENCY, send: post("/fire"), arrived, cpuPorts });
      if (r === 0) direct = await fireToArrival({ count: COUNT, concurrency: CONCURRENCY, send: post("/direct"), arrived });
      const boundedCeiling = await fireToArrival({ count: COUNT, concurrency: CONCURRENCY, send: post("/fire", "&bound=6&shards=4"), arrived });
      const workCeiling = await fireToArrival({ count: COUNT, concurrency: CONCURRENCY, send: post("/fire", "&work=1&shards=4"), arrived, cpuPorts });
      const before = await statsOf(sb, TRIGGER);
      const ours = await fireToArrival({ count: COUNT, concurrency: CONCURRENCY, send: fire(TRIGGER), arrived, cpuPorts });
      const stats = await settled(sb, 45_000);
      rows += stats.rowsWritten - before.rowsWritten;
      messages += stats.queueMessages - before.queueMessages;
      reports += stats.outcomeReports - before.outcomeReports;
      delivered += ours.delivered;
      missing += ours.missing;
      // the bare Worker once more, after Signalbox: the same ceiling measured twice in one run shows how far
      // a ratio to it moves with the runner alone (the noise floor of the per-run targets)
      const again = await fireToArrival({ count: COUNT, concurrency: CONCURRENCY, send: post("/fire"), arrived });
      const theirs = peer ? await fireToArrival({ count: COUNT, concurrency: CONCURRENCY, send: peerFire, arrived, cpuPorts }) : null;
      if (theirs) missing += theirs.missing;
      runs.push({ ceiling: viaObject, again, bounded: boundedCeiling, work: workCeiling, ours, peer: theirs });
      if (process.env.BENCH_TRACE) h.log(`  fire requests: ceiling ${viaObject.load.perSecond.toFixed(0)}/s p50 ${viaObject.load.p50.toFixed(1)} ms; same-work ${workCeiling.load.perSecond.toFixed(0)}/s p50 ${workCeiling.load.p50.toFixed(1)} ms; signalbox ${ours.load.perSecond.toFixed(0)}/s p50 ${ours.load.p50.toFixed(1)} ms`);
      if (cpuPorts) h.log(`  CPU per fire: ceiling run: ${cpuPerItem(viaObject.cpu, COUNT)} | same-work run: ${cpuPerItem(workCeiling.cpu, COUNT)} | signalbox run: ${cpuPerItem(ours.cpu, COUNT)}${theirs ? ` | peer run: ${cpuPerItem(theirs.cpu, COUNT)}` : ""}`);
      if (theirs) h.log(`  peer p50 ${theirs.p50?.toFixed(1)} / p99 ${theirs.p99?.toFixed(1)} ms (signalbox ${(ours.p50 / theirs.p50).toFixed(2)}× / ${(ours.p99 / theirs.p99).toFixed(2)}×)`);
      h.log(`run ${r + 1}: ceiling p50 ${viaObject.p50?.toFixed(1)} / p99 ${viaObject.p99?.toFixed(1)} ms (again after Signalbox: ${again.p50?.toFixed(1)} / ${again.p99?.toFixed(1)} ms); bounded ceiling p50 ${boundedCeiling.p50?.toFixed(1)} / p99 ${boundedCeiling.p99?.toFixed(1)} ms; same-work ceiling p50 ${workCeiling.p50?.toFixed(1)} / p99 ${workCeiling.p99?.toFixed(1)} ms; signalbox p50 ${ours.p50?.toFixed(1)} / p99 ${ours.p99?.toFixed(1)} ms (${(ours.p50 / viaObject.p50).toFixed(2)}× / ${(ours.p99 / viaObject.p99).toFixed(2)}×)`);
    }
    const r50 = runs.map((x) => x.ours.p50 / x.ceiling.p50);
    const r99 = runs.map((x) => x.ours.p99 / x.ceiling.p99);
    const c50 = med(runs.map((x) => x.ceiling.p50));
    const c99 = med(runs.map((x) => x.ceiling.p99));
    const notes = [missing ? `${missing} never arrived` : "", duplicates ? `${duplicates} duplicates` : "", badSignatures ? `${badSignatures} bad signatures` : ""].filter(Boolean).join("; ");
    return [
      row({ metric: `fire→delivery p50 (c=16), median of ${RUNS} runs`, value: med(runs.map((x) => x.ours.p50)), unit: "ms", baseline: c50, baselineLabel: "bare Worker via a DO", target: { op: "<=", value: +(c50 * 1.3).toFixed(1) }, note: `ratio per run ${range(r50)}, median ${med(r50).toFixed(2)}×${notes ? `; ${notes}` : ""}` }),
      row({ metric: `fire→delivery p99 (c=16), median of ${RUNS} runs`, value: med(runs.map((x) => x.ours.p99)), unit: "ms", baseline: c99, baselineLabel: "bare Worker via a DO", target: { op: "<=", value: +(c99 * 1.5).toFixed(1) }, note: `ratio per run ${range(r99)}, median ${med(r99).toFixed(2)}×` }),
      row({
        metric: "the bare Worker against itself: its p50 measured again after Signalbox, same run", value: med(runs.map((x) => x.again.p50)), unit: "ms", baseline: c50, baselineLabel: "bare Worker via a DO",
        note: `the noise floor of a per-run ratio: p50 ratio per run ${range(runs.map((x) => x.again.p50 / x.ceiling.p50))}, p99 ${range(runs.map((x) => x.again.p99 / x.ceiling.p99))}`,
      }),
      row({ metric: `fire→delivery p50 vs the ceiling bounded like Signalbox (4 queues, 6 at a time per invocation)`, value: med(runs.map((x) => x.ours.p50)), unit: "ms", baseline: med(runs.map((x) => x.bounded.p50)), baselineLabel: "bare Worker via a DO, 4 queues × 6 at a time", note: `ratio per run ${range(runs.map((x) => x.ours.p50 / x.bounded.p50))}; p99 ${range(runs.map((x) => x.ours.p99 / x.bounded.p99))}` }),
      row({ metric: "fire→delivery p50 vs the bounded ceiling doing the same work (2 rows, a signed POST, the outcome written back)", value: med(runs.map((x) => x.ours.p50)), unit: "ms", baseline: med(runs.map((x) => x.work.p50)), baselineLabel: "bare Worker, same work, 4 queues × 6 at a time", note: `ratio per run ${range(runs.map((x) => x.ours.p50 / x.work.p50))}; p99 ${med(runs.map((x) => x.ours.p99)).toFixed(0)} vs ${med(runs.map((x) => x.work.p99)).toFixed(0)} ms, per run ${range(runs.map((x) => x.ours.p99 / x.work.p99))}` }),
      peerRow(runs, RUNS, noPeer, "p50"),
      peerRow(runs, RUNS, noPeer, "p99"),
      row({ metric: "ceiling without the DO: p50 / p99", value: direct.p50, unit: "ms", baseline: direct.p99, baselineLabel: "its p99" }),
      row({ metric: `fire→delivery p50, light load (${PROBE}, one at a time)`, value: probe.p50, unit: "ms" }),
      row({ metric: `fire→delivery p99, light load (${PROBE}, one at a time)`, value: probe.p99, unit: "ms" }),
      row({ metric: "SQLite rows written / delivered fire", value: delivered ? rows / delivered : null, unit: "rows", baseline: bareRows, baselineLabel: "fire, no subscribers", target: { op: "<=", value: 3 }, note: `${rows} rows for ${delivered} deliveries` }),
      costRow({ rows, messages, reports, delivered }),
      row({ metric: "deliveries missing, duplicated or badly signed", value: missing + duplicates + badSignatures, unit: "", target: { op: "<=", value: 0 } }),
    ];
  } finally {
    await peer?.stop();
    await sb.stop();
    await ceiling.stop();
    await receiver.close();
  }

  async function settled(sb, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let last = null;
    while (Date.now() < deadline) {
      last = (await must(sb.api("GET", `/v1/triggers/${TRIGGER}/stats`), "stats")).json;
      if (last.pending === 0) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`deliveries did not settle: ${JSON.stringify(last)}`);
  }
}

const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}×`;

/** Signalbox's p50 or p99 (median of the runs) beside the peer's; target: faster (a lower time) in the median. */
function peerRow(runs, count, noPeer, p) {
  const metric = `fire→delivery ${p} vs the peer (Node + PostgreSQL + BullMQ, bench/peer), median of ${count} runs`;
  if (noPeer) return row({ metric, value: null, unit: "ms", note: `not measured: ${noPeer}` });
  const theirs = med(runs.map((x) => x.peer[p]));
  const ratios = runs.map((x) => x.ours[p] / x.peer[p]);
  return row({
    metric, value: med(runs.map((x) => x.ours[p])), unit: "ms", baseline: theirs, baselineLabel: "the peer",
    ...(p === "p50" ? { target: { op: "<=", value: +theirs.toFixed(1) } } : {}),
    note: `ratio per run ${range(ratios)}, median ${med(ratios).toFixed(2)}×; the peer delivered ${runs.reduce((n, x) => n + x.peer.delivered, 0)} of ${runs.length * COUNT}`,
  });
}

async function statsOf(sb, trigger) {
  return (await must(sb.api("GET", `/v1/triggers/${trigger}/stats`), "stats")).json;
}

async function rowsWritten(sb, trigger) {
  return (await statsOf(sb, trigger)).rowsWritten;
}

/**
 * List prices (Workers Paid, USD per million): SQLite rows written 1.00,
 * Queues operations 0.40 (a message is written, read and deleted: 3),
 * Workers requests 0.30 (the fire's request), Durable Object requests 0.15
 * (the fire's call and each outcome report). Duration and rows read are left
 * out (rows read cost 0.001 per million; duration depends on the runtime).
 */
const PRICE = { rowWritten: 1.0, queueOp: 0.4, workerRequest: 0.3, objectRequest: 0.15 };

function costRow({ rows, messages, reports, delivered }) {
  const per = (x) => (delivered ? x / delivered : 0);
  const parts = { rows: per(rows) * PRICE.rowWritten, queue: per(messages) * 3 * PRICE.queueOp, worker: PRICE.workerRequest, objects: (1 + per(reports)) * PRICE.objectRequest };
  const total = parts.rows + parts.queue + parts.worker + parts.objects;
  return row({
    metric: "$ per million delivered fires (list prices, one subscriber)", value: delivered ? +total.toFixed(2) : null, unit: "$", target: { op: "<=", value: 4 },
    note: `rows ${per(rows).toFixed(3)} × $1.00 = ${parts.rows.toFixed(2)}; queue messages ${per(messages).toFixed(3)} × 3 ops × $0.40 = ${parts.queue.toFixed(2)}; Worker request 1 × $0.30; object requests ${(1 + per(reports)).toFixed(3)} (the fire, outcome reports) × $0.15 = ${parts.objects.toFixed(2)}`,
  });
}
