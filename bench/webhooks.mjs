/**
 * Benchmark: webhook ingest. One webhook trigger with the GitHub HMAC preset;
 * signed 2 KB GitHub-style JSON deliveries (unique x-github-delivery each) to
 * POST /webhooks/{tenant}/{path} at concurrency 32 for 10 s, next to the
 * runner's ceiling in the same run: a bare Worker route that stores the same
 * 2 KB body in one Durable Object (one row) and answers 202 (bench/ceiling),
 * and a bare GET /healthz of the same wrangler dev. Target: ≥ 1.0× the ceiling.
 * The bare route is measured a second time, right after the first: its
 * ratio to the first is what the runner alone does to a ratio.
 *
 * Afterwards every 202's `id` must appear exactly once as a `trigger.fired`
 * event in the trigger's stream (the inbox is processed after the answer, so
 * the check waits, bounded, for it to catch up).
 *
 * BENCH_WEBHOOK_SECONDS changes the length of both runs (default 10).
 */
import { createHmac, randomUUID } from "node:crypto";
import { row, runLoad } from "./lib/measure.mjs";
import { fmt, must, readStream, runFor } from "./lib/stream.mjs";
import { startCeiling } from "./lib/ceiling.mjs";
import { cpuPerItem, cpuSnapshot, cpuSpent } from "./lib/cpu.mjs";

const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10);
const CONCURRENCY = 32;
const WARMUP = 200;
const BODY_BYTES = 2048;
const TRIGGER = "bench.github";
const PATH = "gh-bench";
const SECRET = "bench-github-secret-0123456789abcdef";
/** How long the stream may take to show every accepted webhook after the load stops. */
const CATCH_UP_MS = 60_000;
const THROUGHPUT_TARGET = 1.0; // × the ceiling's req/s
/** The benchmark's trigger: GitHub's HMAC preset on PATH. */
const DEFINITION = { type: "webhook", displayName: "bench github", webhook: { path: PATH, auth: { type: "hmac", provider: "github", secret: SECRET } } };
/** BENCH_CPU=1: the CPU each process group spent per accepted webhook (Linux /proc), from the load's start to its last piece of work. */
const CPU = !!process.env.BENCH_CPU;
/** Starts a CPU window; its `stop(count, ports)` answers the CPU per item by process, or null without BENCH_CPU. */
function cpuWindow() {
  const before = CPU ? cpuSnapshot() : null;
  return { stop: (count, ports) => (before ? cpuPerItem(cpuSpent(before, cpuSnapshot(), ports), count) : null) };
}

export const name = "webhooks";
export const description = `signed 2 KB GitHub webhooks (HMAC preset) for ${SECONDS} s at concurrency ${CONCURRENCY}, vs GET /healthz for ${SECONDS} s; every 202 id in the stream exactly once`;
export const timeoutMs = 180_000;

/** A GitHub push-event-like JSON body of exactly BODY_BYTES bytes. */
function githubBody(i, delivery) {
  const payload = {
    ref: "refs/heads/main",
    before: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
    after: "59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5",
    repository: {
      id: 35129377, node_id: "MDEwOlJlcG9zaXRvcnkzNTEyOTM3Nw==", name: "public-repo", full_name: "baxterthehacker/public-repo",
      private: false, owner: { name: "baxterthehacker", email: "baxterthehacker@users.noreply.github.com", login: "baxterthehacker", id: 6752317 },
      html_url: "https://github.com/baxterthehacker/public-repo", default_branch: "main", stargazers_count: 0, forks_count: 0,
    },
    pusher: { name: "baxterthehacker", email: "baxterthehacker@users.noreply.github.com" },
    sender: { login: "baxterthehacker", id: 6752317, type: "User", site_admin: false },
    head_commit: {
      id: "59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5", tree_id: "f9d2a07e9488b91af2641b26b9407fe22a451433", distinct: true,
      message: `Update README.md (bench ${i})`, timestamp: new Date().toISOString(),
      url: "https://github.com/baxterthehacker/public-repo/commit/59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5",
      author: { name: "baxterthehacker", email: "baxterthehacker@users.noreply.github.com", username: "baxterthehacker" },
      added: [], removed: [], modified: ["README.md"],
    },
    bench: { i, delivery },
  };
  const bare = JSON.stringify(payload);
  const room = BODY_BYTES - Buffer.byteLength(bare) - ',"padding":""'.length;
  if (room < 0) return bare;
  return JSON.stringify({ ...payload, padding: "x".repeat(room) });
}

