/**
 * Benchmark: awaits at scale. 10,000 `sleep` awaits over 100 runs, created
 * with PUT /v1/runs/{runId}/awaits/{step} at concurrency 32, each with an
 * http callback to a local receiver, their deadlines all within one 10 s
 * window (starting LEAD_MS after the first PUT, so creation is over by then).
 * Targets: every callback received, none twice; drained at least as fast as
 * the bare consumer and lateness p99 ≤ 1.2 × (count ÷ its drain rate) (issue 23).
 *
 * Every await must call back exactly once (signature verified, deduped by
 * run + step and by webhook-id). Lateness = when the receiver got the callback
 * − (the PUT answer's createdAt + durationMs). The wait for callbacks is
 * bounded: 90 s after the last PUT.
 *
 * Diagnostics: the runs' await lists (settledAt) split the lateness into the
 * alarm's part (settledAt − deadline) and the callback pipeline's part
 * (receive − settledAt), and the lateness of awaits due while PUTs were still
 * being sent vs after the last PUT.
 *
 * BENCH_AWAITS changes the number of awaits (default 10,000).
 */
import { row, runLoad } from "./lib/measure.mjs";
import { fmt, headerOf, summary, wallAt } from "./lib/stream.mjs";
import { startCeiling } from "./lib/ceiling.mjs";
import { cpuPerItem, cpuSnapshot, cpuSpent } from "./lib/cpu.mjs";

/** BENCH_CPU=1: the CPU spent per callback while the burst drains (first deadline → last arrival), by process. */
const CPU = !!process.env.BENCH_CPU;

/**
 * A bare ceiling Worker and a receiver that records its POSTs by webhook-id;
 * `fn` sends the load, waits with `waitFor` and answers the figures.
 */
async function withBare(h, fn) {
  const arrived = new Set();
  let last = 0;
  const receiver = await h.startReceiver({ onRequest(r) { arrived.add(r.headers["webhook-id"]); last = Date.now(); } });
  const c = await startCeiling(h);
  const waitFor = async (count, deadline) => {
    while (arrived.size < count && Date.now() < deadline) await sleep(100);
  };
  try {
    return await fn({ baseUrl: c.baseUrl, port: c.port, to: encodeURIComponent(`${receiver.url}/cb`), arrived, last: () => last, waitFor });
  } finally {
    await c.stop();
    await receiver.close();
  }
}

/**
 * The runner's ceiling for a burst of callbacks: a bare Worker's queue
 * consumer POSTing the same number of messages to the same kind of receiver
 * (sent as fast as the route takes them); its drain rate bounds ours.
 */
function ceilingDrain(h, count) {
  return withBare(h, async ({ baseUrl, to, arrived, last, waitFor }) => {
    const t0 = Date.now();
    await runLoad({ count, concurrency: 32, maxMs: 120_000, request: async () => {
      const res = await fetch(`${baseUrl}/direct?to=${to}`, { method: "POST", body: "{}" });
      await res.arrayBuffer();
      return res.status === 202;
    } });
    const sentMs = Date.now() - t0;
    await waitFor(count, Date.now() + 120_000);
    return { perSecond: (arrived.size / (last() - t0)) * 1000, sentMs, arrived: arrived.size };
  });
}

/**
 * The same count as a burst that falls due in the same kind of window, on a
 * bare Worker doing what a callback needs (two rows written before, a signed
 * POST, the outcome written back to the object) and bounded as Signalbox's
 * consumer is (four queues, 6 at a time per invocation): the messages are
 * enqueued ahead with delays (whole seconds) spread over WINDOW_MS, and the
 * drain is count ÷ (last arrival − first due), as Signalbox's is measured.
 */
function ceilingSameWork(h, count) {
  return withBare(h, async ({ baseUrl, port, to, arrived, last, waitFor }) => {
    const leadS = 20;
    const windowS = WINDOW_MS / 1000;
    const t0 = Date.now();
    const chunks = [];
    for (let i = 0; i < count; i += 100) chunks.push(Array.from({ length: Math.min(100, count - i) }, () => leadS + Math.floor(Math.random() * windowS)));
    await h.pool(chunks.length, 4, async (k) => {
      const res = await fetch(`${baseUrl}/fire-batch?to=${to}&shards=4`, { method: "POST", body: JSON.stringify({ delays: chunks[k] }) });
      if (res.status !== 202) throw new Error(`ceiling /fire-batch ${res.status}`);
      await res.arrayBuffer();
    });
    const enqueuedS = (Date.now() - t0) / 1000;
    if (enqueuedS >= leadS) throw new Error(`enqueueing took ${enqueuedS.toFixed(1)} s, longer than the ${leadS} s lead`);
    const firstDue = t0 + Math.min(...chunks.flat()) * 1000;
    let cpu = null;
    if (CPU) {
      await sleep(firstDue - 500 - Date.now());
      cpu = cpuSnapshot();
    }
    await waitFor(count, firstDue + windowS * 1000 + 120_000);
    if (cpu) cpu = cpuPerItem(cpuSpent(cpu, cpuSnapshot(), { [port]: "ceiling" }), arrived.size);
    return { perSecond: (arrived.size / (last() - firstDue)) * 1000, arrived: arrived.size, enqueuedS, cpu };
  });
}

