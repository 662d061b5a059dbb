#!/usr/bin/env node
/**
 * `npm run bench [-- name …]`: runs the benchmarks (all, or the named ones),
 * prints a table per benchmark and updates bench/RESULTS.md.
 * `npm run bench -- --profile delivery`: also samples Signalbox's runtime
 * (CPU profile through its inspector) while the benchmark runs, writes the
 * `.cpuprofile` into bench/profiles/ and prints the top frames by self and
 * total time and the self time by file (bench/lib/profile.mjs).
 *
 * A benchmark is a module exporting `name`, `description` and
 * `run(harness) → rows` (rows built with `row()` from ./lib/measure.mjs);
 * add it to BENCHMARKS below. `harness` is test/e2e/lib/wrangler.mjs plus `log`.
 * Each benchmark starts (and stops) its own wrangler dev.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import * as wrangler from "../test/e2e/lib/wrangler.mjs";
import { machineInfo, markdownTable, sourceInfo, textTable } from "./lib/measure.mjs";
import { findBundle, profileText, saveProfile, startProfile, summarizeProfile } from "./lib/profile.mjs";
import * as fires from "./fires.mjs";
import * as delivery from "./delivery.mjs";
import * as webhooks from "./webhooks.mjs";
import * as schedules from "./schedules.mjs";
import * as awaits from "./awaits.mjs";
import * as scale from "./scale.mjs";
import * as live from "./live.mjs";
import * as polls from "./polls.mjs";
import * as operations from "./operations.mjs";
import * as isolation from "./isolation.mjs";
import * as flows from "./flows.mjs";
import * as feed from "./feed.mjs";
import * as bursts from "./bursts.mjs";

const BENCHMARKS = [fires, delivery, webhooks, schedules, awaits, scale, live, polls, operations, isolation, flows, feed, bursts];
/** A whole benchmark (start, warm-up, measure, stop) must finish within this (a module may export a longer `timeoutMs`). */
const BENCH_TIMEOUT_MS = 120_000;
const RESULTS = fileURLToPath(new URL("./RESULTS.md", import.meta.url));

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const profiling = process.argv.includes("--profile");
/**
 * The runner: wrangler dev without its inspector (bench/lib/dev-without-inspector.mjs), for Signalbox and the
 * ceilings alike; BENCH_DEV_INSPECTOR=1 (and --profile, which needs it) runs the plain `wrangler dev` instead.
 */
const devInspector = profiling || !!process.env.BENCH_DEV_INSPECTOR;
/**
 * …and without the dashboard's `[assets]`: in dev every request otherwise passes the runtime's asset router
 * worker before it reaches Signalbox (about 0.5 ms of CPU per request on this machine, docs/performance.md);
 * deployed, that routing is the platform's. The ceilings have no assets. BENCH_DEV_ASSETS=1 keeps them.
 */