/** The ceiling: the same bodies stored by a bare route in one object, for the same time at the same concurrency. */
async function ceilingRun(h) {
  const c = await startCeiling(h);
  try {
    const ingest = (work) => async (i) => {
      const body = githubBody(i, randomUUID());
      const headers = { "content-type": "application/json", ...(work ? { "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}` } : {}) };
      const res = await fetch(`${c.baseUrl}/ingest${work ? `?work=1&secret=${SECRET}` : ""}`, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      return res.status === 202;
    };
    const ports = { [c.port]: "ceiling" };
    await runLoad({ count: WARMUP, concurrency: CONCURRENCY, request: ingest(false) });
    let cpu = cpuWindow();
    const bare = await runFor({ durationMs: SECONDS * 1000, concurrency: CONCURRENCY, request: ingest(false) });
    bare.cpu = cpu.stop(bare.ok, ports);
    // the bare route once more: the same ceiling measured twice shows how far a ratio to it moves with the runner alone
    const again = await runFor({ durationMs: SECONDS * 1000, concurrency: CONCURRENCY, request: ingest(false) });
    // the same with the work a signed webhook needs besides (HMAC check, the event written after the answer)
    await runLoad({ count: WARMUP, concurrency: CONCURRENCY, request: ingest(true) });
    cpu = cpuWindow();
    const withWork = await runFor({ durationMs: SECONDS * 1000, concurrency: CONCURRENCY, request: ingest(true) });
    await new Promise((r) => setTimeout(r, 500)); // the events written after the last answers
    withWork.cpu = cpu.stop(withWork.ok, ports);
    return { ...bare, withWork, again };
  } finally {
    await c.stop();
  }
}

/** The signed load on a fresh server with the dashboard's `[assets]` (warm-up, then SECONDS at CONCURRENCY). */
async function assetsRun(h) {
  const sb = await h.startWrangler({ logLevel: "warn", assets: true });
  try {
    await must(sb.api("PUT", `/v1/triggers/${TRIGGER}`, { body: DEFINITION }), [201, 200], "register");
    const send = signedSender(`${sb.baseUrl}/webhooks/${sb.tenant}/${PATH}`, () => {});
    await h.eventually(() => send(-1).catch(() => false), { timeoutMs: 20_000, intervalMs: 100, what: "webhook route answering 202" });
    await runLoad({ count: WARMUP, concurrency: CONCURRENCY, request: send });
    return await runFor({ durationMs: SECONDS * 1000, concurrency: CONCURRENCY, request: send });
  } finally {
    await sb.stop();
  }
}

/** A request function for runLoad: one signed 2 KB GitHub webhook to `url`; `record(id)` gets each 202's id. */
function signedSender(url, record) {
  return async (i) => {
    const delivery = randomUUID();
    const body = githubBody(i, delivery);
    const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "GitHub-Hookshot/bench", "x-github-event": "push", "x-github-delivery": delivery, "x-hub-signature-256": signature },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status !== 202) throw new Error(`webhook ${res.status}: ${text.slice(0, 200)}`);
    const j = JSON.parse(text);
    if (j.status !== "accepted") throw new Error(`webhook answered status ${j.status}`);
    record(j.id);
    return true;
  };
}

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  h.log(`ceiling: a bare route storing the 2 KB body in one object, ${SECONDS} s at concurrency ${CONCURRENCY}`);
  const ceiling = await ceilingRun(h);
  h.log(`  ${ceiling.ok} ok, ${fmt(ceiling.perSecond, 0)}/s, p50 ${fmt(ceiling.p50)} ms, p99 ${fmt(ceiling.p99)} ms; with the HMAC check and the event row: ${fmt(ceiling.withWork.perSecond, 0)}/s (${ceiling.withWork.ok} ok); bare again: ${fmt(ceiling.again.perSecond, 0)}/s`);
  if (CPU) h.log(`  CPU per webhook: bare: ${ceiling.cpu} | same work: ${ceiling.withWork.cpu}`);
  const sb = await h.startWrangler({ logLevel: "warn" });
  try {
    const reg = await must(
      sb.api("PUT", `/v1/triggers/${TRIGGER}`, { body: DEFINITION }),
      [201, 200], "register",
    );
    const url = `${sb.baseUrl}/webhooks/${sb.tenant}/${PATH}`;
    h.log(`webhook ${url} (webhookUrl in the answer: ${reg.json?.webhookUrl})`);

    const accepted = []; // ids from 202 answers (warm-up and measured)
    const send = (record) => signedSender(url, (id) => record && accepted.push(id));
    const health = async () => {
      const res = await fetch(`${sb.baseUrl}/healthz`, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      return res.status === 200;
    };

    // The path index is a D1 projection written after the PUT: wait until the route answers.
    await h.eventually(async () => {
      try {
        return await send(true)(-1);
      } catch {
        return false;
      }
    }, { timeoutMs: 20_000, intervalMs: 100, what: "webhook route answering 202" });

    h.log(`warm-up: ${WARMUP} healthz + ${WARMUP} webhooks`);
    await runLoad({ count: WARMUP, concurrency: CONCURRENCY, request: health });
    const warm = await runLoad({ count: WARMUP, concurrency: CONCURRENCY, request: send(true) });
    if (warm.errors) throw new Error(`warm-up webhooks failed: ${warm.firstError}`);
    // let the warm-up's inbox drain before the baseline, so it does not run on the baseline's time
    const seen = new Map(); // id -> count of trigger.fired events
    const other = new Map(); // id -> other event types for it (trigger.skipped …)
    let after = 0;
    const catchUp = async () => {
      const { events, last } = await readStream(sb, TRIGGER, { after, types: ["trigger.fired", "trigger.skipped"] });
      after = last;
      for (const e of events) {
        if (e.type === "trigger.fired") seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
        else other.set(e.id, e.type);
      }
    };
    const warmDrained = await h
      .eventually(async () => (await catchUp(), accepted.every((id) => seen.has(id) || other.has(id))), { timeoutMs: 30_000, what: "warm-up fires in the stream" })
      .catch(() => false);
    if (!warmDrained) h.log(`  warm-up: only ${accepted.filter((id) => seen.has(id)).length}/${accepted.length} fires in the stream after 30 s; measuring anyway`);

    h.log(`baseline: GET /healthz for ${SECONDS} s at concurrency ${CONCURRENCY}`);
    const base = await runFor({ durationMs: SECONDS * 1000, concurrency: CONCURRENCY, request: health });
    h.log(`  ${base.ok} ok, ${fmt(base.perSecond, 0)}/s, p50 ${fmt(base.p50)} ms, p99 ${fmt(base.p99)} ms, errors ${base.errors}`);

    h.log(`measure: signed POST /webhooks/${sb.tenant}/${PATH} for ${SECONDS} s at concurrency ${CONCURRENCY}`);
    const measuredFrom = accepted.length;
    const cpu = cpuWindow();
    const load = await runFor({ durationMs: SECONDS * 1000, concurrency: CONCURRENCY, request: send(true) });
    const loadEnd = performance.now();
    h.log(`  ${load.ok} ok, ${fmt(load.perSecond, 0)}/s, p50 ${fmt(load.p50)} ms, p99 ${fmt(load.p99)} ms, errors ${load.errors}${load.firstError ? ` (${load.firstError})` : ""}`);

    // Every 202 id must show up once as trigger.fired: wait (bounded) for the inbox to catch up.
    let caughtUpMs = null;
    const deadline = Date.now() + CATCH_UP_MS;
    for (;;) {
      await catchUp();
      const pending = accepted.filter((id) => !seen.has(id) && !other.has(id)).length;
      if (pending === 0) {
        caughtUpMs = performance.now() - loadEnd;
        break;
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (CPU) h.log(`  CPU per webhook (to the stream caught up): ${cpu.stop(load.ok, { [sb.port]: "signalbox" })}`);
    await new Promise((r) => setTimeout(r, 1_000));
    await catchUp(); // a last read: late duplicates would show here
    const acceptedSet = new Set(accepted);
    let once = 0;
    let missing = 0;
    let duplicated = 0;
    let skipped = 0;
    for (const id of accepted) {
      const n = seen.get(id) ?? 0;
      if (n === 1) once++;
      else if (n > 1) duplicated++;
      else if (other.has(id)) skipped++;
      else missing++;
    }
    const strangers = [...seen.keys()].filter((id) => !acceptedSet.has(id)).length;
    const dupAnswers = accepted.length - acceptedSet.size;
    h.log(`  stream: ${once}/${accepted.length} ids exactly once, ${missing} missing, ${duplicated} duplicated, ${skipped} skipped, ${strangers} fires without a 202, ${dupAnswers} repeated 202 ids; caught up ${caughtUpMs == null ? "never" : `${fmt(caughtUpMs / 1000)} s`} after the load`);

    const stats = await sb.api("GET", `/v1/triggers/${TRIGGER}/stats`);
    h.log(`  stats: ${stats.text.slice(0, 400)}`);
    await sb.stop();

    // The same load on the dev server as `npm run dev` runs it, with the dashboard's assets: in dev every request
    // first passes the runtime's asset router worker (deployed, that routing is the platform's).
    h.log(`with the dashboard's assets: signed POST for ${SECONDS} s at concurrency ${CONCURRENCY}`);
    const withAssets = await assetsRun(h);
    h.log(`  ${withAssets.ok} ok, ${fmt(withAssets.perSecond, 0)}/s, p50 ${fmt(withAssets.p50)} ms, errors ${withAssets.errors}`);

    const note = (r) => (r.errors ? `${r.errors} errors: ${r.firstError}` : "");
    const streamNote = [
      `${accepted.length} accepted (${measuredFrom} warm-up + ${accepted.length - measuredFrom} measured)`,
      missing ? `${missing} never appeared within ${CATCH_UP_MS / 1000} s` : "",
      duplicated ? `${duplicated} appeared more than once` : "",
      skipped ? `${skipped} recorded as trigger.skipped` : "",
      strangers ? `${strangers} trigger.fired without a 202 id` : "",
      dupAnswers ? `${dupAnswers} 202 ids repeated` : "",
    ].filter(Boolean).join("; ");
    return [
      row({ metric: "webhooks/s (signed 2 KB, 202)", value: load.perSecond, unit: "/s", baseline: ceiling.perSecond, baselineLabel: "bare route storing the body", target: { op: ">=", value: Math.round(THROUGHPUT_TARGET * ceiling.perSecond) }, note: [`target ${THROUGHPUT_TARGET}× the ceiling`, note(load)].filter(Boolean).join("; ") }),
      row({ metric: "webhooks/s vs a bare route doing the same work (HMAC check, event row after the answer)", value: load.perSecond, unit: "/s", baseline: ceiling.withWork.perSecond, baselineLabel: "bare route + HMAC + event written after", note: `the work's own cost on this runner: the bare route falls from ${fmt(ceiling.perSecond, 0)}/s to ${fmt(ceiling.withWork.perSecond, 0)}/s (${fmt(ceiling.withWork.perSecond / ceiling.perSecond, 2)}×) when it checks the signature and writes the event` }),
      row({ metric: "the bare route against itself: measured again right after", value: ceiling.again.perSecond, unit: "/s", baseline: ceiling.perSecond, baselineLabel: "bare route storing the body", note: "the noise floor of a ratio to the ceiling on this runner" }),
      row({ metric: "webhooks/s with the dashboard's assets routed first (as npm run dev)", value: withAssets.perSecond, unit: "/s", baseline: ceiling.perSecond, baselineLabel: "bare route storing the body", note: `the same server without them: ${fmt(load.perSecond, 0)}/s; ${note(withAssets)}`.replace(/; $/, "") }),
      row({ metric: "webhook p50 latency", value: load.p50, unit: "ms", baseline: ceiling.p50, baselineLabel: "the ceiling" }),
      row({ metric: "webhook p99 latency", value: load.p99, unit: "ms", baseline: ceiling.p99, baselineLabel: "the ceiling" }),
      row({ metric: "GET /healthz of the same server (req/s)", value: base.perSecond, unit: "/s", baseline: ceiling.perSecond, baselineLabel: "the ceiling" }),
      row({ metric: "webhook errors (non-202)", value: load.errors, unit: "", baseline: base.errors, baselineLabel: "healthz", target: { op: "<=", value: 0 } }),
      row({ metric: "202 ids in the stream exactly once", value: once, unit: "", target: { op: ">=", value: accepted.length }, note: streamNote }),
      row({ metric: "202 ids missing or duplicated in the stream", value: missing + duplicated + skipped + dupAnswers, unit: "", target: { op: "<=", value: 0 } }),
      row({ metric: "stream caught up after the load stopped", value: caughtUpMs == null ? null : caughtUpMs / 1000, unit: "s", note: caughtUpMs == null ? `not within ${CATCH_UP_MS / 1000} s` : "" }),
    ];
  } finally {
    await sb.stop();
  }
}