const AWAITS = Number(process.env.BENCH_AWAITS ?? 10_000);
const RUNS = 100;
const CONCURRENCY = 32;
/** The deadlines fall in [first PUT + LEAD_MS, + WINDOW_MS]. */
const LEAD_MS = Number(process.env.BENCH_AWAITS_LEAD_MS ?? 90_000);
const WINDOW_MS = 10_000;
/** After the last deadline: how long the callbacks may take. */
const WAIT_MS = 90_000;
/** After the last expected callback: how long to keep listening for duplicates. */
const DUP_GRACE_MS = 3_000;

export const name = "awaits";
export const description = `${AWAITS} sleep awaits over ${RUNS} runs expiring within ${WINDOW_MS / 1000} s, created at concurrency ${CONCURRENCY}, http callbacks: exactly once, lateness`;
export const timeoutMs = 600_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  h.log(`ceiling: a bare Worker's consumer POSTing ${AWAITS} queue messages`);
  const ceiling = await ceilingDrain(h, AWAITS);
  h.log(`  drained ${ceiling.arrived} at ${fmt(ceiling.perSecond, 0)}/s (sending took ${fmt(ceiling.sentMs / 1000)} s)`);
  h.log(`ceiling doing the same work: ${AWAITS} signed callbacks due in a ${WINDOW_MS / 1000} s window, outcomes written back, 4 queues × 6 at a time`);
  const sameWork = await ceilingSameWork(h, AWAITS);
  h.log(`  drained ${sameWork.arrived} at ${fmt(sameWork.perSecond, 0)}/s (enqueued in ${fmt(sameWork.enqueuedS)} s)${sameWork.cpu ? `; CPU per callback: ${sameWork.cpu}` : ""}`);
  const secret = h.newWebhookSecret();
  /** "runId/step" -> [{ at, wid, type }] */
  const got = new Map();
  let badSignatures = 0;
  let wrongType = 0;
  let unknown = 0;
  let received = 0;
  let lastReceived = null;
  const expected = new Map(); // "runId/step" -> { due: createdAt + durationMs, durationMs }
  const receiver = await h.startReceiver({
    onRequest(r) {
      received++;
      lastReceived = wallAt(r);
      if (!h.verifyWebhook(secret, r.headers, r.body)) badSignatures++;
      if (r.json?.type !== "await.resolved") wrongType++;
      const key = `${r.json?.runId}/${r.json?.step}`;
      if (!got.has(key)) got.set(key, []);
      got.get(key).push({ at: wallAt(r), wid: headerOf(r.headers, "webhook-id"), type: r.json?.type });
    },
  });
  let sb = null;
  try {
    sb = await h.startWrangler({ logLevel: "warn" });
    const headers = { authorization: `Bearer ${sb.apiKey}`, "content-type": "application/json" };
    const callback = { type: "http", url: `${receiver.url}/cb`, secret };
    const runId = (r) => `bench-run-${String(r).padStart(3, "0")}`;
    const windowStart = Date.now() + LEAD_MS;
    const put = async (i) => {
      const r = runId(i % RUNS);
      const step = `s${Math.floor(i / RUNS)}`;
      const durationMs = Math.max(1_000, windowStart + Math.floor(Math.random() * WINDOW_MS) - Date.now());
      const res = await fetch(`${sb.baseUrl}/v1/runs/${r}/awaits/${step}`, {
        method: "PUT", headers, body: JSON.stringify({ kind: "sleep", durationMs, callback }), signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`PUT await ${res.status}: ${text.slice(0, 200)}`);
      const j = JSON.parse(text);
      if (j.status !== "waiting" || typeof j.createdAt !== "number") throw new Error(`PUT await answered ${text.slice(0, 200)}`);
      expected.set(`${r}/${step}`, { due: j.createdAt + durationMs, durationMs, createdAt: j.createdAt });
      return true;
    };

    h.log(`create: ${AWAITS} PUT …/awaits/{step} over ${RUNS} runs at concurrency ${CONCURRENCY}, deadlines in a ${WINDOW_MS / 1000} s window ${LEAD_MS / 1000} s after the first PUT`);
    const wallStart = Date.now();
    const progress = setInterval(() => h.log(`  ${expected.size} created, ${received} callbacks received`), 10_000);
    let load;
    try {
      load = await runLoad({ count: AWAITS, concurrency: CONCURRENCY, request: put, maxMs: 180_000 });
    } finally {
      clearInterval(progress);
    }
    const lastPut = Date.now();
    h.log(`  created ${load.ok} in ${fmt(load.elapsedMs / 1000)} s (${fmt(load.perSecond, 0)}/s), PUT p50 ${fmt(load.p50)} ms, p99 ${fmt(load.p99)} ms, errors ${load.errors}${load.firstError ? ` (${load.firstError})` : ""}`);

    // Wait (bounded) until every created await called back, then a little longer for duplicates.
    const allIn = () => [...expected.keys()].every((k) => got.has(k));
    let cpu = null;
    if (CPU && windowStart - 500 > Date.now()) {
      await sleep(windowStart - 500 - Date.now());
      cpu = cpuSnapshot();
    }
    const deadline = Math.max(lastPut, windowStart + WINDOW_MS) + WAIT_MS;
    let lastLog = Date.now();
    while (!allIn() && Date.now() < deadline) {
      await sleep(250);
      if (Date.now() - lastLog >= 10_000) {
        lastLog = Date.now();
        h.log(`  ${[...expected.keys()].filter((k) => got.has(k)).length}/${expected.size} callbacks in, ${Math.round((Date.now() - lastPut) / 1000)} s after the last PUT`);
      }
    }
    if (cpu) h.log(`  CPU per callback while draining: ${cpuPerItem(cpuSpent(cpu, cpuSnapshot(), { [sb.port]: "signalbox" }), received)}`);
    const lastDue = Math.max(...[...expected.values()].map((e) => e.due));
    await sleep(Math.max(DUP_GRACE_MS, lastDue + DUP_GRACE_MS - Date.now()));
    const wallEnd = lastReceived ?? Date.now();

    // Diagnostics: when the service settled each await (settledAt) vs its deadline.
    const settledAt = new Map();
    let listErrors = 0;
    await h.pool(RUNS, 8, async (r) => {
      const res = await sb.api("GET", `/v1/runs/${runId(r)}/awaits`, { timeoutMs: 30_000 }).catch(() => null);
      if (res?.status !== 200) return void listErrors++;
      for (const a of res.json.awaits) if (a.settledAt) settledAt.set(`${a.runId}/${a.step}`, { settledAt: a.settledAt, status: a.status, expiresAt: a.expiresAt });
    });

    let missing = 0;
    let duplicates = 0;
    let sameIdTwice = 0;
    const lateness = [];
    const alarmPart = [];
    const callbackPart = [];
    const notSettled = [];
    for (const [key, e] of expected) {
      const recs = got.get(key);
      const s = settledAt.get(key);
      if (s) alarmPart.push(s.settledAt - e.due);
      if (!recs) {
        missing++;
        if (!s) notSettled.push(key);
        continue;
      }
      if (recs.length > 1) {
        duplicates += recs.length - 1;
        if (new Set(recs.map((x) => x.wid)).size < recs.length) sameIdTwice += recs.length - new Set(recs.map((x) => x.wid)).size;
      }
      const first = Math.min(...recs.map((x) => x.at));
      lateness.push(first - e.due);
      if (s) callbackPart.push(first - s.settledAt);
    }
    for (const key of got.keys()) if (!expected.has(key)) unknown++;
    // Split by whether the deadline fell while PUTs were still being sent (the service under write load) or after.
    const during = [];
    const afterLoad = [];
    let dueDuring = 0;
    let inDuring = 0;
    for (const [key, e] of expected) {
      const recs = got.get(key);
      const first = recs ? Math.min(...recs.map((x) => x.at)) : null;
      if (e.due < lastPut) {
        dueDuring++;
        if (first !== null && first < lastPut) inDuring++;
      }
      if (first !== null) (e.due < lastPut ? during : afterLoad).push(first - e.due);
    }
    const LD = summary(during);
    const LA = summary(afterLoad);
    const L = summary(lateness);
    const A = summary(alarmPart);
    const C = summary(callbackPart);
    const wallS = (wallEnd - wallStart) / 1000;
    h.log(`callbacks: ${lateness.length}/${expected.size} received, ${missing} missing (${notSettled.length} not settled by the service), ${duplicates} duplicates (${sameIdTwice} same webhook-id), ${badSignatures} bad signatures, ${wrongType} not await.resolved, ${unknown} for unknown awaits`);
    h.log(`lateness (receive − createdAt − durationMs): p50 ${fmt(L.p50)} ms, p90 ${fmt(L.p90)} ms, p99 ${fmt(L.p99)} ms, max ${fmt(L.max)} ms, min ${fmt(L.min)} ms`);
    h.log(`  alarm part (settledAt − deadline): p50 ${fmt(A.p50)} p99 ${fmt(A.p99)} max ${fmt(A.max)}; callback part (receive − settledAt): p50 ${fmt(C.p50)} p99 ${fmt(C.p99)} max ${fmt(C.max)}${listErrors ? `; ${listErrors} run lists failed` : ""}`);
    h.log(`  due while PUTs were running: ${dueDuring}, of which called back before the last PUT: ${inDuring}; lateness p50/p99 of those ${fmt(LD.p50)}/${fmt(LD.p99)} ms, of awaits due after the last PUT (${LA.count}) ${fmt(LA.p50)}/${fmt(LA.p99)} ms`);
    h.log(`wall time first PUT → last callback: ${fmt(wallS)} s`);

    const drained = lateness.length / ((wallEnd - (Math.min(...[...expected.values()].map((e) => e.due)))) / 1000);
    return [
      row({ metric: "awaits created (201)", value: load.ok, unit: "", target: { op: ">=", value: AWAITS }, note: [`${fmt(load.elapsedMs / 1000)} s, ${fmt(load.perSecond, 0)}/s`, load.errors ? `${load.errors} errors: ${load.firstError}` : ""].filter(Boolean).join("; ") }),
      row({ metric: "PUT await p50 latency", value: load.p50, unit: "ms" }),
      row({ metric: "PUT await p99 latency", value: load.p99, unit: "ms" }),
      row({ metric: "callbacks received (distinct awaits)", value: lateness.length, unit: "", target: { op: ">=", value: load.ok } }),
      row({ metric: "duplicate callbacks", value: duplicates, unit: "", target: { op: "<=", value: 0 }, note: duplicates ? `${sameIdTwice} with a webhook-id already seen` : "" }),
      row({ metric: "missing callbacks", value: missing, unit: "", target: { op: "<=", value: 0 }, note: missing ? `${notSettled.length} of them not settled by the service (GET …/awaits) ${WAIT_MS / 1000} s after the last PUT` : "" }),
      row({ metric: "bad signatures, wrong type or unknown await", value: badSignatures + wrongType + unknown, unit: "", target: { op: "<=", value: 0 } }),
      row({ metric: "callback lateness p50 (receive − createdAt − durationMs)", value: L.p50, unit: "ms", note: `alarm part (settledAt − deadline) p50 ${fmt(A.p50)} ms, p99 ${fmt(A.p99)} ms; callback part (receive − settledAt) p50 ${fmt(C.p50)} ms, p99 ${fmt(C.p99)} ms` }),
      // issue 23: lateness p99 within 1.2 × the time the bare consumer needs for the same count
      row({ metric: "callback lateness p99", value: L.p99, unit: "ms", baseline: (lateness.length / ceiling.perSecond) * 1000, baselineLabel: "count ÷ bare drain rate", target: { op: "<=", value: Math.round(1.2 * (lateness.length / ceiling.perSecond) * 1000) }, note: `max ${fmt(L.max)} ms` }),
      row({ metric: "callbacks due during creation that arrived during it", value: inDuring, unit: "", baseline: dueDuring, baselineLabel: "due during creation", note: `lateness p50/p99: due during creation ${fmt(LD.p50)}/${fmt(LD.p99)} ms (${LD.count}); due after the last PUT ${fmt(LA.p50)}/${fmt(LA.p99)} ms (${LA.count})` }),
      row({ metric: "wall time, first PUT → last callback", value: wallS, unit: "s" }),
      row({ metric: "callbacks drained per second (first deadline → last callback)", value: drained, unit: "/s", baseline: ceiling.perSecond, baselineLabel: "bare consumer, same count", target: { op: ">=", value: +ceiling.perSecond.toFixed(1) } }),
      row({ metric: "callbacks drained per second vs a bare consumer doing the same work (signed POST, outcome written back, 4 queues × 6 at a time, same due window)", value: drained, unit: "/s", baseline: sameWork.perSecond, baselineLabel: "bare, same work and bounds", note: `${sameWork.arrived} of ${AWAITS} arrived; measured as ours: count ÷ (last arrival − first due)` }),
    ];
  } finally {
    await sb?.stop();
    await receiver.close();
  }
}