const devAssets = !!process.env.BENCH_DEV_ASSETS;
const runner = `${devInspector ? "wrangler dev" : "wrangler dev without its inspector (bench/lib/dev-without-inspector.mjs)"}${devAssets ? "" : ", without the dashboard's assets"}`;
const unknown = wanted.filter((n) => !BENCHMARKS.some((b) => b.name === n));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}`);
  process.exit(2);
}
const selected = wanted.length ? BENCHMARKS.filter((b) => wanted.includes(b.name)) : BENCHMARKS;

const machine = machineInfo();
const runDate = new Date().toISOString();
console.log(`machine: ${machine.os}; ${machine.cpu} × ${machine.cores}; ${machine.memoryGiB} GiB; node ${machine.node}; wrangler ${machine.wrangler}; runner: ${runner}`);

const sections = new Map();
let failed = false;
for (const b of selected) {
  console.log(`\n== ${b.name}: ${b.description}`);
  const start = (opts = {}) => wrangler.startWrangler({ inspector: devInspector, assets: devAssets, ...opts });
  const harness = { ...wrangler, log: (s) => console.log(`   ${s}`), startWrangler: profiling ? profiled(b.name) : start };
  const { load1 } = machineInfo();
  const date = new Date().toISOString();
  const source = sourceInfo(); // the harness snapshots the working tree as the benchmark starts
  const started = performance.now();
  let rows;
  let error = null;
  try {
    rows = await withTimeout(b.run(harness), b.timeoutMs ?? BENCH_TIMEOUT_MS, b.name);
  } catch (e) {
    error = e;
    failed = true;
    console.error(`!! ${b.name} failed: ${e.stack ?? e}`);
  }
  const seconds = (performance.now() - started) / 1000;
  if (rows) {
    console.log(`\n${textTable(rows)}`);
    for (const r of rows.filter((r) => r.note)) console.log(`   note (${r.metric}): ${r.note}`);
    console.log(`   (${seconds.toFixed(1)} s)`);
  }
  sections.set(b.name, renderSection(b, rows, error, { seconds, load1, source, date }));
}

await writeResults(sections);
console.log(`\nwrote ${RESULTS}`);
process.exit(failed ? 1 : 0);

/** startWrangler that samples every Signalbox server it starts (not the ceiling) until it stops. */
function profiled(name) {
  return async (opts = {}) => {
    const sb = await wrangler.startWrangler({ assets: devAssets, ...opts });
    if (opts.sourceRoot) return sb;
    const session = await startProfile(sb.inspectorPort);
    const stop = sb.stop;
    sb.stop = async () => {
      try {
        const profile = await session.stop();
        const file = saveProfile(profile, name);
        console.log(`\n${profileText(summarizeProfile(profile, { bundle: findBundle(sb.sourceDir) }))}\n   (profile written to ${file})`);
      } catch (e) {
        console.error(`   profile of ${name} failed: ${e.message}`);
      }
      await stop();
    };
    return sb;
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
    }),
  ]);
}

function renderSection(b, rows, error, { seconds, load1, source, date }) {
  const lines = [
    `<!-- bench:${b.name} -->`,
    `## ${b.name}`,
    "",
    `${b.description}.`,
    "",
    `Run ${date} on ${machine.os}, ${machine.cpu} × ${machine.cores} cores, node ${machine.node}, wrangler ${machine.wrangler}; runner: ${runner}; 1-min load average before it ${load1}; code ${source} (took ${seconds.toFixed(1)} s).`,
    "",
  ];
  if (error) lines.push(`**Failed:** \`${String(error.message).split("\n")[0]}\``, "");
  if (rows) {
    lines.push(markdownTable(rows), "");
    const notes = rows.filter((r) => r.note);
    if (notes.length) lines.push(...notes.map((r) => `- ${r.metric}: ${r.note}`), "");
  }
  lines.push(`<!-- /bench:${b.name} -->`);
  return lines.join("\n");
}

/** Rewrites RESULTS.md: sections of benchmarks that ran are replaced, the others kept. */
async function writeResults(fresh) {
  const old = await readFile(RESULTS, "utf8").catch(() => "");
  const kept = new Map();
  for (const m of old.matchAll(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g)) kept.set(m[1], m[0]);
  for (const [k, v] of fresh) kept.set(k, v);
  const order = [...BENCHMARKS.map((b) => b.name), ...[...kept.keys()].filter((k) => !BENCHMARKS.some((b) => b.name === k))];
  const body = order.filter((k) => kept.has(k)).map((k) => kept.get(k));
  const head = [
    "# Benchmark results",
    "",
    "Written by `npm run bench` (`node bench/run.mjs [name …]`); each section is replaced when its benchmark runs.",
    "Each benchmark starts its own dev server on loopback (by default `wrangler dev` without its inspector, which",
    "otherwise relays every subrequest to wrangler's Node process: bench/lib/dev-without-inspector.mjs, and without",
    "the dashboard's assets, whose router worker otherwise handles every request first; each section names its",
    "runner); the load generator and the receiver run in the same Node process, on the same machine as",
    "workerd, so client cost is in every figure.",
    "The baseline is measured in the same run on the same server; ratio = value ÷ baseline.",
    "",
    `Last run: ${runDate}. Machine: ${machine.os}; CPU ${machine.cpu}; ${machine.cores} cores; ${machine.memoryGiB} GiB RAM; node ${machine.node}; wrangler ${machine.wrangler}.`,
    "",
  ];
  await writeFile(RESULTS, [...head, ...body].join("\n") + "\n");
}
